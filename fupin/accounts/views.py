from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.views.generic import ListView

from fupin.core.roles import can_restore

from .forms import LoginForm
from .models import LoginEvent
from .selectors import login_event_list


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
