"""The demo's work in progress, on top of `seed_demo`'s stores, people and visits: action plans in
every state, a published wave with assignments for the demo shopper (some done, some due),
questions to shoppers (one answered), approved visits with reviewed notes, photos in the review
queue; and the scheduled work run once, so that nothing waits for a beat the demo does not start.

Everything goes through the services the product uses, and is keyed so that running it again adds
nothing: the wave is found by name, plans by store and week, questions, notes and photos by counts
of what exists.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from dataclasses import dataclass, field

from django.utils import timezone
from PIL import Image, ImageDraw

from coaching.models import ActionPlan, PlanState
from coaching.selectors import managers_of
from coaching.services import plan_decide, plan_submit, plans_open_for_published_weeks, plans_open_for_week
from core import outbox
from observations.models import ObserverRole, Visit, VisitQuestion, VisitStatus
from observations.review import question_answer, visit_ask_question, visit_review
from observations.services import VisitInput, visit_submit
from photos.models import Photo
from photos.services import photo_attach
from planning.followup import sweep
from planning.models import Assignment, AssignmentStatus, TargetKind, Wave
from planning.services import WaveInput, assignment_link_visit, wave_create, wave_plan, wave_publish
from reports.periods import monday_of
from stores.models import Store, User
from stores.selectors import supervisors_of

from . import visits as visits_demo

NAMESPACE = uuid.UUID("0b6c1a9e-7d4f-4e43-8f58-5b1e0a2d9c37")
WAVE_NAME = "Demo wave"
PLAN_WEEKS = 8  # weeks back whose plans the demo opens (the beat opens each week's as it is published)
PLAN_STATES = [PlanState.ACCEPTED, PlanState.RETURNED, PlanState.SUBMITTED, PlanState.OPEN]
NOTES_PER_STORE = 2
QUESTIONS = [
    ("Which counter did you ask at: the one by the entrance or the one upstairs?", "The one upstairs, by the lifts."),
    ("You note a long wait: roughly how many customers were waiting with you?", ""),
]
PHOTOS = 3


@dataclass
class Done:
    plans_opened: int = 0
    plans_moved: dict[str, int] = field(default_factory=dict)
    wave: str = ""
    assignments_done: int = 0
    questions: int = 0
    notes_approved: int = 0
    photos: int = 0
    outbox_runs: int = 0

    def lines(self) -> list[str]:
        moved = ", ".join(f"{state} {n}" for state, n in sorted(self.plans_moved.items())) or "none"
        return [
            f"action plans opened: {self.plans_opened}; moved on: {moved}",
            f"wave: {self.wave}; demo shopper's visits recorded for assignments: {self.assignments_done}",
            f"questions asked: {self.questions}; visits approved with reviewed notes: {self.notes_approved}",
            f"photos attached: {self.photos}; follow-up work runs: {self.outbox_runs}",
        ]


def seed_work(*, now: dt.datetime | None = None) -> Done:
    now = now or timezone.now()
    done = Done()
    head = User.objects.get(username="head")
    supervisor = User.objects.get(username="supervisor")
    manager = User.objects.get(username="manager")
    shopper = User.objects.get(username="shopper")
    done.plans_opened = _open_plans(now)
    done.plans_moved = _plans_in_every_state(supervisor=supervisor, manager=manager, now=now)
    done.wave, done.assignments_done = _wave(head=head, shopper=shopper, now=now)
    # After the wave: its visits are among those a second run would otherwise find to approve.
    done.notes_approved = _reviewed_notes(now)
    done.questions = _questions(supervisor=supervisor, shopper=shopper, now=now)
    done.photos = _photos(supervisor=supervisor)
    done.outbox_runs = run_scheduled_work(now=now)
    return done


def run_scheduled_work(*, now: dt.datetime) -> int:
    """What beat would do by now: plans of just-published weeks, overdue assignments and their
    re-offers, and every piece of follow-up work waiting in the outbox."""
    plans_open_for_published_weeks(now)
    sweep(today=timezone.localdate(now))
    runs = 0
    while step := outbox.run():
        runs += step
    return runs


def _open_plans(now: dt.datetime) -> int:
    this_week = monday_of(timezone.localdate(now))
    opened = 0
    for weeks_ago in range(PLAN_WEEKS, 0, -1):
        opened += len(plans_open_for_week(week_start=this_week - dt.timedelta(weeks=weeks_ago), published_by=now))
    return opened


def _plans_in_every_state(*, supervisor: User, manager: User, now: dt.datetime) -> dict[str, int]:
    """Plans of the demo supervisor's region, oldest first, take the states in turn (accepted,
    returned, submitted, open); a plan leaves "open" only once, so a second run moves nothing.
    The demo manager also manages the store of the newest plan left open, so their home has one."""
    plans = list(
        ActionPlan.objects.filter(store__region__in=supervisor.regions.all())
        .select_related("store")
        .order_by("week_start", "store__code")
    )
    moved: dict[str, int] = {}
    today = timezone.localdate(now)
    for index, plan in enumerate(plans):
        target = PLAN_STATES[index % len(PLAN_STATES)]
        if plan.state != PlanState.OPEN or target == PlanState.OPEN:
            continue
        plan = plan_submit(
            plan=plan,
            by=managers_of(plan.store).order_by("username").first() or manager,
            focus=plan.focus,
            second_focus=plan.second_focus,
            actions="Greet every customer within half a minute; a short huddle before opening.",
            owner="Store manager",
            due_date=today + dt.timedelta(weeks=4),
            today=today,
        )
        if target == PlanState.ACCEPTED:
            plan_decide(plan=plan, by=supervisor, accept=True)
        elif target == PlanState.RETURNED:
            plan_decide(plan=plan, by=supervisor, accept=False, note="Please name who runs the huddle.")
        moved[target] = moved.get(target, 0) + 1
    first = (
        ActionPlan.objects.filter(pk__in=[plan.pk for plan in plans], state__in=[PlanState.OPEN, PlanState.RETURNED])
        .order_by("-week_start", "store__code")
        .first()
    )
    if first is not None:
        manager.stores.add(first.store)
    return moved


def _wave(*, head: User, shopper: User, now: dt.datetime) -> tuple[str, int]:
    """A published wave over the demo shopper's stores, from last week's Monday for four weeks (so that
    on any day, a Monday morning too, some of its windows have begun): the assignments of the demo
    shopper whose window has begun are done (a visit recorded and linked), the rest are due. The
    lockout is two weeks: the demo's shoppers visit its stores weekly."""
    wave = Wave.objects.filter(name=WAVE_NAME).first()
    if wave is not None:
        return f"{wave.name} (there already)", 0
    today = timezone.localdate(now)
    starts_on = monday_of(today) - dt.timedelta(weeks=1)
    stores = list(shopper.stores.order_by("code"))
    wave = wave_create(
        by=head,
        data=WaveInput(
            name=WAVE_NAME,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=27),
            store_ids=tuple(store.pk for store in stores),
            target_kind=TargetKind.FIXED,
            fixed_visits=6,
            min_visits=1,
            lockout_days=14,
            brief="Ask for a product in another size or colour and note how the request is handled.",
        ),
    )
    wave_plan(wave=wave, by=head)
    wave_publish(wave=wave, by=head)
    done = 0
    mine = Assignment.objects.filter(wave=wave, shopper=shopper, status=AssignmentStatus.ASSIGNED)
    for assignment in mine.select_related("store").order_by("window_start", "store__code"):
        store = assignment.store
        started = dt.datetime.combine(assignment.window_start, dt.time(11, 0), tzinfo=store.tzinfo)
        if started + dt.timedelta(hours=1) > now or done >= 2:
            continue
        visit = _visit(shopper, store, started, key=f"assignment/{assignment.pk}", now=now)
        if assignment_link_visit(assignment_id=assignment.pk, visit=visit):
            done += 1
    return wave.name, done


def _visit(observer: User, store: Store, started: dt.datetime, *, key: str, now: dt.datetime) -> Visit:
    rng = random.Random(key)
    quality = visits_demo.store_character(store.code).quality(0)
    data = VisitInput(
        id=uuid.uuid5(NAMESPACE, key),
        started_at=started,
        ended_at=started + dt.timedelta(minutes=rng.randint(10, 25)),
        interactions=tuple(visits_demo.interaction(rng, quality, shopper=True) for _ in range(rng.randint(1, 3))),
        notes=rng.choice(visits_demo.NOTES),
    )
    return visit_submit(observer=observer, store=store, data=data, now=started + dt.timedelta(hours=1)).visit


def _waiting_shopper_visits(supervisor: User):
    return (
        Visit.objects.filter(
            store__region__in=supervisor.regions.all(),
            observer_role=ObserverRole.SHOPPER,
            status=VisitStatus.SUBMITTED,
        )
        .exclude(observer=supervisor)
        .select_related("store", "observer")
        .order_by("-submitted_at", "pk")
    )


def _questions(*, supervisor: User, shopper: User, now: dt.datetime) -> int:
    """One answered question (on the supervisor's home) and one open one for the demo shopper."""
    if VisitQuestion.objects.filter(asked_by=supervisor).exists():
        return 0
    asked = 0
    waiting = _waiting_shopper_visits(supervisor).filter(flags=[])
    candidates = [waiting.exclude(observer=shopper).first(), waiting.filter(observer=shopper).first()]
    for visit, (text, answer) in zip(candidates, QUESTIONS, strict=True):
        if visit is None:
            continue
        question = visit_ask_question(visit=visit, reviewer=supervisor, question=text, now=now)
        asked += 1
        if answer:
            question_answer(question=question, shopper=visit.observer, answer=answer, now=now)
    return asked


def _reviewed_notes(now: dt.datetime) -> int:
    """Per store, approve shopper visits with notes until two carry reviewed notes for managers:
    the reviewer's text is the observer's, with the store's staff unnamed."""
    approved = 0
    for store in Store.objects.filter(is_active=True).select_related("region").order_by("code"):
        have = Visit.objects.filter(store=store, status=VisitStatus.APPROVED).exclude(reviewed_notes="").count()
        if have >= NOTES_PER_STORE:
            continue
        reviewer = supervisors_of(store.region_id).order_by("username").first()
        if reviewer is None:
            continue
        candidates = (
            Visit.objects.filter(
                store=store, observer_role=ObserverRole.SHOPPER, status=VisitStatus.SUBMITTED, flags=[]
            )
            .exclude(notes="")
            .exclude(questions__isnull=False)
            .order_by("-started_at", "pk")[: NOTES_PER_STORE - have]
        )
        for visit in candidates:
            visit_review(visit=visit, reviewer=reviewer, decision="approve", reviewed_notes=visit.notes, now=now)
            approved += 1
    return approved


def _photos(*, supervisor: User) -> int:
    """A receipt photo on a few visits of the supervisor's review queue."""
    if Photo.objects.filter(visit__store__region__in=supervisor.regions.all()).exists():
        return 0
    attached = 0
    for visit in _waiting_shopper_visits(supervisor)[:PHOTOS]:
        photo_attach(
            uploader=visit.observer,
            visit=visit,
            photo_id=uuid.uuid5(NAMESPACE, f"photo/{visit.pk}"),
            data=receipt_image(visit.store.name),
        )
        attached += 1
    return attached


def receipt_image(store_name: str) -> bytes:
    """A till receipt as a picture: what shoppers photograph to prove a visit."""
    image = Image.new("RGB", (360, 560), "white")
    draw = ImageDraw.Draw(image)
    lines = [store_name, "", "1 x T-shirt        19.99", "1 x Socks           4.99", "", "TOTAL              24.98"]
    for number, line in enumerate(lines):
        draw.text((24, 32 + 28 * number), line, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
