"""Password rules for a government system: ≥10 characters (Django's validator), not the
username, and not all of one character class."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _classes(password: str) -> int:
    kinds = set()
    for ch in password:
        if ch.isdigit():
            kinds.add("digit")
        elif ch.isalpha() and ch.isascii():
            kinds.add("upper" if ch.isupper() else "lower")
        elif ch.isalpha():
            kinds.add("letter")
        else:
            kinds.add("symbol")
    return len(kinds)


class MixedClassesValidator:
    """Refuse passwords made of one class only (all digits, all lower-case letters, …)."""

    def validate(self, password, user=None):
        if _classes(password) < 2:
            raise ValidationError(
                _("密码不能只由一类字符组成，请混合使用大小写字母、数字或符号。"),
                code="password_one_class",
            )

    def get_help_text(self):
        return _("密码须混合使用至少两类字符（大写字母、小写字母、数字、符号）。")


class NotUsernameValidator:
    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_is_username")

    def get_help_text(self):
        return _("密码不能包含用户名。")


class MinimumLengthValidator:
    """At least `min_length` characters (own message: Django 5.2's changed msgid has no
    Chinese translation in its catalogue)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
