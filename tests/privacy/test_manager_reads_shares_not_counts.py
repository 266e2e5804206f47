"""The evidence of "what to work on" and the news of rates, as a store manager reads them: shares of
staff contacts on a 5-point step from 5 visits a week on, never "11 of 22" or "1 of 1" (staff keep
the counts), and no rate news the step does not show (reports.manager_view)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from coaching.focus import Evidence, FocusPoint
from coaching.wording import evidence_sentences
from reports.calls import ChangeCall
from reports.manager_view import ManagerView, Share, StaffView
from reports.significance import Difference

from ..factories import interaction_input
from ..reports.conftest import PERFECT, visit

NOT_GREETED = interaction_input(greeted=False, greeting_seconds=None, greeting_personal=False)


@pytest.mark.parametrize(
    ("count", "total", "n_visits", "shown"),
    [
        (11, 22, 5, Share(None, None, 50.0)),
        (11, 22, 4, None),  # too few visits: a share of a handful of contacts
        (1, 4, 9, None),  # too few questions or wishes: "1 of 1 unusual wishes" is a moment
        (1, 40, 9, Share(None, None, 5.0)),  # some is never "about 0 %"
        (39, 40, 9, Share(None, None, 95.0)),  # nor one short of all "about 100 %"
    ],
)
def test_a_manager_reads_a_share_on_the_step_or_nothing(count, total, n_visits, shown):
    assert ManagerView().share(count, total, n_visits=n_visits) == shown
    assert StaffView().share(count, total, n_visits=n_visits) == Share(count, total)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "In about 50 % of staff contacts there was no greeting."),
        ("de", "Bei etwa 50 % der Personalkontakte gab es keine Begrüßung."),
    ],
)
def test_the_evidence_names_a_share_for_a_manager_and_counts_for_staff(language, sentence):
    point = FocusPoint("greeting", 40.0, 20.0, (Evidence("not_greeted", 11, 22),))
    with translation.override(language):
        assert evidence_sentences(point, view=ManagerView(), n_visits=6) == ([sentence], None)
        staff, _note = evidence_sentences(point, view=StaffView(), n_visits=6)
        assert "11" in staff[0] and "22" in staff[0]
        shown, note = evidence_sentences(point, view=ManagerView(), n_visits=2)
        assert shown == [] and "5" in note


def test_a_rate_change_the_step_hides_is_no_news_for_a_manager():
    # 61 % to 64 % meaningful over many visits: on the step both are 60 %
    call = ChangeCall("greeting_rate", Difference(61.0, 64.0, 40, 40, 1.0, 5.0, 0.01, True))
    [shown] = ManagerView().calls([call])
    assert (shown.difference.before, shown.difference.after, shown.tone) == (60.0, 65.0, "good")
    hidden = ChangeCall("greeting_rate", Difference(61.0, 62.4, 40, 40, 0.2, 2.6, 0.04, True))
    [shown] = ManagerView().calls([hidden])
    assert (shown.difference.before, shown.difference.after, shown.tone) == (60.0, 60.0, "steady")
    assert (shown.difference.low, shown.difference.high) == (0.0, 5.0)
    assert StaffView().calls([hidden]) == [hidden]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "de"])
def test_the_store_page_tells_a_manager_shares_and_staff_counts(client, manager, supervisor, store, shopper, language):
    # 5 visits, 10 staff contacts of which 6 without a greeting
    for day in range(9, 14):
        visit(shopper, store, f"2026-03-{day:02d} 10:00", NOT_GREETED, NOT_GREETED if day < 10 else PERFECT)
    visit(shopper, store, "2026-03-13 15:00", NOT_GREETED, NOT_GREETED, NOT_GREETED, NOT_GREETED)
    page = reverse("reports:store", kwargs={"code": "ber-mitte"})
    client.force_login(manager)
    html = client.get(page, {"week": "2026-W11"}, headers={"accept-language": language}).content.decode()
    assert {"en": "In about 70 % of staff contacts", "de": "Bei etwa 70 % der Personalkontakte"}[language] in html
    assert {"en": "of 14 staff contacts", "de": "von 14 Personalkontakten"}[language] not in html
    client.force_login(supervisor)
    html = client.get(page, {"week": "2026-W11"}, headers={"accept-language": language}).content.decode()
    assert {"en": "In 10 of 14 staff contacts", "de": "Bei 10 von 14 Personalkontakten"}[language] in html
