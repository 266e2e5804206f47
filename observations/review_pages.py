"""The desktop review queue: filter, decide one by one or approve the unflagged ones together,
undo within five minutes, send a visit back with a question. Thin: parse the form, call the
review services, say what happened."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from stores.models import Region, Role
from stores.selectors import stores_visible_to

from .limits import NOTE_MAX_LENGTH
from .plausibility import FLAG_LABELS, flag_description
from .review import (
    UNDO_WINDOW,
    ReviewConflict,
    ReviewNotAllowed,
    SelfReview,
    review_undo,
    visit_ask_question,
    visit_review,
    visits_approve_unflagged,
)
from .selectors import QueueFilters, review_queue_for, visits_reviewable_by
from .services import VisitInvalid

PAGE_SIZE = 50
UNDO_SESSION_KEY = "review-undo"
AGE_CHOICES = [
    ("", gettext_lazy("any age")),
    ("1", gettext_lazy("waiting 1 day or more")),
    ("3", gettext_lazy("waiting 3 days or more")),
    ("7", gettext_lazy("waiting 7 days or more")),
]


class QueueFilterForm(forms.Form):
    store = forms.ChoiceField(label=gettext_lazy("Store"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    flag = forms.ChoiceField(label=gettext_lazy("Flag"), required=False)
    age = forms.ChoiceField(label=gettext_lazy("Age"), required=False, choices=AGE_CHOICES)

    def __init__(self, data, *, user):
        super().__init__(data)
        stores = stores_visible_to(user).order_by("code")
        self.fields["store"].choices = [("", _("all stores"))] + [(s.code, str(s)) for s in stores]
        regions = Region.objects.order_by("code")
        if user.role != Role.HEAD_OFFICE:
            regions = regions.filter(supervisors=user)
        self.fields["region"].choices = [("", _("all regions"))] + [(r.code, str(r)) for r in regions]
        self.fields["flag"].choices = [
            ("", _("flagged or not")),
            ("flagged", _("flagged")),
            ("unflagged", _("not flagged")),
            *((code, str(label)) for code, label in FLAG_LABELS.items()),
        ]

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            store=data["store"], region=data["region"], flag=data["flag"], min_age_days=int(data["age"] or 0) or None
        )


def _require_reviewer(request: HttpRequest) -> None:
    if request.user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
        raise PermissionDenied


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the queue with the filters the reviewer had set."""
    query = request.POST.get("query", "")
    return redirect(reverse("review:queue") + (f"?{query}" if query else ""))


def _offer_undo(request: HttpRequest, *, batch: uuid.UUID | None = None, visit_id: str | None = None) -> None:
    until = timezone.now() + UNDO_WINDOW
    request.session[UNDO_SESSION_KEY] = {
        "batch": str(batch) if batch else None,
        "visit": visit_id,
        "until": until.isoformat(),
    }


def _undo_offer(request: HttpRequest) -> dict | None:
    offer = request.session.get(UNDO_SESSION_KEY)
    if offer and dt.datetime.fromisoformat(offer["until"]) > timezone.now():
        return offer
    return None


class DecisionNoteForm(forms.Form):
    """The note (or question) of one visit's decision, bound only to say what was wrong with it: the
    queue shows it in the error summary and at that visit's box (whose id is note-<visit>)."""

    note = forms.CharField(required=False, widget=forms.Textarea)

    def __init__(self, *, visit_id, action: str, note: str, errors: dict):
        super().__init__({"note": note}, auto_id=f"%s-{visit_id}")
        self.fields["note"].label = _("Question") if action == "question" else _("Note")
        self.full_clean()
        for message in errors.values():
            self.add_error("note", message)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    return _queue_page(request, request.GET)


def _queue_page(
    request: HttpRequest, params: QueryDict, *, refused: DecisionNoteForm | None = None, refused_visit=None
) -> HttpResponse:
    """The queue with the filters in params; after a refused decision (400) with what was wrong at
    the top and at the visit's note, which keeps what was typed."""
    form = QueueFilterForm(params or None, user=request.user)
    visits = (
        review_queue_for(request.user, form.filters())
        .select_related("store", "observer")
        .prefetch_related("questions", "photos")
    )
    # A page number that is not one shows the nearest page, never an error.
    page = Paginator(visits, PAGE_SIZE).get_page(params.get("page"))
    rows = [(visit, [flag_description(flag) for flag in visit.flags]) for visit in page.object_list]
    kept = {key: value for key, value in params.items() if value and key not in ("page", "tick")}
    query = urlencode({**kept, "page": page.number} if page.number > 1 else kept)
    # Links name the queue itself: a refused decision shows the queue at the decision's address.
    base = reverse("review:queue")

    def page_link(number: int) -> str:
        return base + "?" + urlencode({**kept, "page": number})

    # Nothing is ticked for the reviewer: "select all unflagged" ticks this page's unflagged visits.
    tick_unflagged = params.get("tick") == "unflagged"
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "rows": rows,
            "count": page.paginator.count,
            "page": page,
            "previous_page": page_link(page.previous_page_number()) if page.has_previous() else None,
            "next_page": page_link(page.next_page_number()) if page.has_next() else None,
            "query": query,
            "tick_link": base + "?" + urlencode({**kept, "page": page.number, "tick": "unflagged"}),
            "untick_link": base + "?" + urlencode({**kept, "page": page.number}),
            "tick_unflagged": tick_unflagged,
            "undo": _undo_offer(request),
            "note_max_length": NOTE_MAX_LENGTH,
            "unflagged_shown": sum(1 for visit, flags in rows if not flags and not visit.waiting_for_shopper),
            "refused": refused,
            "refused_visit": refused_visit,
        },
        status=400 if refused else 200,
    )


def _say_refusal(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, VisitInvalid):
        messages.error(request, " ".join(f"{field.capitalize()}: {message}" for field, message in error.errors.items()))
    elif isinstance(error, SelfReview):
        messages.error(request, _("Nobody reviews their own visit."))
    elif isinstance(error, ReviewConflict):
        messages.error(request, error.message)
    else:
        messages.error(request, _("You may not review this visit."))


@login_required
@require_POST
def decide(request: HttpRequest, visit_id: str) -> HttpResponse:
    _require_reviewer(request)
    visit = get_object_or_404(visits_reviewable_by(request.user), pk=visit_id)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    try:
        if action == "question":
            visit_ask_question(visit=visit, reviewer=request.user, question=note)
            messages.success(request, _("The visit went back to the shopper with your question."))
        else:
            visit_review(
                visit=visit,
                reviewer=request.user,
                decision=action,
                note=note,
                override=request.POST.get("override") == "1",
            )
            _offer_undo(request, visit_id=str(visit.pk))
            messages.success(request, _("Visit approved.") if action == "approve" else _("Visit rejected."))
    except VisitInvalid as error:
        # What was wrong with the note, where the reviewer is: the queue again, the note kept.
        refused = DecisionNoteForm(visit_id=visit.pk, action=action, note=note, errors=error.errors)
        return _queue_page(request, QueryDict(request.POST.get("query", "")), refused=refused, refused_visit=visit.pk)
    except (ReviewNotAllowed, ReviewConflict) as error:
        _say_refusal(request, error)
    return _back(request)


@login_required
@require_POST
def approve_unflagged(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    wanted = request.POST.getlist("visit")
    try:
        wanted_ids = [uuid.UUID(value) for value in wanted]
    except ValueError:
        return HttpResponseBadRequest(_("visit: must be a visit id."), content_type="text/plain; charset=utf-8")
    visits = list(visits_reviewable_by(request.user).filter(pk__in=wanted_ids)) if wanted_ids else []
    batch, approved = visits_approve_unflagged(visits=visits, reviewer=request.user)
    left = len(wanted) - len(approved)
    if approved:
        _offer_undo(request, batch=batch)
    messages.success(
        request, ngettext("%(n)d visit approved.", "%(n)d visits approved.", len(approved)) % {"n": len(approved)}
    )
    if left:
        messages.warning(
            request,
            ngettext(
                "%(n)d visit left as it was (flagged, waiting for the shopper, or yours).",
                "%(n)d visits left as they were (flagged, waiting for the shopper, or yours).",
                left,
            )
            % {"n": left},
        )
    return _back(request)


@login_required
@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    offer = _undo_offer(request)
    request.session.pop(UNDO_SESSION_KEY, None)
    if offer is None:
        messages.error(request, _("A decision can only be undone within five minutes."))
        return _back(request)
    try:
        if offer["batch"]:
            undone = review_undo(reviewer=request.user, batch=uuid.UUID(offer["batch"]))
        else:
            visit = get_object_or_404(visits_reviewable_by(request.user), pk=offer["visit"])
            undone = review_undo(reviewer=request.user, visit=visit)
        messages.success(
            request, ngettext("%(n)d decision undone.", "%(n)d decisions undone.", len(undone)) % {"n": len(undone)}
        )
    except (VisitInvalid, ReviewNotAllowed, ReviewConflict) as error:
        _say_refusal(request, error)
    return _back(request)
