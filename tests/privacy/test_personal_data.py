"""One download and one erasure of a person's data, asking every app what it holds about them
(`core.personal_data`), tried on a person with a row in every app."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone

from api.tokens import device_token_issue
from coaching.models import ActionPlan, NoticeKind, PlanNotice, Reason
from core.personal_data import holders, personal_data_erase, personal_data_export
from notifications.models import ReportDelivery, ReportKind, SetPasswordMail, VisitAlert
from observations.models import ReviewAction, ReviewDecision, Visit, VisitStatus
from observations.review import question_answer, visit_ask_question
from photos.models import Photo
from photos.services import photo_attach
from planning.models import (
    Assignment,
    AssignmentDecline,
    AssignmentMail,
    DayType,
    MailKind,
    ShopperCapacity,
    TimeOfDay,
    Wave,
)
from sso.models import Identity
from stores.models import ImportJob, User
from webhooks.models import DisabledNotice, Endpoint

from ..factories import UserFactory, submit_visit
from ..photos.conftest import jpeg
from ..planning.conftest import WAVE_START, make_wave

pytestmark = pytest.mark.django_db

# Who changed a row (the audit trail's author) and the admin's log stay with the record of the change.
AUDIT_AUTHORS = {"admin.LogEntry.user"}


@pytest.fixture
def person(store):
    return UserFactory(
        username="shopper-lena",
        first_name="Lena",
        last_name="Fischbach",
        email="lena.fischbach@shoppers.example",
        role="shopper",
        stores=[store],
    )


@pytest.fixture
def everywhere(settings, tmp_path, person, supervisor, head_office, store):
    """The person has a row in every app that holds something about people."""
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    visit = submit_visit(observer=person, store=store, latitude=52.52, longitude=13.40, location_accuracy_m=8.0)
    question = visit_ask_question(visit=visit, reviewer=supervisor, question="Which till was it?")
    question_answer(question=question, shopper=person, answer="The second one, by the exit.")
    other = submit_visit(observer=supervisor, store=store, minutes=30)
    Visit.objects.filter(pk=other.pk).update(status=VisitStatus.APPROVED, reviewed_by=person, reviewed_at=now)
    ReviewDecision.objects.create(
        visit=other, action=ReviewAction.APPROVE, decided_by=person, decided_at=now, previous_status="submitted"
    )
    photo_attach(uploader=person, visit=visit, photo_id=uuid.uuid4(), data=jpeg(320, 240))
    wave = make_wave(head_office, stores=[store])
    Wave.objects.filter(pk=wave.pk).update(created_by=person)
    assignment = Assignment.objects.create(
        wave=wave,
        store=store,
        shopper=person,
        window_start=WAVE_START,
        window_end=WAVE_START + dt.timedelta(days=4),
        day_type=DayType.WEEKDAY,
        time_of_day=TimeOfDay.MORNING,
    )
    AssignmentDecline.objects.create(assignment=assignment, shopper=person, reason="On holiday that week.")
    ShopperCapacity.objects.create(shopper=person, visits_per_week=3)
    AssignmentMail.objects.create(assignment=assignment, kind=MailKind.REMINDER, recipient=person)
    plan = ActionPlan.objects.create(
        store=store, week_start=visit.week_start, reason=Reason.DESERT, focus="smile", submitted_by=person,
        submitted_at=now,
    )  # fmt: skip
    PlanNotice.objects.create(plan=plan, kind=NoticeKind.OPENED, recipient=person)
    ReportDelivery.objects.create(
        kind=ReportKind.STORE_WEEKLY, store=store, week_start=visit.week_start, recipient=person
    )
    VisitAlert.objects.create(visit=other, recipient=person)
    SetPasswordMail.objects.create(invite=uuid.uuid4(), recipient=person)
    device_token_issue(user=person, device="Lena's phone")
    Identity.objects.create(user=person, issuer="https://login.company.example", subject="lena-0042")
    endpoint = Endpoint.objects.create(name="BI import", url="https://bi.company.example/hooks", enabled=False)
    DisabledNotice.objects.create(endpoint=endpoint, disabled_at=now, recipient=person)
    ImportJob.objects.create(model="store", file_format="csv", file_name="stores.csv", started_by=person)
    return visit


def figures() -> list[dict]:
    return list(Visit.objects.values("store__code", "week_start").annotate(n=Count("pk"), soi=Avg("soi")).order_by())


def test_every_relation_to_a_person_is_answered_for_by_an_app():
    covered = {relation for item in holders().values() for relation in item.covers}
    relations = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model is User
    }
    relations = {name for name in relations if not name.endswith(".history_user")} - AUDIT_AUTHORS
    assert relations - covered == set()  # a new table about people: register what it holds
    assert covered - relations == set()


def test_the_download_holds_what_every_app_holds_about_the_person(client, person, everywhere):
    client.force_login(person)
    data = json.loads(client.get(reverse("my-data")).content)

    assert data["user"]["email"] == "lena.fischbach@shoppers.example"
    assert [name for name in holders() if not data[name]] == []  # something from every app
    assert data["visits"][0]["latitude"] == 52.52
    assert data["questions"][0]["answer"] == "The second one, by the exit."
    assert data["review_decisions"][0]["action"] == "approve"
    assert data["assignment_declines"][0]["reason"] == "On holiday that week."
    assert data["weekly_capacity"] == 3
    assert data["devices"][0]["device"] == "Lena's phone"
    assert data["sign_in_identities"][0]["subject"] == "lena-0042"
    assert [photo["width"] for photo in data["photos"]] == [320]


def test_erasure_removes_what_identifies_locates_or_contacts_the_person_and_keeps_the_figures(
    person, store, everywhere
):
    before = figures()
    photo_file = Photo.objects.get(uploaded_by=person).image
    storage, name = photo_file.storage, photo_file.name

    personal_data_erase(user=person)

    person.refresh_from_db()
    data = personal_data_export(person)
    text = json.dumps(data, cls=DjangoJSONEncoder)
    for secret in ("shopper-lena", "Lena", "Fischbach", "lena.fischbach@", "lena-0042", "On holiday"):
        assert secret not in text
    assert not person.is_active and not person.has_usable_password()
    assert [(v["latitude"], v["longitude"], v["location_accuracy_m"]) for v in data["visits"]] == [(None, None, None)]
    assert not Visit.history.filter(observer=person, latitude__isnull=False).exists()
    assert not storage.exists(name)
    erased = {
        "photos", "assignment_declines", "weekly_capacity", "assignment_emails", "plan_emails",
        "report_emails", "alert_emails", "devices", "sign_in_identities", "webhook_emails",
    }  # fmt: skip
    assert {name for name in erased if data[name]} == set()
    # what the figures and the audit rest on stays, attributed to the anonymous account
    assert figures() == before
    assert len(data["visits"]) == 1 and len(data["review_decisions"]) == 1 and len(data["assignments"]) == 1
    assert len(data["action_plans"]) == 1


def test_the_erasure_command_names_the_person_and_says_what_went(person, everywhere, capsys):
    call_command("erase_person", "shopper-lena")
    out = capsys.readouterr().out
    assert f"shopper-lena is now departed-{person.pk}" in out
    assert "photos 1" in out and "devices 1" in out
    assert not User.objects.filter(username="shopper-lena").exists()


def test_head_office_erases_a_person_from_the_admin(client, head_office, person, everywhere):
    head_office.is_staff = head_office.is_superuser = True
    head_office.save()
    client.force_login(head_office)
    response = client.post(
        reverse("admin:stores_user_changelist"),
        {"action": "erase_personal_data", "_selected_action": [person.pk]},
        follow=True,
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.username == f"departed-{person.pk}"
    assert not Identity.objects.filter(user=person).exists()
