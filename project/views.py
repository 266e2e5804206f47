from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from stores.models import Role

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
