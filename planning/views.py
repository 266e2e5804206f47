"""Planning pages for head office (define, plan, adjust, publish) and supervisors (read, coverage).
Thin: scope with planning.selectors, write with planning.services. Anyone else gets 404."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from core.errors import form_errors
from stores.models import Role

from . import export, selectors, services, tables, wording
from .forms import AssignmentForm, WaveForm
from .models import Wave


def _waves(request: HttpRequest):
    if not selectors.sees_planning(request.user):
        raise Http404
    return selectors.waves_visible_to(request.user)


def _head_office(request: HttpRequest) -> None:
    if request.user.role != Role.HEAD_OFFICE:
        raise Http404


@login_required
def wave_list(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/wave_list.html", {"waves": _waves(request)})


@login_required
def wave_new(request: HttpRequest) -> HttpResponse:
    _head_office(request)
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave = services.wave_create(by=request.user, data=form.to_input())
        except services.PlanningError as error:
            form_errors(form, error)
        else:
            return redirect("planning:wave", pk=wave.pk)
    return render(request, "planning/wave_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def wave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wave = get_object_or_404(_waves(request), pk=pk)
    assignments = (
        selectors.assignments_visible_to(request.user).filter(wave=wave).order_by("store__code", "window_start", "pk")
    )
    wave_stores = list(selectors.wave_stores_visible_to(request.user, wave))
    closures = selectors.wave_closures(request.user, wave, language=get_language())
    # Stores whose skipped days are the same are named together ("ham-mo, ber-mi: 25.12. ...").
    skipped: dict[tuple[str, ...], list[str]] = {}
    for row in wave_stores:
        days = tuple(wording.skipped_days(closures.get(row.store_id, {})))
        if days:
            skipped.setdefault(days, []).append(row.store.code)
    context = {
        "wave": wave,
        "wave_stores": wave_stores,
        "skipped": [{"stores": codes, "days": days} for days, codes in skipped.items()],
        "assignments": assignments,
        "may_edit": request.user.role == Role.HEAD_OFFICE and wave.is_draft,
    }
    if request.user.role == Role.HEAD_OFFICE and (wave.is_draft or assignments.filter(shopper=None).exists()):
        # Why visits have no shopper and what would staff them, as the last planning found.
        context["staffing_pending"] = wave.staffing.get("pending", False)
        context["staffing_why"] = wording.staffing_lines(wave.staffing)
        context["staffing_help"] = wording.staffing_help(wave.staffing)
    if context["may_edit"]:
        # What publishing does, said before it is done: how many assignments reach how many shoppers.
        context["publish_counts"] = assignments.exclude(shopper=None).aggregate(
            assignments=Count("pk"), shoppers=Count("shopper", distinct=True)
        ) | {"open": assignments.filter(shopper=None).count()}
    return render(request, "planning/wave_detail.html", context)


@login_required
@require_POST
def wave_plan(request: HttpRequest, pk: int) -> HttpResponse:
    _head_office(request)
    wave = get_object_or_404(Wave, pk=pk)
    try:
        services.wave_plan(wave=wave, by=request.user)
    except services.PlanningError as error:
        return render(request, "planning/error.html", {"errors": error.errors, "wave": wave}, status=400)
    return redirect("planning:wave", pk=wave.pk)


@login_required
@require_POST
def wave_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _head_office(request)
    wave = get_object_or_404(Wave, pk=pk)
    try:
        services.wave_publish(wave=wave, by=request.user)
    except services.PlanningError as error:
        return render(request, "planning/error.html", {"errors": error.errors, "wave": wave}, status=400)
    return redirect("planning:wave", pk=wave.pk)


@login_required
def assignment_edit(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    _head_office(request)
    wave = get_object_or_404(Wave, pk=pk)
    assignment = get_object_or_404(selectors.assignments_visible_to(request.user), pk=assignment_pk, wave=wave)
    initial = {
        "shopper": assignment.shopper,
        "window_start": assignment.window_start,
        "window_end": assignment.window_end,
        "time_of_day": assignment.time_of_day,
        "locked": True,
    }
    form = AssignmentForm(request.POST or None, initial=initial, store=assignment.store)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_adjust(assignment=assignment, by=request.user, **form.cleaned_data)
        except services.PlanningError as error:
            form_errors(form, error)
        else:
            return redirect("planning:wave", pk=wave.pk)
    context = {"form": form, "wave": wave, "assignment": assignment}
    return render(request, "planning/assignment_form.html", context, status=400 if form.errors else 200)


@login_required
def coverage(request: HttpRequest, pk: int) -> HttpResponse:
    wave = get_object_or_404(_waves(request), pk=pk)
    rows = selectors.wave_coverage(request.user, wave)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="coverage-wave-{wave.pk}.csv"'
        writer = csv.writer(response, lineterminator="\r\n")
        writer.writerow(export.COVERAGE_HEADER)
        writer.writerows(export.coverage_csv_rows(rows))
        return response
    context = {
        "wave": wave,
        "rows_html": tables.coverage_rows(rows, decimal_separator=get_format("DECIMAL_SEPARATOR")),
        "n_rows": len(rows),
        "at_risk": sum(1 for row in rows if row.figures.at_risk),
    }
    return render(request, "planning/coverage.html", context)
