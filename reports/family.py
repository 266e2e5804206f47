"""A report tests eight figures at once; tested each at 5 %, about a third of the reports of a store
whose service never changed would carry some "good" or "bad news". The report is controlled as a
family (`family_control`): the SOI is tested first at 5 %; only when its change is meaningful are
the dimensions and rates tested, with Holm's step-down procedure at 5 %. At most about 1 report in
20 of an unchanged store then carries any good or bad news (bench/calibration.py measures it).
See docs/product.md, "What the calls mean, and their error rates".
"""

from __future__ import annotations

from dataclasses import replace

from .distributions import ALPHA
from .significance import Difference

GATE = "soi"
# The SOI over the last four weeks against the eight weeks before them (reports.calls.RECENT)
RECENT = "soi_recent"
GATES = (GATE, RECENT)


def holm(p_values: dict[str, float], alpha: float = ALPHA) -> set[str]:
    """The names whose hypotheses Holm's step-down procedure rejects at family level `alpha`."""
    rejected = set()
    ordered = sorted(p_values.items(), key=lambda item: (item[1], item[0]))
    for index, (name, p_value) in enumerate(ordered):
        if p_value > alpha / (len(ordered) - index):
            break
        rejected.add(name)
    return rejected


def family_control(
    differences: dict[str, Difference], *, rule: str = "gate-holm", alpha: float = ALPHA
) -> dict[str, Difference]:
    """The report's differences with `meaningful` decided for the report as a family.

    "gate-holm" (the product's rule): the SOI at ALPHA; the other figures only when the SOI's
    change is meaningful, then by Holm at ALPHA. Under no change at all, a report carries a call
    only when the SOI is called: at most ALPHA of them. "holm": Holm over every figure. "none":
    each figure at ALPHA on its own (the old rule; for the calibration benchmark)."""
    tested = {name: d for name, d in differences.items() if d.testable}
    if rule == "none":
        called = {name for name, d in tested.items() if d.p_value <= alpha}
    elif rule == "holm":
        called = holm({name: d.p_value for name, d in tested.items()}, alpha)
    elif rule == "gate-holm":
        # the SOI's comparisons (week on week; the last four weeks against the eight before, when
        # given) by Holm at ALPHA: under no change at most ALPHA of the reports open the gate
        called = holm({name: d.p_value for name, d in tested.items() if name in GATES}, alpha)
        if called:
            called |= holm({name: d.p_value for name, d in tested.items() if name not in GATES}, alpha)
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return {
        name: replace(difference, meaningful=difference.testable and name in called)
        for name, difference in differences.items()
    }
