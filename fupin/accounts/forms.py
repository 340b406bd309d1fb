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


class PasswordChangeForm(StyledFormMixin, forms.Form):
    """A logged-in user's own password: the current one (checked through the login backend,
    so wrong guesses count towards the lockout and are audited), and the new one twice,
    under the product's password rules (AUTH_PASSWORD_VALIDATORS)."""

    old_password = forms.CharField(
        label=_("原密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                          "autofocus": True}))
    new_password1 = forms.CharField(
        label=_("新密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(
        label=_("确认新密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写此项。")
        self.style_fields()

    def clean_old_password(self):
        from django.contrib.auth import authenticate

        old = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old) is None:
            if getattr(self.request, "fupin_login_locked", False):
                raise forms.ValidationError(LoginForm.error_messages["locked"], code="locked")
            raise forms.ValidationError(_("原密码不正确，请重新输入。"),
                                        code="password_incorrect")
        return old

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        new, again = data.get("new_password1"), data.get("new_password2")
        if not new or not again or "old_password" not in data:
            return data
        if new != again:
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        elif new == data["old_password"]:
            self.add_error("new_password1", _("新密码不能与原密码相同。"))
        else:
            try:
                validate_password(new, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data

