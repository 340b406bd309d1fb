from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .selectors import client_ip, login_locked


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing any attempt while the account or IP is locked.

    Refusing with PermissionDenied stops authentication outright (even with the right
    password) and fires user_login_failed, which records the attempt as 'locked'.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self.get_user_model_class().USERNAME_FIELD)
        if login_locked(username=username or "", ip=client_ip(request)):
            if request is not None:
                request.fupin_login_locked = True
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def get_user_model_class():
        from django.contrib.auth import get_user_model

        return get_user_model()
