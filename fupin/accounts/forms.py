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



# --- account management (用户管理) -------------------------------------------------------

def _phone(value: str) -> str:
    from fupin.core.tabular.parsers import CellError, parse_phone

    if not value:
        return ""
    try:
        return parse_phone(value) or ""
    except CellError as exc:
        raise forms.ValidationError(exc.message) from exc


class UserForm(StyledFormMixin, forms.Form):
    """An account's fields as its manager types them; the services decide what is allowed
    (roles at or below one's own, scopes inside one's own). Shape only here."""

    username = forms.CharField(label=_("用户名"), max_length=150,
                               help_text=_("登录用，字母、数字或 @.+-_，创建后不能修改"))
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("角色"))
    scope_area = forms.CharField(label=_("管辖区划"), max_length=12)
    password = forms.CharField(
        label=_("初始密码"), required=False, strip=False,
        help_text=_("留空则由系统生成；保存后只显示一次。用户首次登录时必须修改。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, actor, instance=None, **kwargs):
        from fupin.areas.widgets import AreaPickerWidget
        from fupin.core import scoping
        from fupin.core.roles import Role, assignable_roles

        super().__init__(*args, **kwargs)
        self.actor, self.instance = actor, instance
        labels = dict(Role.choices)
        roles = assignable_roles(actor)
        if instance is not None and instance.role not in roles:
            roles = [instance.role, *roles]
        self.fields["role"].choices = [("", "—")] + [(r, labels[r]) for r in roles]
        self.fields["scope_area"].widget = AreaPickerWidget(
            root=scoping.user_scope_code(actor) or "", leaf_level="village")
        self.fields["scope_area"].help_text = _(
            "村级专职人员选到村，乡镇经办、产业技术员至少选到乡镇，区县经办、专家至少选到区县")
        if instance is not None:
            del self.fields["username"], self.fields["password"]
            self.fields["phone"].help_text = _("留空则不改；当前：%(p)s") % {
                "p": masked_phone(instance.phone) or "—"}
            self.initial.update({"full_name": instance.full_name, "role": instance.role,
                                 "scope_area": instance.scope_area_id or ""})
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写此项。")
        self.style_fields()

    def clean_phone(self):
        return _phone(self.cleaned_data.get("phone", "").strip())

    def service_data(self) -> dict:
        data = {"full_name": self.cleaned_data["full_name"], "role": self.cleaned_data["role"],
                "scope_code": self.cleaned_data["scope_area"]}
        if self.instance is None or self.cleaned_data["phone"]:
            data["phone"] = self.cleaned_data["phone"]
        return data


class UserPasswordResetForm(StyledFormMixin, forms.Form):
    password = forms.CharField(
        label=_("新密码"), required=False, strip=False,
        help_text=_("留空则由系统生成；提交后只显示一次。用户下次登录时必须修改。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class UserFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名、用户名或手机号")}))
    role = forms.ChoiceField(label=_("角色"), required=False)
    active = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), ("1", _("在用")), ("0", _("已停用"))])

    def __init__(self, *args, actor, **kwargs):
        from fupin.core.roles import Role, assignable_roles

        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [("", _("全部"))] + [
            (r, labels[r]) for r in assignable_roles(actor)]
        self.style_fields()


def masked_phone(phone: str) -> str:
    """A staff user's phone as the personal-data policy shows it to staff (138****5678):
    the account pages are read by managers only (core/personal.py)."""
    from fupin.core import personal

    return personal.stored_mask(personal.PHONE, phone or "")
