"""The framework's ceiling for submissions: a Django view that parses the same JSON body and does
one INSERT, nothing else (no auth, no validation, no scoring). Benchmarks only."""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE_DDL = "CREATE TABLE IF NOT EXISTS bench_ceiling (id uuid PRIMARY KEY, body text NOT NULL)"


@csrf_exempt
@require_POST
def ceiling(request: HttpRequest) -> JsonResponse:
    data = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ceiling (id, body) VALUES (%s, %s)", [data["id"], request.body.decode()])
    return JsonResponse({"id": data["id"]}, status=201)
