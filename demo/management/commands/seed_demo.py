from __future__ import annotations

import sys
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo import visits as demo
from observations.models import Interaction, Rubric, Visit
from reports import standings
from reports.rollups import rebuild_store
from stores.models import Region, Role, Store, User
from stores.services import user_apply_role

BATCH = 5000


class Command(BaseCommand):
    help = (
        "Load demo data: regions, German and Swiss stores, shoppers, supervisors, managers, head office "
        "and weeks of visits up to today. Idempotent; --stores/--weeks scale it up for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stores", type=int, default=len(demo.STORES), help="number of stores (default 24)")
        parser.add_argument("--weeks", type=int, default=12, help="weeks of visits up to today (default 12)")
        parser.add_argument("--password", default="oasis-demo", help="password of the demo logins")

    def handle(self, *args, stores: int, weeks: int, password: str, **options):
        if stores < 1:
            raise CommandError("--stores must be at least 1.")
        if not 1 <= weeks <= 520:
            raise CommandError("--weeks must be between 1 and 520.")
        if not password:
            raise CommandError("--password must not be empty.")
        started = time.monotonic()
        store_objects = self._stores(demo.demo_stores(stores))
        people = self._people(store_objects, password)
        rubric = Rubric.in_force()
        now = timezone.now()
        mondays = demo.week_starts(timezone.localdate(now), weeks)
        visits_total = interactions_total = 0
        for index, store in enumerate(store_objects, start=1):
            added_visits, added_interactions = self._store_visits(store, mondays, people, rubric, now)
            visits_total += added_visits
            interactions_total += added_interactions
            self._progress(index, len(store_objects), visits_total, interactions_total, started)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        standings.refresh_stale(weeks=weeks)  # the league's shrinkage constant of every seeded week
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(store_objects)} stores, {visits_total} new visits with {interactions_total} interactions "
                f"over {weeks} weeks in {time.monotonic() - started:.1f} s."
            )
        )
        self.stdout.write(f"Demo logins (password {password!r}):")
        for username, what in [
            ("head", "head office"),
            ("supervisor", f"supervisor of region {demo.REGIONS[0][1]}"),
            ("manager", f"manager of {store_objects[0].name}"),
            ("shopper", "mystery shopper with several stores"),
        ]:
            self.stdout.write(f"  {username:<11} {what}")

    def _stores(self, wanted: list[demo.DemoStore]) -> list[Store]:
        regions = {}
        for code, name in demo.REGIONS:
            regions[code], _ = Region.objects.get_or_create(code=code, defaults={"name": name})
        Store.objects.bulk_create(
            [
                Store(
                    code=s.code,
                    name=s.name,
                    region=regions[s.region],
                    city=s.city,
                    timezone=s.timezone,
                    latitude=s.latitude,
                    longitude=s.longitude,
                    country=s.calendar[0],
                    subdivision=s.calendar[1],
                    closed_weekdays=s.calendar[2],
                )
                for s in wanted
            ],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
        by_code = {store.code: store for store in Store.objects.filter(code__in=[s.code for s in wanted])}
        # Stores of an older demo get their calendar once (one that was set is kept).
        calendars = {s.code: s.calendar for s in wanted}
        unset = [by_code[s.code] for s in wanted if not by_code[s.code].subdivision]
        for store in unset:
            store.country, store.subdivision, store.closed_weekdays = calendars[store.code]
        Store.objects.bulk_update(unset, ["country", "subdivision", "closed_weekdays"], batch_size=BATCH)
        return [by_code[s.code] for s in wanted]

    def _people(self, stores: list[Store], password: str) -> demo.People:
        hashed = make_password(password)  # one hash for all: hashing thousands of users would take minutes
        by_region: dict[int, list[Store]] = {}
        for store in stores:
            by_region.setdefault(store.region_id, []).append(store)
        accounts: dict[str, dict] = {"head": {"role": Role.HEAD_OFFICE, "first_name": "Hanna"}}
        supervisor_of_store: dict[str, str] = {}
        supervisor_regions: dict[str, int] = {}
        for region_index, (region_id, region_stores) in enumerate(by_region.items()):
            region_code = region_stores[0].region.code
            for i in range(demo.supervisors_needed(len(region_stores))):
                name = "supervisor" if region_index == 0 and i == 0 else f"supervisor-{region_code}-{i + 1}"
                accounts[name] = {"role": Role.SUPERVISOR}
                supervisor_regions[name] = region_id
            for position, store in enumerate(region_stores):
                i = position // demo.STORES_PER_SUPERVISOR
                name = "supervisor" if region_index == 0 and i == 0 else f"supervisor-{region_code}-{i + 1}"
                supervisor_of_store[store.code] = name
        manager_of_store = {}
        for index, store in enumerate(stores):
            name = "manager" if index == 0 else f"manager-{store.code}"
            accounts[name] = {"role": Role.MANAGER}
            manager_of_store[store.code] = name
        n_shoppers = max(demo.SHOPPERS_PER_STORE + 2, -(-len(stores) * demo.SHOPPERS_PER_STORE // 24))
        shopper_names = ["shopper"] + [f"shopper-{n:03d}" for n in range(2, n_shoppers + 1)]
        for name in shopper_names:
            accounts[name] = {"role": Role.SHOPPER}
        shoppers_of_store = {
            store.code: [shopper_names[(index * 5 + t) % n_shoppers] for t in range(demo.SHOPPERS_PER_STORE)]
            for index, store in enumerate(stores)
        }

        User.objects.bulk_create(
            [
                User(username=name, password=hashed, email=f"{name}@oasis.example", language="de", **fields)
                for name, fields in accounts.items()
            ],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
        # The four logins always get the password asked for, also on a second run.
        User.objects.filter(username__in=["head", "supervisor", "manager", "shopper"]).update(password=hashed)
        users = {user.username: user for user in User.objects.filter(username__in=list(accounts))}
        user_apply_role(user=users["head"])  # head office runs the program by its role, not as superuser

        store_links = [
            User.stores.through(user_id=users[name].pk, store_id=store.pk)
            for store in stores
            for name in [manager_of_store[store.code], *shoppers_of_store[store.code]]
        ]
        User.stores.through.objects.bulk_create(store_links, ignore_conflicts=True, batch_size=BATCH)
        region_links = [
            User.regions.through(user_id=users[name].pk, region_id=region_id)
            for name, region_id in supervisor_regions.items()
        ]
        User.regions.through.objects.bulk_create(region_links, ignore_conflicts=True)
        return demo.People(
            shoppers_by_store={code: [users[name] for name in names] for code, names in shoppers_of_store.items()},
            supervisors_by_store={code: users[name] for code, name in supervisor_of_store.items()},
            reviewers_by_store={code: users[name] for code, name in supervisor_of_store.items()},
        )

    @transaction.atomic
    def _store_visits(self, store: Store, mondays, people: demo.People, rubric: Rubric, now) -> tuple[int, int]:
        character = demo.store_character(store.code)
        last_shopper_visit: dict = {}
        visits: list[Visit] = []
        interactions: list[Interaction] = []
        for weeks_ago, monday in zip(range(len(mondays) - 1, -1, -1), mondays, strict=True):
            for visit, items in demo.week_visits(
                store=store,
                character=character,
                week_start=monday,
                weeks_ago=weeks_ago,
                people=people,
                rubric=rubric,
                now=now,
                last_shopper_visit=last_shopper_visit,
            ):
                visits.append(visit)
                interactions.extend(items)
        existing = set(Visit.objects.filter(pk__in=[v.pk for v in visits]).values_list("pk", flat=True))
        new_visits = [v for v in visits if v.pk not in existing]
        new_interactions = [i for i in interactions if i.visit_id not in existing]
        Visit.objects.bulk_create(new_visits, batch_size=BATCH, ignore_conflicts=True)
        Interaction.objects.bulk_create(new_interactions, batch_size=BATCH, ignore_conflicts=True)
        if new_visits:
            rebuild_store(store.pk)
        return len(new_visits), len(new_interactions)

    @staticmethod
    def _progress(done: int, total: int, visits: int, interactions: int, started: float) -> None:
        """A bar redrawn in place on a terminal; a line every tenth of the way in a log."""
        interactive = sys.stderr.isatty()
        if not interactive and done % max(1, total // 10) and done != total:
            return
        width = 30
        filled = width * done // total
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} stores, {visits} visits, "
            f"{interactions} interactions, {time.monotonic() - started:.0f} s"
        )
        sys.stderr.write(f"\r{line}" if interactive else f"{line}\n")
        sys.stderr.flush()
