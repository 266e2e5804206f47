from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from api.tokens import device_tokens_revoke
from stores.models import Role

from .middleware import too_many_requests
from .throttling import FailedLoginThrottle

START_PAGE = {
    Role.SHOPPER: "mobile:app",
    Role.SUPERVISOR: "mobile:app",
    Role.MANAGER: "reports:home",
    Role.HEAD_OFFICE: "reports:branches",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page they came for: the phone form for those who observe, the
    reports for those who read them."""
    return redirect(START_PAGE.get(request.user.role, "reports:home"))


class LogoutView(auth_views.LogoutView):
    """Logging out of the web pages (the phone page too) ends the session and revokes the user's
    API tokens on every device: after "log out", nothing logged in as this user keeps working."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            device_tokens_revoke(user=request.user)
        return super().post(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    """The login page, with the per-address limit on failed log-ins that the token endpoint has
    (counted together)."""

    def post(self, request, *args, **kwargs):
        self.throttle = FailedLoginThrottle()
        if not self.throttle.allow_request(request, self):
            return too_many_requests(request, self.throttle.wait())
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        self.throttle.record_failure()
        return super().form_invalid(form)
