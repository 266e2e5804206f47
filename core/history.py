"""The audit trail (django-simple-history), with each history manager class built once, and its
admin views refusing malformed ids with a 404.

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

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
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


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, with malformed ids in the history URLs answered 404 instead of 500
    (`/admin/stores/store/1/history/x/` made the lookup raise on "x")."""

    def history_view(self, request, object_id, extra_context=None):
        _require_valid(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _require_valid(self.model._meta.pk, object_id)
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        _require_valid(history_model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _require_valid(field, raw: str) -> None:
    try:
        field.to_python(unquote(raw))
    except (ValidationError, ValueError, TypeError):
        raise Http404 from None
