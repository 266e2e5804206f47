"""The coverage table's rows as HTML, built in Python: a wave of 1,000 stores renders in a few
milliseconds this way, where the template loop took over half a second (bench/planning.py).
Every text that comes from the database is escaped here; numbers are formatted here."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from observations.scoring import round1

from .selectors import CoverageRow
from .wording import risk_label

ROW = (
    "<tr{css}><td>{code} – {name}</td><td>{region}</td><td>{needed}</td><td>{planned}</td><td>{done}</td>"
    "<td>{overdue}</td><td>{declined}</td><td>{half_width}</td><td>{expected}</td><td>{risk}</td></tr>"
)


def coverage_rows(rows: list[CoverageRow], *, decimal_separator: str = ".") -> SafeString:
    labels = {code: escape(risk_label(code)) for code in ("short", "overdue", "unassigned", "imprecise")}
    at_risk, on_track = escape(_("at risk")), escape(_("on track"))

    def one_decimal(value: float | None) -> str:
        # the one rounding of every figure (half away from zero), formatted here for speed
        return "–" if value is None else f"{round1(value):.1f}".replace(".", decimal_separator)

    html = []
    for row in rows:
        f = row.figures
        risk = f"<strong>{at_risk}</strong>: " + "; ".join(labels[code] for code in f.risks) if f.at_risk else on_track
        html.append(
            ROW.format(
                css=' class="at-risk"' if f.at_risk else "",
                code=escape(row.store_code),
                name=escape(row.store_name),
                region=escape(row.region_code),
                needed=f.needed,
                planned=f.planned,
                done=f.done,
                overdue=f.overdue,
                declined=f.declined,
                half_width=one_decimal(f.half_width),
                expected=one_decimal(f.expected_half_width),
                risk=risk,
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 (every database text above is escaped)
