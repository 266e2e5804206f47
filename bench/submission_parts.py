"""The parts of a submission changed in issue #27, each against the way it was done before, in this
process: CPU of this process (and, for the reads, of its PostgreSQL backend) per call, the two ways
alternating, medians of the rounds. Run on a `seed_demo` database (the benchmark's shoppers are
made as in `profile_submission.py`):

    BENCH_DB=... BENCH_REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/submission_parts.py \
        [asdict|validation|token|reads|repeat|insert ...] [--rounds 7]

(on a fresh copy of the database each time: the repeat and insert parts store visits)

The "before" of each part is written out here as main had it (the statement with named parameters
through psycopg's Cursor; `dataclasses.asdict`; a serializer per visit; every start of the repeat
window; the three lookups; the token query through Django's cursor).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common


def backend_cpu_reader():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    return read


def compare(title: str, before, after, calls: int, rounds: int) -> dict:
    """CPU per call (ms) of this process and of its database backend, the two ways alternating."""
    backend = backend_cpu_reader()

    def run(fn) -> tuple[float, float]:
        own, db = time.process_time(), backend()
        for _ in range(calls):
            fn()
        return (time.process_time() - own) / calls * 1000, (backend() - db) / calls * 1000

    run(before), run(after)  # warm up
    spent: dict[str, list] = {"before": [], "after": []}
    for number in range(rounds):
        ways = [("before", before), ("after", after)]
        for name, fn in ways if number % 2 == 0 else ways[::-1]:
            spent[name].append(run(fn))
    result = {"part": title, "calls_per_round": calls, "rounds": rounds}
    for name, values in spent.items():
        result[f"{name}_cpu_ms"] = round(statistics.median(v[0] for v in values), 3)
        result[f"{name}_db_cpu_ms"] = round(statistics.median(v[1] for v in values), 3)
    return result


def setup():
    [observer] = common.bench_observers(shoppers=1, supervisors=0)
    from observations.models import Rubric
    from stores.models import User

    user = User.objects.get(username="bench-shopper-1")
    return observer, user, user.stores.order_by("code").first(), Rubric.in_force()


def visit_data(store_code: str, rng: random.Random):
    from django.utils import timezone

    from observations.services import InteractionInput, VisitInput

    started = timezone.now() - dt.timedelta(hours=1)
    payload = common.visit_payload(store_code, rng=rng)
    items = tuple(InteractionInput(**item) for item in payload["interactions"])
    return VisitInput(uuid.uuid4(), started, started + dt.timedelta(minutes=20), items, notes="benchmark")


def part_insert(rounds: int) -> dict:
    import psycopg
    from django.db import connection
    from django.utils import timezone

    from observations import submission_sql as q
    from observations.services import build_visit

    _, user, store, rubric = setup()
    rng = random.Random(1)

    def built():
        data = visit_data(store.code, rng)
        return build_visit(observer=user, store=store, data=data, rubric=rubric, submitted_at=timezone.now(), flags=[])

    def named(text: str, names: tuple[str, ...]) -> str:
        return re.sub(r"\$(\d+)", lambda m: f"%({names[int(m[1]) - 1]})s", text)

    def before():  # main before: named parameters through psycopg's Cursor, converted on every execute
        visit, interactions = built()
        params = {
            **q._params(q.Visit, [visit], "visit"),
            **q._params(q.Interaction, interactions, "interaction"),
            "history_date": timezone.now(),
            "history_user": user.pk,
        }
        for part in q._parts.values():
            params.update(part.params(visit, interactions))
        connection.ensure_connection()
        with connection.make_cursor(psycopg.Cursor(connection.connection)) as cursor:
            cursor.execute(named(*q._statement(len(interactions), 0, frozenset())), params)
            cursor.fetchone()

    def after():
        visit, interactions = built()
        q.insert_submission(visit, interactions, [], user=user, at=timezone.now())

    return compare("the insert (building the visit's objects included in both)", before, after, 200, rounds)


def part_asdict(rounds: int) -> dict:
    from observations.services import InteractionInput

    items = [InteractionInput(greeted=True, smile=3, greeting_seconds=10, asked=True, response_seconds=30)] * 3

    def before():  # nine calls a submission
        for _ in range(3):
            for item in items:
                dataclasses.asdict(item)

    def after():
        for _ in range(3):
            for item in items:
                item.as_dict()

    return compare("an interaction's input as a dict, 9 a submission", before, after, 2000, rounds)


def part_validation(rounds: int) -> dict:
    from api.serializers import VisitInputSerializer
    from api.visits import VISIT_INPUT

    items = iter([json.loads(json.dumps(common.visit_payload("S001"))) for _ in range(300 * (2 * rounds + 2))])

    def before():
        serializer = VisitInputSerializer(data=next(items))
        assert serializer.is_valid()
        VisitInputSerializer.input_of(serializer.validated_data)

    def after():
        VisitInputSerializer.input_of(VISIT_INPUT.run_validation(next(items)))

    return compare("validating a visit", before, after, 300, rounds)


def part_repeat(rounds: int, visits: int = 160) -> dict:
    """`visits` more visits of the shopper to the store are stored first (160: what
    `profile_submission.py`'s 300 submissions to two stores leave on average)."""
    from django.db import connection
    from django.utils import timezone

    from observations.plausibility import REPEAT_WINDOW
    from observations.selectors import closest_repeat_visit_start
    from observations.services import build_visit
    from observations.submission_sql import insert_submission

    _, user, store, rubric = setup()
    now = timezone.now()
    rng = random.Random(2)
    for _ in range(visits):  # the shopper's other visits to the store within the window
        data = visit_data(store.code, rng)
        visit, interactions = build_visit(
            observer=user, store=store, data=data, rubric=rubric, submitted_at=now, flags=[]
        )
        insert_submission(visit, interactions, [], user=user, at=now)
    kwargs = {"observer_id": user.pk, "store_id": store.pk, "started_at": now, "window": REPEAT_WINDOW}
    sql = (
        'SELECT "started_at" FROM "observations_visit" WHERE "observer_id" = %s AND "store_id" = %s'
        ' AND "started_at" > %s AND "started_at" < %s AND "id" <> %s'
    )

    def before():  # every start within the window
        with connection.cursor() as cursor:
            cursor.execute(sql, [user.pk, store.pk, now - REPEAT_WINDOW, now + REPEAT_WINDOW, uuid.uuid4()])
            [row[0] for row in cursor.fetchall()]

    def after():
        closest_repeat_visit_start(other_than=uuid.uuid4(), **kwargs)

    result = compare("the repeat-visit check", before, after, 300, rounds)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, store.pk, now - REPEAT_WINDOW, now + REPEAT_WINDOW, uuid.uuid4()])
        result["visits_in_the_window"] = len(cursor.fetchall())
    return result


def part_reads(rounds: int) -> dict:
    from django.utils import timezone

    from observations.models import Rubric
    from observations.plausibility import REPEAT_WINDOW
    from observations.selectors import closest_repeat_visit_start
    from observations.submission_reads import submission_reads
    from stores.selectors import observable_store

    _, user, store, _ = setup()

    def before():  # the scoped store query, the rubric from the cache, the repeat-visit query
        found = observable_store(user, store.code)
        Rubric.in_force()
        closest_repeat_visit_start(
            observer_id=user.pk,
            store_id=found.pk,
            started_at=timezone.now(),
            window=REPEAT_WINDOW,
            other_than=uuid.uuid4(),
        )

    def after():
        submission_reads(user, store.code, started_at=timezone.now(), visit_id=uuid.uuid4())

    return compare("a submission's reads", before, after, 1000, rounds)


def part_token(rounds: int) -> dict:
    from django.db import connection

    from api import authentication
    from api.models import DeviceToken

    setup()
    key = DeviceToken.objects.filter(user__username="bench-shopper-1").values_list("token_key", flat=True).first()
    text = re.sub(r"\$\d+", "%s", authentication._token_and_user_sql())

    token_fields, user_fields = authentication._token_and_user_fields()

    def before():  # Django's cursor: the value bound into the text, planned on every request
        with connection.cursor() as cursor:
            cursor.execute(text, [key])
            rows = cursor.fetchall()
        for row in rows:
            token = DeviceToken.from_db(connection.alias, token_fields, row[: len(token_fields)])
            token.user = authentication.User.from_db(connection.alias, user_fields, row[len(token_fields) :])

    def after():
        authentication._tokens_with_their_users(key)

    return compare("the token lookup", before, after, 1000, rounds)


# Those that store visits last: the reads would otherwise scan the visits they stored.
PARTS = {
    "asdict": part_asdict,
    "validation": part_validation,
    "token": part_token,
    "reads": part_reads,
    "repeat": part_repeat,
    "insert": part_insert,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("parts", nargs="*", help=f"any of {', '.join(PARTS)} (default: all)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    common.ensure_database()
    common.django_setup()
    for name in args.parts or PARTS:
        print(json.dumps(PARTS[name](args.rounds)), flush=True)


if __name__ == "__main__":
    main()
