"""Report pages: the store weekly report and the branch comparison. Thin: parse, scope, call
the report functions of `reports`, hand the result and its chart geometry to the templates."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from observations import scoring
from stores.models import Region, Role
from stores.selectors import regions_supervised_by, stores_reportable_to

from . import charts
from .branches import BRANCH_PAGE_SIZE, branch_report, branch_stores
from .figures import FEW_VISITS, rubric_in_force
from .page_sections import StoreWeek, store_week_context
from .params import ReportParamError, parse_approved_only, parse_period, parse_sort, store_report_week
from .pdf import html_to_pdf
from .periods import week_label
from .publication import Audience, WeekNotPublished, is_published, latest_published_week, published_at
from .store_report import store_weekly_report
from .wording import calls_meaning, describe_changes


def _bad_request(request: HttpRequest, error: ReportParamError) -> HttpResponse:
    return render(request, "reports/bad_request.html", {"error": error}, status=400)


def _week_context(monday: dt.date) -> dict:
    year, week, _day = monday.isocalendar()
    return {"iso_year": year, "iso_week": week, "start": monday, "end": monday + dt.timedelta(days=6)}


def _dimension_labels() -> dict[str, str]:
    return {
        "greeting": _("Greeting"),
        "smile": _("Smile"),
        "hovering": _("Room to browse"),
        "response": _("Response"),
    }


@login_required
def reports_home(request: HttpRequest) -> HttpResponse:
    """Managers go to their store's report (or choose among their stores), others to the comparison."""
    user = request.user
    if user.role in (Role.HEAD_OFFICE, Role.SUPERVISOR):
        return redirect("reports:branches")
    stores = list(stores_reportable_to(user).order_by("code"))
    if not stores:
        raise PermissionDenied
    if len(stores) == 1:
        return redirect("reports:store", code=stores[0].code)
    return render(request, "reports/store_list.html", {"stores": stores})


@login_required
def store_report(request: HttpRequest, code: str) -> HttpResponse:
    store = get_object_or_404(stores_reportable_to(request.user), code=code)
    audience = Audience.of(request.user)
    try:
        week_start = store_report_week(request.GET, store)
        approved_only = parse_approved_only(request.GET, may_choose=request.user.role == Role.HEAD_OFFICE)
    except ReportParamError as error:
        return _bad_request(request, error)
    try:
        report = store_weekly_report(store=store, week_start=week_start, approved_only=approved_only, audience=audience)
    except WeekNotPublished:
        return _week_not_published(request, store, week_start)
    labels = _dimension_labels()
    trend = charts.line_chart(
        [point.label.split("-")[1] for point in report.trend],
        [
            (_("Company"), "company", [point.company_soi for point in report.trend]),
            (_("Region"), "region", [point.region_soi for point in report.trend]),
            (store.name, "store", [point.figures.soi for point in report.trend]),
        ],
        limits=report.figures.band_limits,
        week_limits=[point.figures.band_limits if point.figures.n_visits else None for point in report.trend],
    )
    bars, bars_height, bars_left, bars_length = charts.grouped_bars(
        [
            (
                labels[name],
                [
                    (store.name, "store", report.figures.dimension(name)),
                    (_("Region"), "region", report.region.dimension(name)),
                    (_("Company"), "company", report.company.dimension(name)),
                ],
            )
            for name in scoring.DIMENSIONS
        ]
    )
    previous_week = report.week_start - dt.timedelta(weeks=1)
    next_week = report.week_start + dt.timedelta(weeks=1)
    as_pdf = request.GET.get("format") == "pdf"
    response = render(
        request,
        "reports/store_weekly.html",
        {
            "as_pdf": as_pdf,
            "report": report,
            "store": store,
            "week": _week_context(report.week_start),
            "changes": describe_changes(report),
            "calls_meaning": calls_meaning(),
            # What to work on and the week's action plan (coaching), without naming coaching here.
            **store_week_context(
                StoreWeek(
                    store=store,
                    week_start=report.week_start,
                    approved_only=approved_only,
                    scores={name: report.figures.dimension(name) for name in scoring.DIMENSIONS},
                    rubric=rubric_in_force(),
                    n_visits=report.figures.n_visits,
                    view=report.view,
                )
            ),
            "dimensions": [
                (
                    labels[name],
                    report.figures.dimension(name),
                    report.region.dimension(name),
                    report.company.dimension(name),
                )
                for name in scoring.DIMENSIONS
            ],
            "trend_chart": trend,
            "bars": bars,
            "bars_height": bars_height,
            "bars_left": bars_left,
            "bars_length": bars_length,
            "previous_week": week_label(previous_week),
            "next_week": week_label(next_week)
            if audience is Audience.STAFF or is_published(next_week, store.tzinfo)
            else None,
            "csv_query": urlencode({"week": report.week, "format": "csv"}),
            "week_choices": _published_week_choices(store) if audience is Audience.MANAGER else None,
            "running_week": _running_week(store) if audience is Audience.MANAGER else None,
            "is_head_office": request.user.role == Role.HEAD_OFFICE,
        },
    )
    if not as_pdf:
        return response
    pdf = HttpResponse(html_to_pdf(response.content.decode()), content_type="application/pdf")
    pdf["Content-Disposition"] = f'attachment; filename="service-oasis-{store.code}-{report.week}.pdf"'
    return pdf


PICKER_WEEKS = 52  # published weeks a manager's week picker offers, newest first


def _running_week(store) -> dict:
    """The first week a manager cannot open yet, and when it is published in the store's zone."""
    monday = latest_published_week(store.tzinfo) + dt.timedelta(weeks=1)
    return {**_week_context(monday), "published_at": published_at(monday, store.tzinfo)}


def _published_week_choices(store) -> list[dict]:
    latest = latest_published_week(store.tzinfo)
    return [
        {**_week_context(monday), "label": week_label(monday)}
        for monday in (latest - dt.timedelta(weeks=n) for n in range(PICKER_WEEKS))
    ]


def _week_not_published(request: HttpRequest, store, week_start: dt.date) -> HttpResponse:
    """A manager's link to a week not yet published: say when it will be, and offer the latest
    one. Still a 404 (as the API answers): nothing of the week exists for them yet."""
    latest = latest_published_week(store.tzinfo)
    context = {
        "store": store,
        "week": {**_week_context(week_start), "published_at": published_at(week_start, store.tzinfo)},
        "latest": {**_week_context(latest), "label": week_label(latest)},
    }
    return render(request, "reports/week_not_published.html", context, status=404)


SORTABLE_COLUMNS = ("soi", *scoring.DIMENSIONS, "n_visits", "shrunk_soi")


@login_required
def branches(request: HttpRequest) -> HttpResponse:
    query = request.GET
    try:
        stores = branch_stores(request.user, query.get("region"))
        period = parse_period(query)
        approved_only = parse_approved_only(query, may_choose=request.user.role == Role.HEAD_OFFICE)
        sort, descending = parse_sort(query)
    except ReportParamError as error:
        return _bad_request(request, error)
    # a page number out of range or not a number shows the nearest page, never an error
    report = branch_report(
        stores=stores,
        period=period,
        approved_only=approved_only,
        sort=sort,
        descending=descending,
        page=query.get("page"),
        page_size=BRANCH_PAGE_SIZE,
    )
    regions = Region.objects.order_by("code")
    if request.user.role != Role.HEAD_OFFICE:
        regions = regions.filter(pk__in=regions_supervised_by(request.user))
    kept = {key: query[key] for key in ("week", "from", "to", "region", "approved_only") if query.get(key)}

    def sort_link(column: str) -> str:
        # figures read best first; clicking the column sorted that way again flips it
        if column == "rank":
            target = "-rank" if sort == "rank" and not descending else "rank"
        else:
            target = column if sort == column and descending else f"-{column}"
        return "?" + urlencode({**kept, "sort": target})

    page = report.page

    def page_link(number: int) -> str:
        return "?" + urlencode({**kept, "sort": ("-" if descending else "") + sort, "page": number})

    labels = _dimension_labels()
    heat_rows = [
        (
            row,
            [
                (labels[name], row.figures.dimension(name), charts.heat_class(row.figures.dimension(name)))
                for name in scoring.DIMENSIONS
            ],
        )
        for row in page
    ]
    multiples = [
        (row, charts.sparkline([point.soi for point in row.trend], limits=row.figures.band_limits)) for row in page
    ]
    return render(
        request,
        "reports/branches.html",
        {
            "report": report,
            "page": page,
            "previous_page": page_link(page.previous_page_number()) if page.has_previous() else None,
            "next_page": page_link(page.next_page_number()) if page.has_next() else None,
            "week": _week_context(period.first) if period.is_single_week else None,
            "period_end": period.end,
            "regions": regions,
            "selected_region": query.get("region", ""),
            "query": query,
            "is_head_office": request.user.role == Role.HEAD_OFFICE,
            "sort_links": {column: sort_link(column) for column in ("rank", *SORTABLE_COLUMNS)},
            "dimension_labels": [labels[name] for name in scoring.DIMENSIONS],
            "heat_rows": heat_rows,
            "multiples": multiples,
            "link_week": week_label(period.last),
            "trend_first": week_label(report.trend_weeks[0]),
            "trend_last": week_label(report.trend_weeks[-1]),
            "csv_query": urlencode({**kept, "sort": ("-" if descending else "") + sort, "format": "csv"}),
            "few_visits": FEW_VISITS,
        },
    )
