"""The store report on paper away from a browser (the weekly e-mail's attachment, made by a worker):
the very page a person downloads with "PDF", rendered for them by the page's own view.

Going through the view, not beside it, keeps everything the page decides: the person's scope (a
manager's own stores), the publication bound (a manager gets published weeks only), the figures and
their rounding, and the language, which is the person's own."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import translation

from stores.models import Store, User

from . import views
from .periods import week_label


class ReportPdfUnavailable(Exception):
    """The page did not give a PDF (the week is not published for this person, or the store is
    not theirs any more)."""


def store_report_pdf(*, user: User, store: Store, week_start) -> bytes:
    """The PDF of `store`'s report of the week starting `week_start`, as `user` downloads it from the
    page (`?week=...&format=pdf`), in `user`'s language."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("reports:store", args=[store.code])
    request.GET = QueryDict(urlencode({"week": week_label(week_start), "format": "pdf"}))
    request.user = user
    with translation.override(user.language):
        request.LANGUAGE_CODE = translation.get_language()
        response = views.store_report(request, code=store.code)
    if response.status_code != 200 or response.get("Content-Type") != "application/pdf":
        raise ReportPdfUnavailable(f"the report page answered {response.status_code} {response.get('Content-Type')}")
    return response.content
