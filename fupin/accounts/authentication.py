"""API tokens that expire (DESIGN §7, personal data): DRF's token, valid for
FUPIN_API_TOKEN_HOURS after it was issued. A script that holds one asks for a new one with its
password (`POST /api/v1/auth/token/`, the same lockout and audit as the login page); a token
that leaked stops working by itself."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.FUPIN_API_TOKEN_HOURS)


def token_expired(token) -> bool:
    return token.created <= timezone.now() - token_lifetime()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新获取。"))
        from .middleware import must_change, must_change_message

        if must_change(user):  # first login: the password is changed on the web first
            raise exceptions.PermissionDenied(must_change_message())
        return user, token
