"""The audit trail (django-simple-history), with each history manager class built once.

simple-history's `history` descriptor calls `from_queryset` on every access, which builds a new
manager class from an inspection of the queryset class, and a saved visit reaches its history row
through that descriptor: about 0.4 ms per submission, for a class that is the same every time.

Kept for a measured reason (2026-11-26, 7 x 300 calls alternated, loaded machine): building the
class costs 0.27 ms of CPU, the cached one nothing; a submission reaches it once per audited
model it writes (the visit, and its interactions once they get audit rows). It overrides public API only (`from_queryset`,
and the `history_manager` argument of `HistoricalRecords`).
"""

from __future__ import annotations

import functools

from simple_history.manager import HistoryManager as SimpleHistoryManager
from simple_history.models import HistoricalRecords as SimpleHistoricalRecords


class HistoryManager(SimpleHistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(SimpleHistoricalRecords):
    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)
