from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reports.rollups import rebuild_region, rebuild_store
from stores.models import Store


class Command(BaseCommand):
    help = (
        "Recompute the per store-week report rollups from the stored visits, one store at a time "
        "(each store in its own transaction, so submissions elsewhere carry on)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--store", action="append", dest="stores", metavar="CODE", help="only this store (repeatable)"
        )

    def handle(self, *args, stores: list[str] | None = None, **options):
        queryset = Store.objects.order_by("code")
        if stores:
            queryset = queryset.filter(code__in=stores)
            unknown = sorted(set(stores) - set(queryset.values_list("code", flat=True)))
            if unknown:
                raise CommandError(f"Unknown store code(s): {', '.join(unknown)}.")
        targets = list(queryset.values_list("pk", "code", "region_id"))
        total_weeks = 0
        for index, (store_id, code, _region_id) in enumerate(targets, start=1):
            weeks = rebuild_store(store_id, region=False)
            total_weeks += weeks
            self.stdout.write(f"[{index}/{len(targets)}] {code}: {weeks} week(s) with visits")
        for region_id in sorted({region_id for _pk, _code, region_id in targets}):
            rebuild_region(region_id)  # once per region, from its stores' rebuilt weeks
        self.stdout.write(
            self.style.SUCCESS(f"Rebuilt the rollups of {len(targets)} store(s), {total_weeks} store-week(s).")
        )
