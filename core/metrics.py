"""Prometheus metrics, served to the operator only (`GET /metrics` with `Authorization: Bearer
<OASIS_METRICS_TOKEN>`; without a token set the endpoint does not exist).

Two kinds of figures:
- counted by the processes as things happen (requests, submissions, throttled requests, failed
  log-ins): with `PROMETHEUS_MULTIPROC_DIR` set (`bin/serve` sets it) every gunicorn and Celery
  process of the machine writes there and a scrape adds them up;
- read from the database at scrape time (the outbox, e-mail deliveries): the same answer whichever
  process or machine is scraped. The apps that own those tables register a collector here
  (`register_scrape_collector`).
"""

from __future__ import annotations

import hmac
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import REGISTRY, Collector

from . import outbox

REQUESTS = Counter(
    "oasis_http_requests_total", "HTTP requests answered, by view, method and status.", ["view", "method", "status"]
)
LATENCY = Histogram(
    "oasis_http_request_duration_seconds",
    "Time from the request reaching the app to its response, by view, method and status.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
THROTTLED = Counter(
    "oasis_throttled_requests_total",
    "Requests refused with 429 (API write limit, failed log-in limit, log-in lockout), by view.",
    ["view"],
)
SUBMISSIONS = Counter(
    "oasis_submissions_total",
    "Visits received through the API, by outcome (created, already_stored, conflict, wrong_owner, invalid) "
    "and, for invalid ones, the first field refused.",
    ["outcome", "field"],
)
LOGIN_FAILURES = Counter("oasis_login_failures_total", "Failed log-ins (login page and token endpoint).")


class OutboxCollector(Collector):
    """The outbox, read from its table at scrape time: how much follow-up work waits, how long the
    longest-due item has waited for a worker, and what keeps failing."""

    def collect(self) -> Iterator[Metric]:
        pending = GaugeMetricFamily(
            "oasis_outbox_items", "Follow-up work waiting in the outbox, by kind.", labels=["kind"]
        )
        due = GaugeMetricFamily(
            "oasis_outbox_due_items", "Outbox items due now (not waiting for a retry), by kind.", labels=["kind"]
        )
        oldest = GaugeMetricFamily(
            "oasis_outbox_oldest_due_age_seconds",
            "How long the longest-due outbox item has been due without a worker doing it, by kind "
            "(grows when workers are stuck, too few or the broker is down).",
            labels=["kind"],
        )
        failing = GaugeMetricFamily(
            "oasis_outbox_failing_items", "Outbox items whose last attempt failed, by kind.", labels=["kind"]
        )
        attempts = GaugeMetricFamily(
            "oasis_outbox_failed_attempts",
            "Failed attempts of the outbox items still waiting, by kind.",
            labels=["kind"],
        )
        known = set(outbox.kinds())
        backlog = {row.kind: row for row in outbox.backlog()}
        for kind in sorted(known | backlog.keys()):
            row = backlog.get(kind) or outbox.Backlog(kind, 0, 0, 0.0, 0, 0)
            pending.add_metric([kind], row.pending)
            due.add_metric([kind], row.due)
            oldest.add_metric([kind], row.oldest_due_seconds)
            failing.add_metric([kind], row.failing)
            attempts.add_metric([kind], row.failed_attempts)
        yield from (pending, due, oldest, failing, attempts)


# Collectors that read the database at scrape time (see the module's doc): the outbox here, the
# apps' own (e-mail deliveries) registered by them.
_scrape_collectors: list[Callable[[], Collector]] = [OutboxCollector]


def register_scrape_collector(factory: Callable[[], Collector]) -> None:
    if factory not in _scrape_collectors:
        _scrape_collectors.append(factory)


_INDEX = re.compile(r"\[\d+\]")


def submission_outcome(outcome: str, errors: Iterable[str] = ()) -> None:
    """Count one received visit; for a refused one, the first field named (indexes dropped, so
    `interactions[2].smile` counts as `interactions.smile`)."""
    field = ""
    if outcome == "invalid":
        field = _INDEX.sub("", next(iter(errors), "")) or "non_field_errors"
    SUBMISSIONS.labels(outcome=outcome, field=field).inc()


@receiver(user_login_failed)
def count_login_failure(sender, **kwargs) -> None:
    LOGIN_FAILURES.inc()


class RequestMetricsMiddleware:
    """Counts and times every request by the view that answered it (its URL name; `unresolved`
    for a path that matches none, so scanners cannot make up labels)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else "unresolved"
        labels = {"view": view, "method": request.method or "", "status": str(response.status_code)}
        REQUESTS.labels(**labels).inc()
        LATENCY.labels(**labels).observe(elapsed)
        if response.status_code == 429:
            THROTTLED.labels(view=view).inc()
        return response


class Scrape(Collector):
    """What a scrape reads: the counters of every process of this machine (or of this process alone
    without PROMETHEUS_MULTIPROC_DIR), then the database's figures."""

    def collect(self) -> Iterator[Metric]:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            counted = CollectorRegistry()
            multiprocess.MultiProcessCollector(counted)
            yield from counted.collect()
        else:
            yield from REGISTRY.collect()
        for factory in _scrape_collectors:
            yield from factory().collect()


def authorized(request: HttpRequest) -> bool:
    token = settings.OASIS_METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The operator's scrape. Anyone else (no or a wrong token, or no token configured) gets a 404:
    the endpoint does not say it exists."""
    if not authorized(request):
        raise Http404
    return HttpResponse(generate_latest(Scrape()), content_type=CONTENT_TYPE_LATEST)
