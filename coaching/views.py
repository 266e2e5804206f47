"""Action plan pages. Thin: scope through the selectors, call the services, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import form_errors
from stores.models import Role
from stores.selectors import sees_observers

from . import selectors, services, wording
from .forms import DecisionForm, PlanForm
from .models import PlanState


def _effects(plans) -> dict:
    return selectors.plan_effects(plans, approved_only=settings.OASIS_REPORTS_APPROVED_ONLY)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.SHOPPER:
        raise PermissionDenied
    state = request.GET.get("state", "")
    plans = selectors.plans_visible_to(user).order_by("-week_start", "store__code")
    if state in PlanState.values:
        plans = plans.filter(state=state)
    plans = list(plans)
    today = timezone.localdate()
    context = {
        "rows": [(plan, plan.is_overdue(today)) for plan in plans],
        "states": PlanState.choices,
        "state": state,
        "overdue": sum(1 for plan in plans if plan.is_overdue(today)),
    }
    if user.role == Role.HEAD_OFFICE:
        outcomes = selectors.focus_outcomes(
            selectors.relative_effects(plans, approved_only=settings.OASIS_REPORTS_APPROVED_ONLY)
        )
        context["outcomes"] = [(wording.behaviour_label(item.dimension), item) for item in outcomes]
    return render(request, "coaching/plan_list.html", context)


def _detail(request: HttpRequest, pk: int, *, form=None, decision_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    plan = get_object_or_404(selectors.plans_visible_to(user), pk=pk)
    effects = _effects([plan])[plan.pk]
    may_edit = plan.is_editable and selectors.plans_editable_by(user).filter(pk=plan.pk).exists()
    may_decide = plan.state == PlanState.SUBMITTED and selectors.plans_decidable_by(user).filter(pk=plan.pk).exists()
    if may_edit and form is None:
        form = PlanForm(
            initial={
                "focus": plan.focus,
                "second_focus": plan.second_focus,
                "actions": plan.actions,
                "owner": plan.owner,
                "due_date": plan.due_date,
            }
        )
    if may_decide and decision_form is None:
        decision_form = DecisionForm()
    return render(
        request,
        "coaching/plan_detail.html",
        {
            "plan": plan,
            "effects": [
                (
                    wording.behaviour_label(item.dimension),
                    wording.principle(item.dimension),
                    item,
                    wording.effect_sentence(item),
                )
                for item in effects
            ],
            "form": form if may_edit else None,
            "decision_form": decision_form if may_decide else None,
            "overdue": plan.is_overdue(timezone.localdate()),
            # Managers learn that "the supervisor" decided, not who: supervisors also observe.
            "show_people": sees_observers(user),
        },
        status=status,
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_editable_by(request.user), pk=pk)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.plan_submit(plan=plan, by=request.user, **form.cleaned_data)
        except services.PlanError as error:
            form_errors(form, error)
        else:
            return redirect("coaching:plan", pk=plan.pk)
    return _detail(request, pk, form=form, status=400)


@login_required
@require_POST
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_decidable_by(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.plan_decide(
                plan=plan,
                by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except services.PlanError as error:
            form_errors(form, error)
        else:
            return redirect("coaching:plan", pk=plan.pk)
    return _detail(request, pk, decision_form=form, status=400)
