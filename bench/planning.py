"""Planning at scale: planning a wave of 1,000 stores and 200 shoppers over four weeks (the whole
service: visits needed from 8 weeks of history, lockout from earlier visits, the planner, writing
the assignments), and the wave's coverage page (full stack through the Django test client).
Wall-clock and this process's CPU time are both reported: on a shared machine the wall clock
mostly measures the other processes (see the load average recorded with the results).

    .venv/bin/python bench/planning.py [--runs 5] [--page-runs 30]

Uses its own database (BENCH_DB, default oasis_bench_planning), filled once with 10 regions,
1,000 stores, 200 shoppers (20 per region, each may record for the 100 stores of their region,
capacity 8 visits a week) and 8,000 visits of the 8 weeks before the wave.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("BENCH_DB", "oasis_bench_planning")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6380/3")
os.environ.setdefault("BENCH_BROKER_URL", "redis://127.0.0.1:6380/2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

STORES, REGIONS, SHOPPERS, WEEKS_OF_HISTORY = 1000, 10, 200, 8


def seed(wave_start: dt.date) -> None:
    from django.db import transaction
    from django.utils import timezone

    from observations.models import Rubric, Visit
    from observations.services import week_start
    from planning.models import ShopperCapacity
    from stores.models import Region, Role, Store, User

    if Store.objects.filter(code__startswith="plan-").count() >= STORES:
        return
    rng = random.Random(15)
    with transaction.atomic():
        regions = Region.objects.bulk_create(
            [Region(code=f"plan-r{r}", name=f"Planning region {r}") for r in range(REGIONS)]
        )
        stores = Store.objects.bulk_create(
            [
                Store(code=f"plan-{i:04d}", name=f"Store {i}", region=regions[i % REGIONS], city="Berlin")
                for i in range(STORES)
            ]
        )
        shoppers = User.objects.bulk_create(
            [User(username=f"plan-shopper-{i:03d}", role=Role.SHOPPER, password="!") for i in range(SHOPPERS)]
        )
        head, _ = User.objects.get_or_create(username="plan-head", defaults={"role": Role.HEAD_OFFICE})
        head.role = Role.HEAD_OFFICE
        head.save()
        Membership = User.stores.through
        Membership.objects.bulk_create(
            [
                Membership(user_id=shopper.pk, store_id=store.pk)
                for index, shopper in enumerate(shoppers)
                for store in stores
                if store.region_id == regions[index % REGIONS].pk
            ],
            batch_size=5000,
        )
        ShopperCapacity.objects.bulk_create([ShopperCapacity(shopper=s, visits_per_week=8) for s in shoppers])
        rubric = Rubric.in_force()
        tz = timezone.get_default_timezone()
        visits = []
        for position, store in enumerate(stores):
            quality = rng.uniform(50, 85)
            peers = shoppers[position % REGIONS :: REGIONS]
            for week in range(1, WEEKS_OF_HISTORY + 1):
                day = wave_start - dt.timedelta(weeks=week) + dt.timedelta(days=rng.randrange(7))
                started = dt.datetime.combine(day, dt.time(rng.randrange(9, 19)), tzinfo=tz)
                visits.append(
                    Visit(
                        id=uuid.uuid4(),
                        store=store,
                        observer=rng.choice(peers),
                        observer_role="shopper",
                        started_at=started,
                        ended_at=started + dt.timedelta(minutes=20),
                        week_start=week_start(started, store),
                        submitted_at=started + dt.timedelta(hours=1),
                        rubric=rubric,
                        soi=max(0.0, min(100.0, rng.gauss(quality, 14))),
                        n_interactions=1,
                        content_hash="bench",
                    )
                )
        Visit.objects.bulk_create(visits, batch_size=5000)


def summary(samples: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "min_ms": round(min(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page-runs", type=int, default=30)
    args = parser.parse_args()
    common.ensure_database()
    common.django_setup()

    from django.db import connection
    from django.test import Client

    from planning.models import Assignment, AssignmentStatus, TargetKind, Wave
    from planning.services import WaveInput, wave_create, wave_plan
    from stores.models import Region, User

    today = dt.date.today()
    wave_start = today + dt.timedelta(days=7 - today.weekday())  # next Monday
    seed(wave_start)
    head = User.objects.get(username="plan-head")
    regions = tuple(Region.objects.filter(code__startswith="plan-").values_list("pk", flat=True))

    Wave.objects.filter(name__startswith="bench wave").delete()  # an earlier run's would lock everyone out

    def new_wave(name: str) -> Wave:
        return wave_create(
            by=head,
            data=WaveInput(
                name=name,
                starts_on=wave_start,
                ends_on=wave_start + dt.timedelta(days=27),
                region_ids=regions,
                target_kind=TargetKind.PRECISION,
                target_half_width=12.0,
                min_visits=2,
                max_visits=6,
            ),
        )

    # Each run plans a new wave (the usual case); a second planning of the same draft (which first
    # deletes its unlocked assignments) is timed once at the end.
    walls, cpus = [], []
    for run in range(args.runs):
        wave = new_wave(f"bench wave {run}")
        wall, cpu = time.perf_counter(), time.process_time()
        wave_plan(wave=wave, by=head)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        if run < args.runs - 1:
            wave.delete()
    wall, cpu = time.perf_counter(), time.process_time()
    wave_plan(wave=wave, by=head)
    replan = {
        "wall_ms": round((time.perf_counter() - wall) * 1000, 1),
        "cpu_ms": round((time.process_time() - cpu) * 1000, 1),
    }
    assignments = Assignment.objects.filter(wave=wave)
    results = {
        "load_average_1min_before": os.getloadavg()[0],
        "stores": wave.wave_stores.count(),
        "shoppers": User.objects.filter(username__startswith="plan-shopper-").count(),
        "assignments": assignments.count(),
        "assigned": assignments.filter(status=AssignmentStatus.ASSIGNED).count(),
        "plan_wave": {**summary(walls), "cpu": summary(cpus), "runs": args.runs},
        "plan_same_wave_again": replan,
    }

    client = Client(HTTP_HOST="localhost")
    client.force_login(head)
    url = f"/planning/waves/{wave.pk}/coverage/"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    page()
    queries = []
    # Counted at the cursor: the request's own connection handling does not reset this count.
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)
    ):
        page()
    page_walls, page_cpus = [], []
    for _run in range(args.page_runs):
        wall, cpu = time.perf_counter(), time.process_time()
        page()
        page_walls.append(time.perf_counter() - wall)
        page_cpus.append(time.process_time() - cpu)
    results["coverage_page"] = {
        **summary(page_walls),
        "cpu": summary(page_cpus),
        "runs": args.page_runs,
        "queries": len(queries),
        "bytes": len(page().content),
    }
    results["load_average_1min_after"] = os.getloadavg()[0]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
