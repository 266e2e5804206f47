"""CPU of one store report PDF (WeasyPrint, as the worker renders it for the weekly e-mail's
attachment), as head office, for the first store of the benchmark database, the last complete week.

    BENCH_DB=oasis_27_10x .venv/bin/python bench/report_pdf.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    common.django_setup()
    from reports.paper import store_report_pdf
    from reports.periods import last_complete_week
    from stores.models import Store, User

    week = last_complete_week()
    store = Store.objects.order_by("code").first()
    head = User.objects.get(username="head")
    store_report_pdf(user=head, store=store, week_start=week)  # warm: fonts, templates, connections
    wall, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = store_report_pdf(user=head, store=store, week_start=week)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(json.dumps({
        "store": store.code, "bytes": len(pdf), "runs": args.runs,
        "median_wall_s": round(common.median(wall), 3), "median_cpu_s": round(common.median(cpu), 3),
        "machine_speed": common.machine_speed(),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
