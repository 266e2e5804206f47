"""Probes for the load balancer and the orchestrator.

- `/health/live/`: the process answers requests (touches nothing else): restart it if not.
- `/health/ready/`: it can do its job: the database, the cache and the broker answer, every
  migration is applied, and the outbox's longest-due item has not waited for a worker longer than
  OASIS_READY_OUTBOX_MAX_AGE_SECONDS. Otherwise 503 with the checks that failed and why (no host
  names or error texts: those are logged).
- `/health/`: the database and the broker, as before (load balancers configured for it).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import dependencies

logger = logging.getLogger(__name__)

# Once every migration of this code is applied it stays so for the life of the process (new
# migrations come with new code, hence new processes): checked until then, not on every probe.
_migrations_applied = False


def database_ok() -> bool:
    problem = dependencies.database_problem()
    if problem:
        logger.error("health: %s", problem)
    return problem is None


def broker_ok() -> bool:
    problem = dependencies.broker_problem()
    if problem:
        logger.error("health: %s", problem)
    return problem is None


def readiness() -> dict[str, str]:
    """Each check's "ok" or its reason."""
    global _migrations_applied
    checks: dict[str, str] = {}
    for name, check in (
        ("database", dependencies.database_problem),
        ("cache", dependencies.cache_problem),
        ("broker", dependencies.broker_problem),
    ):
        problem = check()
        if problem:
            logger.error("readiness: %s", problem)
        checks[name] = "does not answer" if problem else "ok"
    if checks["database"] != "ok":
        checks["migrations"] = checks["outbox"] = "not checked (no database)"
        return checks
    if not _migrations_applied:
        problem = dependencies.migrations_problem()
        _migrations_applied = problem is None
        if problem:
            logger.error("readiness: %s", problem)
    checks["migrations"] = "ok" if _migrations_applied else "migrations not applied"
    checks["outbox"] = dependencies.outbox_problem() or "ok"
    return checks


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    failed = {name: reason for name, reason in checks.items() if reason != "ok"}
    if failed:
        return JsonResponse({"status": "unavailable", "checks": checks, "failed": failed}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "broker": broker_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {k: "ok" if v else "down" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
