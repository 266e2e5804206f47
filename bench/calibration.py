"""Calibration of what the reports say: false alarms, power, plans and plan sizes on synthetic
stores with a known truth (bench/synthetic.py), through the product's own code:

- the report's calls: `reports.calls.change_calls` (Welch on visit scores, rates over visits,
  the family control of `reports.family.family_control`), on figures from
  `reports.figures.figures_of` of rollup `Totals` filled by `Totals.add_visit/add_interaction`;
- the opening of action plans: `coaching.services.opening_for`;
- the effect of a plan: `coaching.selectors.plan_windows` and `effects_of`;
- the visits a wave needs: `planning.needed` (spread, visits needed), and whether the wave's
  interval (`observations.scoring.confidence_interval`) reaches the target half-width.

    .venv/bin/python bench/calibration.py [--stores 1000] [--seed 21]

Needs no database and no server; under 5 minutes on one core of the development machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ.setdefault("SECRET_KEY", "calibration-benchmark")
os.environ.pop("DATABASE_URL", None)

import django

django.setup()

from bench.synthetic import DIMENSIONS, RATES, StoreTruth, as_row, visit  # noqa: E402
from coaching.models import ActionPlan, PlanState  # noqa: E402
from coaching.selectors import effects_of, plan_windows  # noqa: E402
from coaching.services import opening_for  # noqa: E402
from observations import scoring  # noqa: E402
from planning import needed  # noqa: E402
from reports.calls import change_calls  # noqa: E402
from reports.family import family_control  # noqa: E402
from reports.figures import figures_of  # noqa: E402
from reports.totals import Totals  # noqa: E402
from stores.models import Store  # noqa: E402

RULES = ("none", "holm", "gate-holm")  # "gate-holm" is the product's
FIGURES = ("soi", *DIMENSIONS, *RATES)
MONDAY = dt.date(2026, 1, 5)
COMPANY_LEVEL = -0.2  # latent level of the company's typical store: SOI about 65
STORE = Store(pk=1, code="S", name="S", timezone="Europe/Berlin")


def week(rng: random.Random, truth: StoreTruth, n_visits: int) -> tuple[Totals, dict[str, list]]:
    """One store-week: its rollup totals and the visit-level scores and counts the report reads."""
    totals = Totals()
    scores: dict[str, list] = defaultdict(list)
    for _ in range(n_visits):
        one = visit(rng, truth)
        counts = Totals()
        for values in one.interactions:
            counts.add_interaction(as_row(values))
        totals.add(counts)
        totals.add_visit(
            {"soi": one.scores.soi, "rubric__version": 1, **{f"{d}_score": one.scores.dimension(d) for d in DIMENSIONS}}
        )
        scores["soi"].append(one.scores.soi)
        for name in DIMENSIONS:
            if one.scores.dimension(name) is not None:
                scores[name].append(one.scores.dimension(name))
        scores["greeting_rate"].append((counts.n_greeted, counts.n_interactions))
        scores["smile_rate"].append((counts.n_smiling, counts.n_interactions))
        scores["hovering_rate"].append((counts.n_hovering, counts.n_interactions))
    return totals, dict(scores)


def expected(truth: StoreTruth, figure: str, n: int = 6000, seed: int = 7) -> float:
    """A figure's true mean over visits (Monte Carlo with common random numbers)."""
    rng = random.Random(seed)
    values = [visit(rng, truth).scores for _ in range(n)]
    present = [v.dimension(figure) if figure != "soi" else v.soi for v in values]
    return statistics.fmean(v for v in present if v is not None)


def shift_for(points: float, figure: str) -> dict[str, float]:
    """The latent shift (of every behaviour for the SOI, of one behaviour for a dimension) that
    moves the figure's true mean by `points` (secant method on `expected`)."""
    names = DIMENSIONS if figure == "soi" else (figure,)
    base = expected(StoreTruth(level=COMPANY_LEVEL), figure)

    def gain(shift: float) -> float:
        return expected(StoreTruth(level=COMPANY_LEVEL, shifts=dict.fromkeys(names, shift)), figure) - base

    x0, x1 = 0.0, 0.3
    f0, f1 = 0.0, gain(x1)
    for _ in range(4):
        x0, x1, f0 = x1, x1 + (points - f1) * (x1 - x0) / (f1 - f0), f1
        f1 = gain(x1)
    return dict.fromkeys(names, x1)


def report(this: tuple, last: tuple):
    figures = [figures_of(totals, {}) for totals, _scores in (this, last)]
    calls = change_calls(this=figures[0], last=figures[1], this_scores=this[1], last_scores=last[1], rule="none")
    raw = {call.figure: call.difference for call in calls}
    return {rule: family_control(raw, rule=rule) for rule in RULES}


def is_news(difference) -> bool:
    return difference.direction in ("rise", "fall")


# --- 1. Stationary stores: false calls -------------------------------------------------------------


def stationary(rng: random.Random, stores: int, weeks: int):
    per_figure = {rule: Counter() for rule in RULES}
    per_report = Counter()
    reports = 0
    plans = Counter()
    store_weeks = 0
    for _ in range(stores):
        truth = StoreTruth(level=COMPANY_LEVEL)
        series = [week(rng, truth, rng.randint(2, 6)) for _ in range(weeks)]
        for this, last in zip(series[1:], series, strict=False):
            reports += 1
            for rule, differences in report(this, last).items():
                news = [name for name, d in differences.items() if is_news(d)]
                per_figure[rule].update(news)
                per_report[rule] += bool(news)
            store_weeks += 1
            opening = opening_for(this[1], last[1], scoring.DEFAULT_RUBRIC)
            if opening is not None:
                plans[opening.reason] += 1
    return reports, per_figure, per_report, store_weeks, plans


# --- 2. Known changes: power -------------------------------------------------------------------------


def power(rng: random.Random, stores: int, figure: str, points: float, visits_a_week: int = 4, customers=(1, 3)):
    """Share of stores whose report calls the change of `figure` in the right direction within
    1, 2 and 4 weeks of a step of `points` (the step in the fifth of eight weeks)."""
    shifts = shift_for(points, figure)
    found = Counter()
    for _ in range(stores):
        before = StoreTruth(level=COMPANY_LEVEL, customers=customers)
        after = StoreTruth(level=COMPANY_LEVEL, shifts=shifts, customers=customers)
        series = [week(rng, before, visits_a_week) for _ in range(4)]
        series += [week(rng, after, visits_a_week) for _ in range(4)]
        first_called = None
        for index in range(4, 8):
            difference = report(series[index], series[index - 1])["gate-holm"].get(figure)
            if difference is not None and difference.direction == ("rise" if points > 0 else "fall"):
                first_called = index - 4
                break
        for within in (1, 2, 4):
            found[within] += first_called is not None and first_called < within
    return {within: found[within] / stores for within in (1, 2, 4)}


# --- 3. Plans that do nothing: their measured effect --------------------------------------------------


def do_nothing_plans(rng: random.Random, stores: int, level: float):
    """Stores whose service never changes, their levels spread between stores around `level`; a
    plan opens by the product's rule (at most one per store), is submitted in the week after, and
    changes nothing. Its effect on each focus behaviour, measured by the product's windows and
    effect, should be 0; the old window (the four weeks up to and including the opening week) is
    measured on the same plans for comparison."""
    found = {"product": [[], 0], "old window": [[], 0]}
    opened, store_weeks = 0, 0
    weeks = 16
    for _ in range(stores):
        truth = StoreTruth(level=level + rng.gauss(0.0, 0.6))
        series = [week(rng, truth, rng.randint(2, 6)) for _ in range(weeks)]
        scores = {(1, MONDAY + dt.timedelta(weeks=i)): series[i][1] for i in range(weeks)}
        for index in range(6, weeks - 4):  # room for the windows before and after
            store_weeks += 1
            opening = opening_for(series[index][1], series[index - 1][1], scoring.DEFAULT_RUBRIC)
            if opening is None:
                continue
            opened += 1
            week_start = MONDAY + dt.timedelta(weeks=index)
            submitted = dt.datetime.combine(week_start + dt.timedelta(days=9), dt.time(10), tzinfo=STORE.tzinfo)
            plan = ActionPlan(
                store=STORE,
                week_start=week_start,
                reason=opening.reason,
                focus=opening.focus[0],
                second_focus=opening.focus[1] if len(opening.focus) > 1 else "",
                state=PlanState.SUBMITTED,
                submitted_at=submitted,
            )
            before, after = plan_windows(plan, last_published_week=week_start + dt.timedelta(weeks=5))
            old_before = [week_start - dt.timedelta(weeks=i) for i in range(3, -1, -1)]
            for key, window in (("product", before), ("old window", old_before)):
                for item in effects_of(plan, before=window, after=after, scores=scores):
                    difference = item.effect.difference
                    if difference.testable:
                        found[key][0].append(difference.delta)
                        found[key][1] += difference.low <= 0 <= difference.high
            break  # one plan per store: plans overlap otherwise
    return store_weeks, opened, found


# --- 4. Waves: visits needed and the precision reached -------------------------------------------------


def waves(rng: random.Random, stores: int, target: float = 10.0):
    """A region of stores with levels spread between stores, 8 weeks of history of 2-6 visits; each
    store's wave is sized by planning.needed from its history and the region's, then visited; does
    the wave's 95% interval reach +-target?"""
    reached, sizes = 0, []
    regions = max(1, stores // 50)
    for _ in range(regions):
        truths = [StoreTruth(level=COMPANY_LEVEL + rng.gauss(0.0, 0.6)) for _ in range(50)]
        history = [[visit(rng, truth).scores.soi for _ in range(rng.randint(0, 16))] for truth in truths]
        region = needed.pooled_within([needed.Sample.of(values) for values in history])
        for truth, values in zip(truths, history, strict=True):
            spread = needed.spread(needed.Sample.of(values), region, region)
            plan = needed.visits_needed(
                sd=spread.sd,
                target_half_width=target,
                fixed_visits=None,
                min_visits=2,
                max_visits=200,
                sd_df=spread.df,
            )
            sizes.append(plan.n)
            wave = [visit(rng, truth).scores.soi for _ in range(plan.n)]
            low, high = scoring.confidence_interval(wave)
            mean = statistics.fmean(wave)
            reached += max(high - mean, mean - low) <= target + 1e-9
    return regions * 50, reached, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()

    reports, per_figure, per_report, store_weeks, plans = stationary(rng, args.stores, 12)
    print(f"## Stationary stores: {args.stores} stores x 12 weeks, 2-6 visits a week of 1-3 customers")
    print(f"{reports} reports (week against the week before); share with a good/bad-news call")
    print("| figure | " + " | ".join(RULES) + " |")
    print("|---|" + "---:|" * len(RULES))
    for name in FIGURES:
        print(f"| {name} | " + " | ".join(f"{100 * per_figure[rule][name] / reports:.1f} %" for rule in RULES) + " |")
    print(
        "| **any (per report)** | "
        + " | ".join(f"**{100 * per_report[rule] / reports:.1f} %**" for rule in RULES)
        + " |"
    )
    print()
    total_plans = sum(plans.values())
    print(
        f"Plans opened on stationary store-weeks: {100 * total_plans / store_weeks:.2f} % "
        f"({total_plans} of {store_weeks}: " + ", ".join(f"{k} {v}" for k, v in sorted(plans.items())) + ")"
    )
    print()

    print("## Power: the report calls a step change (gate-holm), 4 visits a week, share of stores")
    print("| change | visits | within 1 week | within 2 weeks | within 4 weeks |")
    print("|---|---|---:|---:|---:|")
    n_power = max(200, args.stores // 4)
    for figure, points, customers, label in (
        ("soi", 5.0, (1, 3), "shopper visits, 1-3 customers"),
        ("soi", 10.0, (1, 3), "shopper visits, 1-3 customers"),
        ("soi", 20.0, (1, 3), "shopper visits, 1-3 customers"),
        ("soi", 10.0, (10, 24), "supervisor walks, 10-24 customers"),
        ("greeting", 10.0, (1, 3), "shopper visits, 1-3 customers"),
        ("greeting", 20.0, (1, 3), "shopper visits, 1-3 customers"),
    ):
        found = power(rng, n_power, figure, points, customers=customers)
        print(
            f"| {figure} +{points:.0f} | {label} | " + " | ".join(f"{100 * found[w]:.1f} %" for w in (1, 2, 4)) + " |"
        )
    sd_rng = random.Random(5)
    sd = statistics.stdev(visit(sd_rng, StoreTruth(level=COMPANY_LEVEL)).scores.soi for _ in range(4000))
    ceiling = 0.5 * math.erfc(-(10.0 / (sd / 4.0) - 1.959964) / math.sqrt(2))
    print(
        f"\nVisit SD of the SOI (shopper visits): {sd:.1f}. No test at 5 % can call a 10-point change within 4 "
        f"weeks (16 visits after it) more often than {100 * ceiling:.0f} % of the time, even knowing the level "
        "before exactly: 10 / (SD / 4) - 1.96 standard errors."
    )
    print()

    print("## Plans that change nothing: their measured effect on the focus behaviours")
    print(
        "| stores (levels spread by about 10 SOI points) | plans | rule | mean effect (95 % CI) | intervals covering 0 |"
    )
    print("|---|---:|---|---:|---:|")
    for label, level, count in (
        ("company mean 65", COMPANY_LEVEL, args.stores),
        ("a weak company, mean about 50", -0.9, args.stores),
    ):
        store_weeks, opened, found = do_nothing_plans(rng, count, level)
        for key, (deltas, covered) in found.items():
            mean = statistics.fmean(deltas)
            half = 1.96 * statistics.stdev(deltas) / math.sqrt(len(deltas))
            print(
                f"| {label} | {opened} of {store_weeks} store-weeks | {key} | {mean:+.2f} ({mean - half:+.2f} to "
                f"{mean + half:+.2f}) | {100 * covered / len(deltas):.1f} % of {len(deltas)} |"
            )
    print()

    n_waves, reached, sizes = waves(rng, args.stores)
    print(f"## Waves sized for +-10 points: {n_waves} stores")
    print(
        f"reached +-10: {100 * reached / n_waves:.1f} %; visits asked for: median {statistics.median(sizes):.0f}, "
        f"mean {statistics.fmean(sizes):.1f}"
    )
    print()
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
