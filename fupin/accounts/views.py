from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.contrib.auth.password_validation import password_validators_help_texts
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
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
