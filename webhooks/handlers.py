"""What the webhooks app does through the outbox: an action plan's state change (announced by
coaching) becomes an event, and the e-mail that an endpoint was disabled is sent once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coaching.events import PLAN_STATE_CHANGED
from coaching.models import ActionPlan
from core import outbox
from notifications.services import DeliveryFailed, deliver_once
from stores.models import Role

from .delivery import DISABLED_NOTICE
from .events import action_plan_data, emit
from .models import DisabledNotice, EventType

PLAN_EVENT = "webhook_action_plan_event"


@outbox.subscriber(PLAN_STATE_CHANGED)
def _plan_changed(payload: dict) -> list[outbox.Work]:
    # Each transition is its own work: the key names plan, round and state.
    return [outbox.Work(PLAN_EVENT, f"{payload['plan']}:{payload['round']}:{payload['state']}", payload)]


@outbox.handler(PLAN_EVENT)
def _plan_event(payload: dict) -> None:
    plan = ActionPlan.objects.select_related("store__region").filter(pk=payload["plan"]).first()
    if plan is None:
        return
    emit(
        EventType.ACTION_PLAN_STATE_CHANGED,
        stream=plan.store.code,
        data=action_plan_data(plan, state=payload["state"], round_=payload["round"]),
    )


@outbox.handler(DISABLED_NOTICE, transactional=False)
def _send_disabled_notice(payload: dict) -> bool:
    try:
        deliver_once(
            DisabledNotice.objects.filter(pk=payload["notice"]).select_related("endpoint", "recipient"),
            message,
            still_wanted=lambda notice: notice.recipient.role == Role.HEAD_OFFICE,
        )
    except DeliveryFailed:
        return False
    return True


def message(notice: DisabledNotice) -> EmailMessage:
    endpoint = notice.endpoint
    with translation.override(notice.recipient.language):
        subject = _("Webhook disabled: %(name)s") % {"name": endpoint.name}
        body = _(
            "Service Oasis could not deliver to the webhook endpoint %(name)s (%(url)s) for a long time "
            "and has disabled it. Last error: %(error)s\n\n"
            "Events are kept: once the receiver works again, enable the endpoint in the admin "
            "(Webhooks → Webhook endpoints) and they are delivered in order."
        ) % {"name": endpoint.name, "url": endpoint.url, "error": endpoint.disabled_reason}
        link = settings.SITE_URL + reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])
        body += "\n\n" + _("The endpoint in the admin: %(link)s") % {"link": link}
    return EmailMessage(subject=subject, body=body, to=[notice.recipient.email])
