"""manage.py without the settings it needs refuses in one line and exits non-zero, with no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ..processes import ROOT


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "OASIS_", "CELERY_", "PYTEST", "DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL")
        )
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", [["check"], ["migrate", "--noinput"], ["runserver", "127.0.0.1:8561"], []])
def test_without_debug_or_secret_key_manage_py_says_so_in_one_line(command):
    run = manage(*command)

    assert run.returncode != 0
    assert run.stderr.strip().splitlines() == ["service-oasis: SECRET_KEY must be set when DEBUG is off"]
    assert "Traceback" not in run.stdout + run.stderr


def test_a_malformed_setting_is_refused_in_one_line_naming_it():
    run = manage("check", DEBUG="perhaps")

    assert run.returncode != 0
    assert run.stderr.strip().splitlines() == ["service-oasis: DEBUG must be a boolean (true/false), got 'perhaps'"]


def test_with_debug_on_manage_py_runs_without_a_secret_key():
    run = manage("check", DEBUG="1")

    assert run.returncode == 0, run.stderr
    assert "System check identified no issues" in run.stdout
