from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import StyledFormMixin


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("该账户已停用。"),
        "locked": _("登录失败次数过多，账户或本机已被锁定 15 分钟，请稍后再试。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none",
                                                     "autocomplete": "username"})
        self.style_fields()

    def get_invalid_login_error(self):
        if getattr(self.request, "fupin_login_locked", False):
            return forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().get_invalid_login_error()
