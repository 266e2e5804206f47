from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .models import Role, User
from .selectors import personal_data


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """Download everything held about the logged-in user, as JSON."""
    body = json.dumps(personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="service-oasis-{request.user.username}.json"'
    return response


class EmailSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["report_pdf"]


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    """A store manager's own choice for their weekly report e-mail (head office sets the same in the admin)."""
    if request.user.role != Role.MANAGER:
        raise PermissionDenied
    form = EmailSettingsForm(request.POST if request.method == "POST" else None, instance=request.user)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Saved: the next weekly report e-mail follows this choice."))
        return redirect("email-settings")
    return render(request, "accounts/email_settings.html", {"form": form})
