"""E-mails to a shopper about their assignment, in their language. They name the store, the
window and the time of day, and go to the assignment's shopper only."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from stores.models import User

from .models import Assignment, MailKind


def assignment_message(*, assignment: Assignment, kind: str, recipient: User) -> EmailMultiAlternatives:
    with translation.override(recipient.language):
        subjects = {
            MailKind.REMINDER: _("Reminder: your visit to %(store)s is due by %(day)s"),
            MailKind.OVERDUE: _("Your visit to %(store)s is overdue"),
            MailKind.OFFER: _("New assignment: %(store)s"),
        }
        values = {"store": assignment.store.name, "day": assignment.window_end.strftime("%d.%m.%Y")}
        context = {
            "assignment": assignment,
            "kind": kind,
            "recipient": recipient,
            "link": settings.SITE_URL + reverse("mobile:app"),
        }
        text = render_to_string("planning/emails/assignment.txt", context)
        message = EmailMultiAlternatives(subject=subjects[kind] % values, body=text, to=[recipient.email])
    return message
