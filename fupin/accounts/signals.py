from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services
from .models import LoginEvent


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    services.login_event_record(request=request, username=user.get_username(), user=user,
                                result=LoginEvent.Result.SUCCESS)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        services.login_event_record(request=request, username=user.get_username(), user=user,
                                    result=LoginEvent.Result.LOGOUT)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    locked = getattr(request, "fupin_login_locked", False)
    services.login_event_record(
        request=request, username=credentials.get("username", "") or "", user=None,
        result=LoginEvent.Result.LOCKED if locked else LoginEvent.Result.FAILURE,
    )


def _update_last_login(sender, user, **kwargs):
    """Django's update_last_login, without a history row for a mere login (the login itself
    is in LoginEvent)."""
    from django.utils import timezone

    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving


def _replace_last_login_receiver():
    from django.contrib.auth.models import update_last_login

    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user_logged_in.connect(_update_last_login, dispatch_uid="fupin_update_last_login")


_replace_last_login_receiver()
