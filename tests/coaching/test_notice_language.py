"""Each plan e-mail is entirely in its recipient's language, in English and in German."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from coaching import notices
from coaching.models import NoticeKind, PlanNotice

pytestmark = pytest.mark.django_db

# Words that give a language away (whole words; names of stores and people are neither).
ENGLISH = re.compile(
    r"\b(the|of|your|action|week|focus|owner|due|date|open|review|accepted|returned|overdue|note)\b", re.I
)
GERMAN = re.compile(
    r"\b(der|die|des|den|und|Ihr|Ihre|Woche|Schwerpunkt|verantwortlich|fällig|öffnen|Maßnahmenplan|Notiz)\b", re.I
)


URL = re.compile(r"https?://\S+")


def english_words(text: str) -> list[str]:
    return ENGLISH.findall(URL.sub("", text))


def german_words(text: str) -> list[str]:
    return GERMAN.findall(URL.sub("", text))


@pytest.mark.parametrize("kind", list(NoticeKind.values))
@pytest.mark.parametrize("language", ["en", "de"])
def test_a_plan_email_is_entirely_in_the_recipients_language(submitted_plan, plan_manager, kind, language):
    plan_manager.language = language
    plan_manager.save()
    submitted_plan.supervisor_note = "OK"
    submitted_plan.save()
    notice = PlanNotice.objects.create(plan=submitted_plan, kind=kind, recipient=plan_manager)
    notices.deliver(notice.pk)
    [message] = mail.outbox
    for text in (message.subject, message.body, message.alternatives[0][0]):
        if language == "en":
            assert german_words(text) == [], text
            assert english_words(text), text
        else:
            assert english_words(text) == [], text
            assert german_words(text), text
