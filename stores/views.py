from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .selectors import personal_data


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """Download everything held about the logged-in user, as JSON."""
    body = json.dumps(personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="service-oasis-{request.user.username}.json"'
    return response
