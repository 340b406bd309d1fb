from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.contrib.auth.password_validation import password_validators_help_texts
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, ListView

from fupin.core.roles import can_restore

from . import services
from .forms import LoginForm, PasswordChangeForm
from .models import LoginEvent
from .selectors import login_event_list


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@method_decorator([sensitive_post_parameters(), never_cache], name="dispatch")
class PasswordChangeView(LoginRequiredMixin, FormView):
    """修改密码, for every logged-in user. The change revokes the user's API tokens and other
    sessions (accounts/signals.py); this session stays logged in."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "request": self.request}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rules": password_validators_help_texts()}

    def form_valid(self, form):
        user = self.request.user
        services.password_change(actor=user, user=user,
                                 password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request,
                         _("密码已修改。其他设备上的登录和接口令牌已失效，请用新密码重新登录。"))
        return super().form_valid(form)


class LoginEventListView(LoginRequiredMixin, UserPassesTestMixin, ListView):
    """Logins, logouts and failed logins, newest first (administrators)."""

    template_name = "accounts/login_events.html"
    paginate_by = 50
    context_object_name = "events"

    def test_func(self):
        return can_restore(self.request.user)

    def handle_no_permission(self):
        from django.http import Http404

        if self.request.user.is_authenticated:
            raise Http404
        return super().handle_no_permission()

    def get_queryset(self):
        return login_event_list(filters=self.request.GET)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["results"] = LoginEvent.Result.choices
        ctx["q"] = self.request.GET.get("q", "")
        ctx["result"] = self.request.GET.get("result", "")
        return ctx


# --- 用户管理: account management pages (issue 9 item 6) --------------------------------
#
# Thin views over accounts/services.py, in the shape of the generic Resource pages (list with
# keyset paging and filters, detail with history, create, edit with the version guard),
# reusing their parts (core/_keyset_nav.html, core/_history.html, core/_form_fields.html,
# the spec export). Not a Resource: User is no AreaScopedModel (no area_code, retire is
# deactivation that revokes credentials, a new account's password is shown once), and a
# registered Resource would enter the generic scoping and personal-data walks built for
# area records. Role refused: 403; an account out of reach: 404 (User.objects.visible_to).


def _manager_required(request):
    from django.core.exceptions import PermissionDenied

    from fupin.core.roles import can_manage_accounts

    if not can_manage_accounts(request.user):
        raise PermissionDenied


def _account(request, pk):
    from django.contrib.auth import get_user_model

    from fupin.core import scoping

    _manager_required(request)
    return scoping.get_visible_or_404(get_user_model(), request.user, pk=pk)


def _shown_once(request, *, account, password, what):
    """The page that shows a password once: rendered in the POST's answer (never kept in a
    message or the session), and not cached."""
    from django.shortcuts import render

    response = render(request, "accounts/user_password_shown.html",
                      {"account": account, "password": password, "what": what})
    response["Cache-Control"] = "no-store"
    return response


def _history(account, user):
    """The account's history, its phone masked as on its page (core/personal.py's staff
    mask: the managers who read it are staff)."""
    from fupin.core.history import history_entries

    from .forms import masked_phone

    entries = history_entries(account, user=user)
    label = str(type(account)._meta.get_field("phone").verbose_name)
    yes_no = {True: _("是"), False: _("否")}
    for entry in entries:
        for change in entry.changes:
            if change.field == label:
                change.old, change.new = masked_phone(change.old), masked_phone(change.new)
            elif isinstance(change.new, bool) or isinstance(change.old, bool):
                change.old, change.new = yes_no.get(change.old, ""), yes_no.get(change.new, "")
    return entries


class UserManagerMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _manager_required(request)
        return super().dispatch(request, *args, **kwargs)


class UserListView(UserManagerMixin, View):
    def get(self, request):
        from django.shortcuts import render

        from fupin.areas.widgets import AreaPickerWidget
        from fupin.core import scoping
        from fupin.core.paging import keyset_page

        from .forms import UserFilterForm, masked_phone
        from .selectors import user_list

        form = UserFilterForm(request.GET or None, actor=request.user)
        page = keyset_page(request, user_list(user=request.user, filters=request.GET), 50)
        rows = [(u, masked_phone(u.phone)) for u in page]
        picker = AreaPickerWidget(root=scoping.user_scope_code(request.user) or "",
                                  leaf_level="village").render("area", request.GET.get("area"))
        query = request.GET.copy()
        query.pop("after", None)
        ctx = {"form": form, "page": page, "rows": rows, "area_picker": picker,
               "export_query": query.urlencode(),
               "sheets": services.credential_sheets_pending(actor=request.user).count()}
        template = "accounts/_user_table.html" if request.headers.get("HX-Request") else \
            "accounts/user_list.html"
        return render(request, template, ctx)


class UserDetailView(UserManagerMixin, View):
    def get(self, request, pk):
        from django.shortcuts import render

        from fupin.areas.selectors import area_full_name

        from .forms import masked_phone
        from .selectors import user_login_events

        account = _account(request, pk)
        fields = [(_("用户名"), account.username), (_("姓名"), account.full_name),
                  (_("手机号"), masked_phone(account.phone)),
                  (_("角色"), account.get_role_display()),
                  (_("管辖区划"), area_full_name(account.scope_code) if account.scope_code
                   else ""),
                  (_("状态"), _("在用") if account.is_active else _("已停用")),
                  (_("须修改密码"), _("是") if account.must_change_password else _("否")),
                  (_("最近登录"), account.last_login)]
        return render(request, "accounts/user_detail.html", {
            "account": account, "fields": fields, "entries": _history(account, request.user),
            "events": user_login_events(user=account), "is_self": account.pk == request.user.pk})


@method_decorator([sensitive_post_parameters("password"), never_cache], name="dispatch")
class UserEditView(UserManagerMixin, View):
    template_name = "accounts/user_form.html"

    def show(self, form, account, status=200):
        from django.shortcuts import render

        return render(self.request, self.template_name, {"form": form, "account": account},
                      status=status)

    def get(self, request, pk=None):
        from .forms import UserForm

        account = _account(request, pk) if pk else None
        return self.show(UserForm(actor=request.user, instance=account), account)

    def post(self, request, pk=None):
        from django.core.exceptions import ValidationError
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        from fupin.core.errors import ConcurrentEditError, ServiceError

        from .forms import UserForm

        account = _account(request, pk) if pk else None
        form = UserForm(request.POST, actor=request.user, instance=account)
        if not form.is_valid():
            return self.show(form, account, status=400)
        try:
            if account is None:
                account, password = services.user_create(
                    actor=request.user, username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"] or None, **form.service_data())
                return _shown_once(request, account=account, password=password,
                                   what=_("账户已创建"))
            version = request.POST.get("_version", "")
            services.user_update(actor=request.user, user=account,
                                 expected_version=int(version) if version.isdigit() else None,
                                 **form.service_data())
        except ServiceError as exc:
            field = {"scope_code": "scope_area"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
            return self.show(form, account,
                             status=409 if isinstance(exc, ConcurrentEditError) else 400)
        except ValidationError as exc:
            field = "password" if "password" in form.fields else None
            form.add_error(field, exc.messages)
            return self.show(form, account, status=400)
        messages.success(request, _("已保存。"))
        return HttpResponseRedirect(reverse("accounts:user_detail", args=[account.pk]))


class UserStateView(UserManagerMixin, View):
    """停用 / 恢复: POST only, back to the account's page with the outcome."""

    action = "deactivate"

    def post(self, request, pk):
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        from fupin.core.errors import ServiceError

        account = _account(request, pk)
        version = request.POST.get("_version", "")
        expected = int(version) if version.isdigit() else None
        try:
            if self.action == "deactivate":
                services.user_deactivate(actor=request.user, user=account,
                                         reason=request.POST.get("reason", ""),
                                         expected_version=expected)
                messages.success(request, _("账户已停用：不能再登录，其接口令牌和登录会话已失效。"))
            else:
                services.user_reactivate(actor=request.user, user=account,
                                         expected_version=expected)
                messages.success(request, _("账户已恢复。"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("accounts:user_detail", args=[pk]))


@method_decorator([sensitive_post_parameters("password"), never_cache], name="dispatch")
class UserPasswordResetView(UserManagerMixin, View):
    def show(self, form, account, status=200):
        from django.shortcuts import render

        return render(self.request, "accounts/user_password_reset.html",
                      {"form": form, "account": account,
                       "rules": password_validators_help_texts()}, status=status)

    def get(self, request, pk):
        from .forms import UserPasswordResetForm

        return self.show(UserPasswordResetForm(), _account(request, pk))

    def post(self, request, pk):
        from fupin.core.errors import ConcurrentEditError, ServiceError

        from .forms import UserPasswordResetForm

        account = _account(request, pk)
        form = UserPasswordResetForm(request.POST)
        if not form.is_valid():
            return self.show(form, account, status=400)
        version = request.POST.get("_version", "")
        try:
            password = services.user_password_reset(
                actor=request.user, user=account,
                password=form.cleaned_data["password"] or None,
                expected_version=int(version) if version.isdigit() else None)
        except ServiceError as exc:
            form.add_error("password" if exc.field == "password" else None, exc.message)
            return self.show(form, account,
                             status=409 if isinstance(exc, ConcurrentEditError) else 400)
        return _shown_once(request, account=account, password=password,
                           what=_("密码已重置"))


class UserExportView(UserManagerMixin, View):
    """The list as filtered, in the import's columns (it re-imports unchanged)."""

    def get(self, request):
        from fupin.core.tabular.export import spec_export_response

        from .imports import users_import
        from .selectors import user_list

        qs = user_list(user=request.user, filters=request.GET)
        return spec_export_response(request=request, actor=request.user, spec=users_import,
                                    queryset=users_import.export_ordering(qs),
                                    reveal=users_import.can_reveal(request.user))


class CredentialSheetListView(UserManagerMixin, View):
    def get(self, request):
        from django.shortcuts import render

        return render(request, "accounts/credential_sheets.html", {
            "sheets": services.credential_sheets_pending(actor=request.user)})


def _credential_workbook(rows: list[list[str]], left_out: int) -> bytes:
    """The initial passwords as a spreadsheet, saying how many were left out (accounts no
    longer in the importer's reach)."""
    import io

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("初始密码"))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    headers = [_("用户名"), _("姓名"), _("角色"), _("管辖区划"), _("初始密码")]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, 18 if col != 3 else 32)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write_string(r, col, str(value))
    line = len(rows) + 2
    sheet.write_string(line, 0, _("首次登录时必须修改密码。请逐一交给本人，用后销毁此表。"))
    if left_out:
        sheet.write_string(line + 1, 0, ngettext(
            "另有 %(n)s 个账户已不在您的管辖范围内，其初始密码未列出，请由其现管理员重置密码。",
            "另有 %(n)s 个账户已不在您的管辖范围内，其初始密码未列出，请由其现管理员重置密码。",
            left_out) % {"n": left_out})
    book.close()
    return out.getvalue()


@method_decorator(never_cache, name="dispatch")
class CredentialSheetDownloadView(UserManagerMixin, View):
    """The new accounts' initial passwords, once, to their importer (POST: a download
    that empties the sheet is no GET a browser may prefetch). The workbook is built before
    the sheet is emptied, in the same transaction (services.credential_sheet_collect)."""

    def post(self, request, pk):
        import io

        from django.http import FileResponse

        content = services.credential_sheet_collect(actor=request.user, pk=pk,
                                                    build=_credential_workbook)
        response = FileResponse(io.BytesIO(content), as_attachment=True,
                                filename="初始密码.xlsx",
                                content_type="application/vnd.openxmlformats-officedocument."
                                             "spreadsheetml.sheet")
        response["Cache-Control"] = "private, no-store"
        return response
