from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import services
from .models import LoginEvent, User


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


CREDENTIAL_FIELDS = {"password", "is_active"}


@receiver(pre_save, sender=User, dispatch_uid="fupin_credentials_before")
def _credentials_before(sender, instance, raw=False, update_fields=None, **kwargs):
    """Note whether this save changes the password or deactivates the user, whichever code
    saves it (page, admin, service, command)."""
    instance._fupin_revoke = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not CREDENTIAL_FIELDS & set(update_fields):
        return  # e.g. last_login at every login
    old = User.objects.filter(pk=instance.pk).values_list("password", "is_active").first()
    if old is None:
        return
    old_password, was_active = old
    if was_active and not instance.is_active:
        instance._fupin_revoke = LoginEvent.Result.DEACTIVATED
    elif instance.password != old_password:
        if getattr(instance, "_password", None) is None and update_fields is not None \
                and set(update_fields) == {"password"}:
            return  # Django re-hashing the same password at login (check_password's setter)
        instance._fupin_revoke = LoginEvent.Result.PASSWORD


@receiver(post_save, sender=User, dispatch_uid="fupin_credentials_after")
def _credentials_after(sender, instance, created=False, raw=False, **kwargs):
    result = getattr(instance, "_fupin_revoke", None)
    if result is None:
        return
    instance._fupin_revoke = None
    from simple_history.models import HistoricalRecords

    services.credentials_revoke(user=instance, result=result,
                                request=getattr(HistoricalRecords.context, "request", None))


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
