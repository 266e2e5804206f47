"""Region-week rollups follow a store that moves to another region: its store-week rollups then
count in the other region. (A store with visits cannot be deleted. A queryset `update()` of
`Store.region` bypasses this; the nightly rebuild repairs that, as `rebuild_rollups` does.)"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from stores.models import Store

from . import rollups

_BEFORE = "_region_before_save"


@receiver(pre_save, sender=Store, dispatch_uid="reports_store_region_before")
def _remember_region(sender, instance: Store, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    setattr(instance, _BEFORE, Store.objects.filter(pk=instance.pk).values_list("region_id", flat=True).first())


@receiver(post_save, sender=Store, dispatch_uid="reports_store_region_after")
def _follow_region_change(sender, instance: Store, created: bool, raw: bool = False, **kwargs) -> None:
    before = getattr(instance, _BEFORE, None)
    setattr(instance, _BEFORE, None)
    if raw or created or before is None or before == instance.region_id:
        return
    for region_id in sorted({before, instance.region_id}):
        rollups.rebuild_region(region_id)
