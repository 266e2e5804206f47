from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from stores.models import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page they came for."""
    if request.user.role == Role.HEAD_OFFICE and request.user.is_staff:
        return redirect("admin:index")
    return redirect("admin:index") if request.user.is_staff else redirect("login")
