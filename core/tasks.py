"""Celery tasks of core, where Celery's autodiscovery looks: the outbox's kick and sweep (defined
in core.outbox with these names)."""

from __future__ import annotations

from .outbox import run_outbox, sweep_outbox

__all__ = ["run_outbox", "sweep_outbox"]
