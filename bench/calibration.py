"""Calibration of what the reports say: false alarms, power, plans and plan sizes on synthetic
stores with a known truth (bench/synthetic.py), through the product's own code:

- the report's calls: `reports.calls.change_calls` (Welch on visit scores, rates over visits,
  the family control of `reports.family.family_control`, also with the SOI's second comparison,
  the last 4 weeks against the 8 before), on figures from
  `reports.figures.figures_of` of rollup `Totals` filled by `Totals.add_visit/add_interaction`;
- the opening of action plans: `coaching.services.opening_for`;
- the effect of a plan: `coaching.selectors.plan_windows` and `effects_of`, and against comparable
  stores of its region (`comparison_changes`, `relative_difference`: head office's table);
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
from coaching.selectors import (  # noqa: E402
    comparison_changes,
    effects_of,
    plan_windows,
    relative_difference,
)
from coaching.services import opening_for  # noqa: E402
from observations import scoring  # noqa: E402
from planning import needed  # noqa: E402
from reports.calls import EARLIER_WEEKS, RECENT_WEEKS, change_calls, recent_samples  # noqa: E402
from reports.family import RECENT, family_control  # noqa: E402
from reports.figures import figures_of  # noqa: E402
from reports.significance import Sample  # noqa: E402
from reports.totals import Totals  # noqa: E402
from stores.models import Store  # noqa: E402

RULES = ("none", "holm", "gate-holm")  # "gate-holm" is the product's
# The family with a second SOI comparison: the last RECENT_WEEKS weeks against the EARLIER_WEEKS before
WITH_RECENT = "gate-holm + 4 vs 8"
FIGURES = ("soi", *DIMENSIONS, *RATES)
MONDAY = dt.date(2026, 1, 5)
COMPANY_LEVEL = -0.2  # latent level of the company's typical store: SOI about 65


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


def report(this: tuple, last: tuple, history: list | None = None):
    """The report's differences under each rule of RULES (week on week, as the report tests), and
    with `history` (the weeks up to and including this one) also "gate-holm + 4 vs 8": the family
    with a second SOI comparison, the last four weeks against the eight before them."""
    figures = [figures_of(totals, {}) for totals, _scores in (this, last)]
    calls = change_calls(this=figures[0], last=figures[1], this_scores=this[1], last_scores=last[1], rule="none")
    raw = {call.figure: call.difference for call in calls}
    found = {rule: family_control(raw, rule=rule) for rule in RULES}
    if history is not None and len(history) >= RECENT_WEEKS + EARLIER_WEEKS:
        recent = recent_samples([(t.n_visits, t.soi_sum, t.soi_sum_squares) for t, _scores in history])
        product = change_calls(
            this=figures[0], last=figures[1], this_scores=this[1], last_scores=last[1], recent=recent
        )
        found[WITH_RECENT] = {call.figure: call.difference for call in product}
    return found


def is_news(difference) -> bool:
    return difference.direction in ("rise", "fall")


# --- 1. Stationary stores: false calls -------------------------------------------------------------


def stationary(rng: random.Random, stores: int, weeks: int):
    per_figure = {rule: Counter() for rule in (*RULES, WITH_RECENT)}
    per_report = Counter()
    reports = 0
    recent_reports = 0
    plans = Counter()
    store_weeks = 0
    for _ in range(stores):
        truth = StoreTruth(level=COMPANY_LEVEL)
        series = [week(rng, truth, rng.randint(2, 6)) for _ in range(weeks)]
        for index in range(1, weeks):
            this, last = series[index], series[index - 1]
            reports += 1
            found = report(this, last, history=series[: index + 1])
            recent_reports += WITH_RECENT in found
            for rule, differences in found.items():
                news = [name for name, d in differences.items() if is_news(d)]
                per_figure[rule].update(news)
                per_report[rule] += bool(news)
            store_weeks += 1
            opening = opening_for(this[1], last[1], scoring.DEFAULT_RUBRIC)
            if opening is not None:
                plans[opening.reason] += 1
    return reports, recent_reports, per_figure, per_report, store_weeks, plans


# --- 2. Known changes: power -------------------------------------------------------------------------


def power(rng: random.Random, stores: int, figure: str, points: float, visits_a_week: int = 4, customers=(1, 3)):
    """Share of stores whose report calls the change of `figure` in the right direction within
    1, 2 and 4 weeks of a step of `points` (the step in the fifth of eight weeks)."""
    shifts = shift_for(points, figure)
    found = {rule: Counter() for rule in ("gate-holm", WITH_RECENT)}
    step = RECENT_WEEKS + EARLIER_WEEKS  # the week of the step: a full history before it
    for _ in range(stores):
        before = StoreTruth(level=COMPANY_LEVEL, customers=customers)
        after = StoreTruth(level=COMPANY_LEVEL, shifts=shifts, customers=customers)
        series = [week(rng, before, visits_a_week) for _ in range(step)]
        series += [week(rng, after, visits_a_week) for _ in range(4)]
        first_called = dict.fromkeys(found)
        for index in range(step, step + 4):
            differences = report(series[index], series[index - 1], history=series[: index + 1])
            for rule in found:
                # the SOI's change is called by either of its comparisons (the family's gate)
                names = (figure, RECENT) if figure == "soi" else (figure,)
                called = [differences[rule].get(name) for name in names]
                if first_called[rule] is None and any(
                    d is not None and d.direction == ("rise" if points > 0 else "fall") for d in called
                ):
                    first_called[rule] = index - step
        for rule, counter in found.items():
            for within in (1, 2, 4):
                counter[within] += first_called[rule] is not None and first_called[rule] < within
    return {rule: {within: found[rule][within] / stores for within in (1, 2, 4)} for rule in found}


# --- 3. Plans that do nothing: their measured effect --------------------------------------------------


def do_nothing_plans(rng: random.Random, stores: int, level: float, region_size: int = 20):
    """Regions of stores whose service never changes, their levels spread between stores around
    `level`; a plan opens by the product's rule in every store-week that calls for one (as the
    product opens them: plans of a store may overlap), is submitted in the week after, and changes
    nothing. Its effect on each focus behaviour should be 0: measured by the product's windows and
    effect (the plan page), by the product's comparison with comparable stores of the region without a
    plan over the same weeks (head office's table), and, for comparison, by the old window (the four
    weeks up to and including the opening week). Effects are returned with their store, for a mean
    whose interval allows for the overlapping plans of one store."""
    found = {"product": [[], 0], "old window": [[], 0], "comparable stores": [[], 0]}
    opened, store_weeks = 0, 0
    weeks = 16
    for region_index in range(max(1, stores // region_size)):
        region = [
            [week(rng, truth, rng.randint(2, 6)) for _ in range(weeks)]
            for truth in (StoreTruth(level=level + rng.gauss(0.0, 0.6)) for _ in range(region_size))
        ]
        shops = [Store(pk=n + 1, code=f"S{n}", name=f"S{n}", timezone="Europe/Berlin") for n in range(region_size)]
        scores = {
            (shop.pk, MONDAY + dt.timedelta(weeks=i)): series[i][1]
            for shop, series in zip(shops, region, strict=True)
            for i in range(weeks)
        }
        plans: list[ActionPlan] = []
        for shop, series in zip(shops, region, strict=True):
            for index in range(6, weeks - 4):  # room for the windows before and after
                store_weeks += 1
                opening = opening_for(series[index][1], series[index - 1][1], scoring.DEFAULT_RUBRIC)
                if opening is None:
                    continue
                week_start = MONDAY + dt.timedelta(weeks=index)
                submitted = dt.datetime.combine(week_start + dt.timedelta(days=9), dt.time(10), tzinfo=shop.tzinfo)
                plans.append(
                    ActionPlan(
                        store=shop,
                        week_start=week_start,
                        reason=opening.reason,
                        focus=opening.focus[0],
                        second_focus=opening.focus[1] if len(opening.focus) > 1 else "",
                        state=PlanState.SUBMITTED,
                        submitted_at=submitted,
                    )
                )
        planned = defaultdict(list)
        for plan in plans:
            planned[plan.store.pk].append(plan.week_start)

        def level_of(pk: int, week_start: dt.date, scores=scores) -> float | None:
            values = scores.get((pk, week_start), {}).get("soi", [])
            return statistics.fmean(values) if values else None

        def mean_of(pk: int, name: str, window: list[dt.date], scores=scores) -> float | None:
            values = [v for w in window for v in scores.get((pk, w), {}).get(name, [])]
            return statistics.fmean(values) if values else None

        for plan in plans:
            opened += 1
            cluster = (region_index, plan.store.pk)
            before, after = plan_windows(plan, last_published_week=plan.week_start + dt.timedelta(weeks=5))
            old_before = [plan.week_start - dt.timedelta(weeks=i) for i in range(3, -1, -1)]
            for key, window in (("product", before), ("old window", old_before)):
                for item in effects_of(plan, before=window, after=after, scores=scores):
                    difference = item.effect.difference
                    if difference.testable:
                        found[key][0].append((cluster, difference.delta))
                        found[key][1] += difference.low <= 0 <= difference.high
            others = [
                shop.pk
                for shop in shops
                if shop.pk != plan.store.pk and not any(before[0] <= w <= after[-1] for w in planned[shop.pk])
            ]
            for name in plan.focuses:
                candidates = []
                for other in others:
                    sides = mean_of(other, name, before), mean_of(other, name, after)
                    if sides[0] is not None and sides[1] is not None:
                        candidates.append((level_of(other, plan.week_start), sides[1] - sides[0]))
                difference = relative_difference(
                    Sample.of(v for w in before for v in scores.get((plan.store.pk, w), {}).get(name, [])),
                    Sample.of(v for w in after for v in scores.get((plan.store.pk, w), {}).get(name, [])),
                    comparison_changes(level_of(plan.store.pk, plan.week_start), candidates),
                )
                if difference.testable:
                    found["comparable stores"][0].append((cluster, difference.delta))
                    found["comparable stores"][1] += difference.low <= 0 <= difference.high
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


def plan_row(label: str, plans: str, key: str, effects: list[tuple], covered: int) -> str:
    """A row of the plans table: the mean effect with a 95 % interval robust to the overlapping plans
    of one store (clustered by store), and the share of the plans' intervals covering 0."""
    deltas = [delta for _cluster, delta in effects]
    mean = statistics.fmean(deltas)
    by_cluster: dict = defaultdict(float)
    for cluster, delta in effects:
        by_cluster[cluster] += delta - mean
    clusters = len(by_cluster)
    se = math.sqrt(clusters / (clusters - 1) * math.fsum(v * v for v in by_cluster.values())) / len(deltas)
    half = 1.96 * se
    return (
        f"| {label} | {plans} | {key} | {mean:+.2f} ({mean - half:+.2f} to {mean + half:+.2f}) | "
        f"{100 * covered / len(deltas):.1f} % of {len(deltas)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()

    reports, recent_reports, per_figure, per_report, store_weeks, plans = stationary(rng, args.stores, 16)
    print(f"## Stationary stores: {args.stores} stores x 16 weeks, 2-6 visits a week of 1-3 customers")
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
    print(
        f"{WITH_RECENT} (the family with a second SOI comparison, the last 4 weeks against the 8 before, "
        f"Holm over the two SOI comparisons as the gate), on the {recent_reports} reports with 12 weeks of "
        f"history: **{100 * per_report[WITH_RECENT] / recent_reports:.1f} %** of reports with a call "
        f"(SOI {100 * per_figure[WITH_RECENT]['soi'] / recent_reports:.1f} %, "
        f"last 4 weeks {100 * per_figure[WITH_RECENT][RECENT] / recent_reports:.1f} %)"
    )
    print()
    total_plans = sum(plans.values())
    print(
        f"Plans opened on stationary store-weeks: {100 * total_plans / store_weeks:.2f} % "
        f"({total_plans} of {store_weeks}: " + ", ".join(f"{k} {v}" for k, v in sorted(plans.items())) + ")"
    )
    print()

    print("## Power: the report calls a step change, 4 visits a week, share of stores")
    print("| change | visits | rule | within 1 week | within 2 weeks | within 4 weeks |")
    print("|---|---|---|---:|---:|---:|")
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
        for rule, shares in found.items():
            print(
                f"| {figure} +{points:.0f} | {label} | {rule} | "
                + " | ".join(f"{100 * shares[w]:.1f} %" for w in (1, 2, 4))
                + " |"
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
    pooled: dict[str, list] = defaultdict(lambda: [[], 0])
    total_opened = 0
    for label, level, count in (
        ("company mean 65", COMPANY_LEVEL, 2 * args.stores),
        ("a weak company, mean about 50", -0.9, 2 * args.stores),
    ):
        store_weeks, opened, found = do_nothing_plans(rng, count, level)
        total_opened += opened
        for key, (deltas, covered) in found.items():
            pooled[key][0] += [((label, cluster), delta) for cluster, delta in deltas]
            pooled[key][1] += covered
            print(plan_row(label, f"{opened} of {store_weeks} store-weeks", key, deltas, covered))
    for key, (deltas, covered) in pooled.items():
        print(plan_row("**both**", f"{total_opened}", key, deltas, covered))
    print()

    n_waves, reached, sizes = waves(rng, args.stores)
    print(f"## Waves sized for +-10 points: {n_waves} stores")
    print(
        f"reached +-10: {100 * reached / n_waves:.1f} %; visits asked for: median {statistics.median(sizes):.0f}, "
        f"mean {statistics.fmean(sizes):.1f}"
    )
    print()
    print(f"({time.perf_counter() - started:.0f} s of wall clock, {time.process_time():.0f} s of CPU)")


if __name__ == "__main__":
    main()
