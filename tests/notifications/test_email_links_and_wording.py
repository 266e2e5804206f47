"""Every e-mail links to the site's configured address (SITE_URL), whatever kind it is; and what a
shopper observes is named a staff contact, in English and German, never a customer."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from coaching import notices
from coaching.models import ActionPlan, NoticeKind, PlanNotice, Reason
from notifications import emails
from notifications.models import ReportDelivery, ReportKind, VisitAlert
from observations.models import Visit
from planning.emails import assignment_message
from planning.models import Assignment, MailKind, Wave
from reports.wording import _label
from stores.emails import set_password_message
from webhooks.handlers import message as disabled_notice_message
from webhooks.models import DisabledNotice, Endpoint

pytestmark = pytest.mark.django_db

SITE = "https://oasis.retail-chain.example:8443"
LINK = re.compile(r"""https?://[^\s"'<>]+""")
W47 = dt.date(2026, 11, 16)


RECEIVER = "https://bi.retail-chain.example/hook"  # a webhook receiver's own address, named, not linked


def links_of(message) -> list[str]:
    """The links into the product (the disabled webhook's e-mail also names its receiver's address)."""
    parts = [message.body, *(content for content, _type in getattr(message, "alternatives", []))]
    return [link for part in parts for link in LINK.findall(part) if not link.startswith(RECEIVER)]


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def every_email(store, manager, supervisor, head_office, shopper, last_week_visits):
    for person in (manager, supervisor, head_office, shopper):
        person.email = f"{person.username}@example.com"
        person.save()
    plan = ActionPlan.objects.create(store=store, week_start=W47, reason=Reason.DESERT, focus="smile")
    wave = Wave(name="Spring wave", starts_on=W47, ends_on=W47 + dt.timedelta(days=13))
    assignment = Assignment(
        wave=wave,
        store=store,
        shopper=shopper,
        window_start=W47,
        window_end=W47 + dt.timedelta(days=6),
        day_type="weekday",
        time_of_day="morning",
    )
    endpoint = Endpoint.objects.create(name="BI", url=RECEIVER, disabled_reason="timeout")
    return {
        "weekly report": lambda: emails.report_message(
            ReportDelivery(kind=ReportKind.STORE_WEEKLY, store=store, week_start=W47, recipient=manager)
        ),
        "branch digest": lambda: emails.report_message(
            ReportDelivery(kind=ReportKind.BRANCH_DIGEST, week_start=W47, recipient=head_office)
        ),
        "low-score alert": lambda: emails.alert_message(
            VisitAlert(visit=Visit.objects.order_by("pk").first(), recipient=supervisor)
        ),
        "action plan notice": lambda: notices.message(PlanNotice(plan=plan, kind=NoticeKind.OPENED, recipient=manager)),
        "assignment": lambda: assignment_message(assignment=assignment, kind=MailKind.OFFER, recipient=shopper),
        "webhook disabled": lambda: disabled_notice_message(
            DisabledNotice(
                endpoint=endpoint, disabled_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC), recipient=head_office
            )
        ),
        "set password": lambda: set_password_message(manager),
    }


@pytest.fixture
def last_week_visits(store, shopper):
    from ..factories import interaction_input, submit_visit

    started = dt.datetime.combine(W47 + dt.timedelta(days=1), dt.time(11), tzinfo=store.tzinfo)
    submit_visit(
        observer=shopper,
        store=store,
        started_at=started,
        interactions=[interaction_input(smile=1, greeted=False, greeting_seconds=None, greeting_personal=False)],
        now=started + dt.timedelta(hours=1),
    )


KINDS = [
    "weekly report",
    "branch digest",
    "low-score alert",
    "action plan notice",
    "assignment",
    "webhook disabled",
    "set password",
]


@pytest.mark.parametrize("kind", KINDS)
def test_every_link_in_an_email_uses_the_sites_configured_address(site_url, every_email, kind):
    links = links_of(every_email[kind]())
    assert links, f"the {kind} e-mail has no link"
    assert [link for link in links if not link.startswith(SITE + "/")] == []
    assert not any("127.0.0.1" in link or ":8000" in link for link in links)


def test_the_webhook_disabled_email_links_the_endpoint_in_the_admin(site_url, every_email):
    [link] = links_of(every_email["webhook disabled"]())
    assert link.startswith(SITE + "/admin/webhooks/endpoint/")


def test_the_email_kinds_tested_are_every_kind_the_product_sends():
    from notifications.metrics import delivery_models

    recorded = {model._meta.model_name for model in delivery_models()}
    # report e-mails (store report and digest), alerts, plan notices, assignment mails,
    # set-password mails, webhook-disabled notices: one test kind (or two) for each record.
    assert recorded <= {
        "reportdelivery",
        "visitalert",
        "plannotice",
        "assignmentmail",
        "setpasswordmail",
        "disablednotice",
    }


@pytest.mark.parametrize(("language", "words"), [("en", "1 staff contact"), ("de", "1 Personalkontakt")])
def test_the_alert_counts_staff_contacts_and_the_managers_weekly_report_none(
    every_email, supervisor, manager, language, words
):
    for person in (supervisor, manager):
        person.language = language
        person.save()
    alert, weekly = every_email["low-score alert"](), every_email["weekly report"]()
    assert words in alert.body and words in alert.alternatives[0][0]
    # a store manager reads no count of staff contacts (reports.manager_view)
    assert words not in weekly.body and words not in weekly.alternatives[0][0]
    for message in (alert, weekly):
        assert "customer" not in message.body and "Kunde" not in message.body


def test_the_german_hovering_rate_names_staff_contacts_not_customers():
    with translation.override("de"):
        label = _label("hovering_rate")
    assert "Personalkontakte" in label and "Kunde" not in label


def catalogs() -> list[Path]:
    root = Path(django_settings.BASE_DIR)
    return [*sorted(root.glob("*/locale/de/LC_MESSAGES/django.mo")), root / "locale/de/LC_MESSAGES/django.mo"]


def test_german_says_customer_only_where_english_does():
    """A "Kunde" in German is a real customer of the store (the coaching advice: "greet every
    customer"); what a shopper observed is a staff contact in both languages."""
    found = []
    for path in catalogs():
        with path.open("rb") as file:
            catalog = gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
        for msgid, msgstr in catalog.items():
            english = msgid[0] if isinstance(msgid, tuple) else msgid
            if "Kunde" in msgstr and "customer" not in english.lower():
                found.append((path.parts[-5], english, msgstr))
            if "customer contact" in english:
                found.append((path.parts[-5], english, msgstr))
    assert found == []
