from __future__ import annotations

import logging

import pytest
from hypothesis import settings as hypothesis_settings

from stores.models import Role

from .factories import RegionFactory, StoreFactory, UserFactory

# No per-example deadline: on a loaded 2-core CI machine a fast example can take a second, and a
# deadline then fails a test for the machine's load, not for the code. Timings belong to bench/.
hypothesis_settings.register_profile("oasis", deadline=None)
hypothesis_settings.load_profile("oasis")


@pytest.fixture
def region(db):
    return RegionFactory(code="north", name="North")


@pytest.fixture
def other_region(db):
    return RegionFactory(code="south", name="South")


@pytest.fixture
def store(region):
    return StoreFactory(code="ber-mitte", name="Berlin Mitte", region=region)


@pytest.fixture
def other_store(other_region):
    return StoreFactory(
        code="zrh-hb",
        name="Zürich HB",
        region=other_region,
        city="Zürich",
        timezone="Europe/Zurich",
        latitude=47.378,
        longitude=8.540,
    )


@pytest.fixture
def shopper(store):
    return UserFactory(username="shopper-anna", role=Role.SHOPPER, stores=[store])


@pytest.fixture
def supervisor(region):
    return UserFactory(username="supervisor-ben", role=Role.SUPERVISOR, regions=[region])


@pytest.fixture
def manager(store):
    return UserFactory(username="manager-carla", role=Role.MANAGER, stores=[store])


@pytest.fixture
def head_office(db):
    """Head office by role alone, as add_user, the admin and the import make it (not a superuser)."""
    from stores.services import user_apply_role

    return user_apply_role(user=UserFactory(username="head-dora", role=Role.HEAD_OFFICE))


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in the test process, also when a broker is configured."""
    from project.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (report cache, throttling and attempt counters)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def english_by_default():
    """A request in German leaves German active in this thread; each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def submissions_leave_rollups_to_the_outbox(monkeypatch):
    """Submissions record their store-week's rollup refresh as follow-up work, as they do where
    their statement does not add to the rollups itself (SQLite): for the tests of the outbox's
    mechanics, which use that work. On PostgreSQL the reports add a visit's share in its own
    statement (tests/reports/test_submission_rollups.py)."""
    from observations import submission_sql

    monkeypatch.setattr(submission_sql, "_parts", {})
    submission_sql._statement.cache_clear()
    yield
    submission_sql._statement.cache_clear()  # before the parts come back: built again with them


class ServerErrorLog(logging.Handler):
    """Every 500 the app logs while the tests run (django.request: the test client, live servers in
    this process; django.server: the development server)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "status_code", None) == 500:
            self.records.append(record.getMessage())


SERVER_ERRORS = ServerErrorLog()
SERVER_LOGGERS = ("django.request", "django.server")


@pytest.fixture(autouse=True)
def no_server_error_in_the_log():
    """No test may make the app answer 500, whatever the test itself asserts: a 500 in the server's
    log fails the test that caused it (CI runs every test, so CI fails on any 500)."""
    for name in SERVER_LOGGERS:  # again for each test: a test that reconfigures logging drops it
        logger = logging.getLogger(name)
        if SERVER_ERRORS not in logger.handlers:
            logger.addHandler(SERVER_ERRORS)
    before = len(SERVER_ERRORS.records)
    yield
    new = SERVER_ERRORS.records[before:]
    if new:
        pytest.fail("the app answered 500: " + "; ".join(new[:5]), pytrace=False)
