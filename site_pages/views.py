from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from api.tokens import device_tokens_revoke
from core.throttling import FailedLoginThrottle, too_many_requests
from stores.models import Role

from . import navigation, start


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home. Shoppers work on the phone form; supervisors and head office get a start
    page of what needs them now; store managers their stores' latest published reports and the
    plans they have to fill in."""
    user = request.user
    if user.role in (Role.SUPERVISOR, Role.HEAD_OFFICE):
        context = {"staff": start.staff_start(user)}
    elif user.role == Role.MANAGER:
        context = {"manager_stores": start.manager_start(user)}
    else:
        return redirect("mobile:app")
    context["shortcuts"] = [link for link in navigation.links_of(user) if link.key != "start"]
    return render(request, "home/start.html", context)


class LogoutView(auth_views.LogoutView):
    """Logging out of the web pages (the phone page too) ends the session and revokes the user's
    API tokens on every device: after "log out", nothing logged in as this user keeps working."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            device_tokens_revoke(user=request.user)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """The password change; a refused form answers 400 and opens on its error summary."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class LoginView(auth_views.LoginView):
    """The login page, with the per-address limit on failed log-ins that the token endpoint has
    (counted together)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_enabled": settings.OASIS_SSO}

    def post(self, request, *args, **kwargs):
        self.throttle = FailedLoginThrottle()
        if not self.throttle.allow_request(request, self):
            return too_many_requests(request, self.throttle.wait())
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        self.throttle.record_failure()
        return super().form_invalid(form)
