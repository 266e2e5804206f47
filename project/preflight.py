"""Refuse to start the production stack with a clear message when something it needs is missing.

`python -m project.preflight` exits 0 when the settings load (SECRET_KEY set), the database is
PostgreSQL and answers with every migration applied, and the broker and the shared cache (Redis)
answer; otherwise it prints one line per problem on stderr and exits 1. `bin/serve` runs it before
it starts gunicorn, the Celery worker and beat, so a stack that cannot work never half-starts.
With `--migrate` (`make serve`, one machine) it applies the migrations and collects the static
files once everything answers.
"""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured

PROGRAM = "service-oasis"


def problems(*, migrate: bool = False) -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    # libpq's own connect timeout: an unreachable database host is reported in seconds, not minutes.
    os.environ.setdefault("PGCONNECT_TIMEOUT", "5")
    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        return [f"the settings are incomplete: {exc}"]

    from django.conf import settings
    from django.core import checks
    from django.db import connection

    from core import dependencies

    found: list[str] = []
    if connection.vendor != "postgresql":
        found.append("the production stack needs PostgreSQL: set DATABASE_URL=postgres://USER@HOST:PORT/NAME")
    if not settings.CELERY_BROKER_URL:
        found.append("the production stack needs a broker: set CELERY_BROKER_URL (e.g. redis://HOST:6379/0)")
    if not settings.REDIS_URL:
        found.append("the production stack needs a shared cache: set REDIS_URL (e.g. redis://HOST:6379/1)")
    found += [
        f"{message.id}: {message.msg}"
        for message in checks.run_checks(include_deployment_checks=False)
        if message.is_serious()
    ]
    database = dependencies.database_problem()
    if database:
        found.append(database)
    elif connection.vendor == "postgresql" and not found and migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
    if not database and connection.vendor == "postgresql":
        migrations = dependencies.migrations_problem()
        if migrations:
            found.append(migrations)
    if settings.CELERY_BROKER_URL:
        found += [problem for problem in (dependencies.broker_problem(),) if problem]
    if settings.REDIS_URL:
        found += [problem for problem in (dependencies.cache_problem(),) if problem]
    return found


def main() -> int:
    found = problems(migrate="--migrate" in sys.argv[1:])
    for problem in found:
        print(f"{PROGRAM}: cannot start: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
