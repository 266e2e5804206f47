"""Report endpoints: `/api/v1/reports/stores/<code>/weekly/` and `/api/v1/reports/branches/`,
as JSON or, with `?format=csv`, as CSV. Thin: parse the parameters, scope the store, call
the report functions of `reports`, present. Observers appear only as "mystery shopper" or "supervisor"."""

from __future__ import annotations

import csv
import io

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.spreadsheet import spreadsheet_cell
from observations import scoring
from stores.models import Role
from stores.selectors import stores_reportable_to

from .branches import BRANCH_PAGE_SIZE, BranchReport, branch_report, branch_stores
from .figures import FIGURE_KEYS, STORE_ROW_KEYS
from .notes import Note
from .params import ReportParamError, parse_approved_only, parse_page, parse_period, parse_sort, store_report_week
from .periods import week_label
from .publication import Audience, WeekNotPublished
from .store_report import StoreReport, store_weekly_report
from .wording import describe_changes


class CSVRenderer(BaseRenderer):
    """Renders `{"header": [...], "rows": [[...], ...]}`, each cell through the one neutraliser of
    spreadsheet files (`core.spreadsheet`)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(data["header"])
        writer.writerows([spreadsheet_cell(value) for value in row] for row in data["rows"])
        return buffer.getvalue().encode(self.charset)


class ReportView(APIView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            raise ValidationError({"format": _("must be json or csv.")}) from None

    def handle_exception(self, exc):
        # Errors are JSON even when CSV was asked for: a spreadsheet of an error helps no one.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        if isinstance(exc, ReportParamError):
            exc = ValidationError({exc.field: exc.message})
        return super().handle_exception(exc)

    def options(self, request, *args, **kwargs):
        # The description of the endpoint is JSON, whatever format the query asked for.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
        return super().options(request, *args, **kwargs)

    def wants_csv(self, request: Request) -> bool:
        return request.accepted_renderer.format == "csv"

    @staticmethod
    def csv_response(header: list[str], rows: list[list], filename: str) -> Response:
        response = Response({"header": header, "rows": rows})
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def store_report_json(report: StoreReport) -> dict:
    store = report.store
    figures = report.figures.as_dict()
    previous = report.previous
    return {
        "week": report.week,
        "week_start": report.week_start,
        "week_end": report.week_end,
        "published_at": report.published_at,
        "in_progress": report.in_progress,
        # a manager's report: the day late changes reached the week (None: as first published)
        "revised_on": report.revised_on,
        "comparison_from": report.comparison_from,
        # what of the week a store manager is not shown, or shown coarser, and why (reports.manager_view)
        "withheld": report.withheld,
        "withheld_reasons": report.withheld_reasons,
        "seconds_withheld": bool({"rates", "seconds"} & set(report.withheld)),
        "approved_only": report.approved_only,
        "store": store.code,
        "name": store.name,
        "region": store.region.code,
        **{key: figures[key] for key in FIGURE_KEYS[:6]},
        "band_uncertain": report.figures.band_uncertain,
        "shrunk_soi": scoring.round1(report.shrunk_soi),
        "rank": report.rank,
        "rank_low": report.rank_low,
        "rank_high": report.rank_high,
        "n_ranked": report.n_ranked,
        **{key: figures[key] for key in FIGURE_KEYS[6:]},
        "few_visits": report.few_visits,
        "previous_week": {"week": week_label(report.previous_week_start), **previous.as_dict()},
        "change": {
            change.figure: scoring.round1(change.delta)
            for change in report.changes
            if change.figure == "soi" or change.figure in scoring.DIMENSIONS
        },
        "changes": [line.text for line in describe_changes(report)],
        "change_calls": {
            call.figure: {
                "before": scoring.round1(call.difference.before),
                "after": scoring.round1(call.difference.after),
                "difference": scoring.round1(call.difference.delta),
                "ci_low": scoring.round1(call.difference.low),
                "ci_high": scoring.round1(call.difference.high),
                "n_before": call.difference.n_before,
                "n_after": call.difference.n_after,
                "call": call.difference.direction,
                "news": call.tone,
            }
            for call in report.change_calls
        },
        "comparison": {
            "region": {"region": store.region.code, "name": store.region.name, **report.region.as_dict()},
            "company": report.company.as_dict(),
        },
        "trend": [
            {
                "week": point.label,
                "week_start": point.week_start,
                **point.figures.as_dict(),
                "region_soi": scoring.round1(point.region_soi),
                "company_soi": scoring.round1(point.company_soi),
                "revised_on": point.revised_on,
            }
            for point in report.trend
        ],
        "notes": [note_json(note, report.week) for note in report.notes],
    }


def note_json(note: Note, week: str) -> dict:
    """A note as the report's reader may see it: managers get the week, never the day."""
    data = {"by": note.observer_label, "observer_role": note.observer_role or None, "week": week}
    if note.day is not None:
        data["date"] = note.day
    return data | {"interaction": note.interaction, "reviewed": note.reviewed, "text": note.text}


STORE_CSV_HEADER = ["store", "week", "week_start", *FIGURE_KEYS, "region_soi", "company_soi", "revised_on"]


def store_report_csv_rows(report: StoreReport) -> list[list]:
    rows = []
    for point in report.trend:
        figures = point.figures.as_dict()
        rows.append(
            [
                report.store.code,
                point.label,
                point.week_start.isoformat(),
                *(figures[key] for key in FIGURE_KEYS),
                scoring.round1(point.region_soi),
                scoring.round1(point.company_soi),
                point.revised_on.isoformat() if point.revised_on else "",
            ]
        )
    return rows


def branch_report_json(report: BranchReport) -> dict:
    return {
        "week": report.period.label,
        "from": report.period.first,
        "to": report.period.end,
        "published_at": report.published_at,
        "in_progress": report.in_progress,
        "approved_only": report.approved_only,
        "sort": ("-" if report.descending else "") + report.sort,
        "n_ranked": report.n_ranked,
        "n_stores": report.page.paginator.count,
        "page": report.page.number,
        "pages": report.page.paginator.num_pages,
        "company": report.company.as_dict(),
        "band_counts": report.band_counts,
        "regions": [
            {
                "region": summary.region.code,
                "name": summary.region.name,
                **summary.figures.as_dict(),
                "band_counts": summary.band_counts,
            }
            for summary in report.regions
        ],
        "stores": [
            {
                **row.as_dict(),
                "trend": [
                    {
                        "week": week_label(point.week_start),
                        "soi": scoring.round1(point.soi),
                        "n_visits": point.n_visits,
                    }
                    for point in row.trend
                ],
            }
            for row in report.stores
        ],
    }


BRANCH_CSV_HEADER = ["period", *STORE_ROW_KEYS]


def branch_report_csv_rows(report: BranchReport) -> list[list]:
    rows = []
    for row in report.stores:
        values = row.as_dict()
        rows.append([report.period.label, *(values[key] for key in STORE_ROW_KEYS)])
    return rows


COMMON_PARAMETERS = [
    OpenApiParameter("approved_only", OpenApiTypes.BOOL, description="head office only: count only approved visits"),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
]


class StoreWeeklyReportView(ReportView):
    """The weekly report of one store the user may read (404 otherwise)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "week", OpenApiTypes.STR, description="ISO week, e.g. 2026-W47; default: the latest published week"
            ),
            *COMMON_PARAMETERS,
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiResponse(description="A parameter is invalid: an object from parameter to message"),
            401: OpenApiResponse(description="Not authenticated"),
            403: OpenApiResponse(description="Your role has no access to this report"),
            404: OpenApiResponse(description="Unknown store or region, or not in your scope"),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        store = get_object_or_404(stores_reportable_to(request.user), code=code)
        query = request.query_params
        week_start = store_report_week(query, store)
        approved_only = parse_approved_only(query, may_choose=request.user.role == Role.HEAD_OFFICE)
        try:
            report = store_weekly_report(
                store=store, week_start=week_start, approved_only=approved_only, audience=Audience.of(request.user)
            )
        except WeekNotPublished:
            raise Http404 from None
        if not self.wants_csv(request):
            return Response(store_report_json(report))
        return self.csv_response(
            STORE_CSV_HEADER, store_report_csv_rows(report), f"service-oasis-{store.code}-{report.week}.csv"
        )


class BranchReportView(ReportView):
    """The branch comparison: head office all stores, supervisors their regions."""

    @extend_schema(
        parameters=[
            OpenApiParameter("week", OpenApiTypes.STR, description="ISO week; or from/to"),
            OpenApiParameter("from", OpenApiTypes.STR, description="first ISO week or a date in it"),
            OpenApiParameter("to", OpenApiTypes.STR, description="last ISO week or a date in it"),
            OpenApiParameter("region", OpenApiTypes.STR, description="region code"),
            OpenApiParameter("sort", OpenApiTypes.STR, description="column, prefix - for descending; default rank"),
            OpenApiParameter(
                "page",
                OpenApiTypes.INT,
                description="a page of 100 stores of the table (JSON); without it every store, as in CSV",
            ),
            *COMMON_PARAMETERS,
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiResponse(description="A parameter is invalid: an object from parameter to message"),
            401: OpenApiResponse(description="Not authenticated"),
            403: OpenApiResponse(description="Your role has no access to this report"),
            404: OpenApiResponse(description="Unknown store or region, or not in your scope"),
        },
    )
    def get(self, request: Request) -> Response:
        query = request.query_params
        stores = branch_stores(request.user, query.get("region"))
        period = parse_period(query)
        approved_only = parse_approved_only(query, may_choose=request.user.role == Role.HEAD_OFFICE)
        sort, descending = parse_sort(query)
        csv = self.wants_csv(request)
        paged = not csv and "page" in query
        report = branch_report(
            stores=stores,
            period=period,
            approved_only=approved_only,
            sort=sort,
            descending=descending,
            # every store, as the API always answered; with `page`, that page of the table (ranks
            # and means stay company-wide); CSV every store
            page=parse_page(query) if paged else None,
            page_size=BRANCH_PAGE_SIZE if paged else None,
        )
        if not csv:
            return Response(branch_report_json(report))
        return self.csv_response(
            BRANCH_CSV_HEADER,
            branch_report_csv_rows(report),
            f"service-oasis-branches-{period.label.replace('/', '_')}.csv",
        )
