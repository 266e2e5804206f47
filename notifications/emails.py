"""The e-mails, rendered in the recipient's language from the same report functions the web pages
use, so the figures match. No e-mail names an observer."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from observations import scoring
from reports.branches import BranchReport, branch_report
from reports.paper import store_report_pdf
from reports.periods import Period, week_label
from reports.publication import Audience, published_at
from reports.store_report import store_weekly_report
from reports.wording import band_label, calls_meaning, describe_changes
from stores.models import Store
from stores.selectors import stores_reportable_to

from .metrics import REPORT_PDFS
from .models import ReportDelivery, ReportKind, VisitAlert

logger = logging.getLogger(__name__)


def _message(*, subject: str, template: str, context: dict, to: str, language: str) -> EmailMultiAlternatives:
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
        message = EmailMultiAlternatives(subject=str(subject), body=text, to=[to])
        message.attach_alternative(html, "text/html")
    return message


def report_message(delivery: ReportDelivery) -> EmailMultiAlternatives:
    recipient = delivery.recipient
    approved_only = settings.OASIS_REPORTS_APPROVED_ONLY
    week = week_label(delivery.week_start)
    with translation.override(recipient.language):
        if delivery.kind == ReportKind.STORE_WEEKLY:
            store: Store = delivery.store
            report = store_weekly_report(
                store=store,
                week_start=delivery.week_start,
                approved_only=approved_only,
                audience=Audience.of(recipient),
            )
            link = settings.SITE_URL + reverse("reports:store", args=[store.code]) + "?" + urlencode({"week": week})
            subject = _("Service Oasis %(week)s: %(store)s") % {"week": week, "store": store.name}
            context = {
                "report": report,
                "link": link,
                "changes": describe_changes(report),
                "calls_meaning": calls_meaning(),
                "store": store,
                "band": band_label(report.figures.band),
            }
            template = "store_weekly"
            pdf = _report_pdf(delivery) if recipient.report_pdf else None
            context["pdf"] = None if pdf is None else bool(pdf)
        else:
            period = Period(first=delivery.week_start, last=delivery.week_start)
            report = branch_report(
                stores=stores_reportable_to(recipient), period=period, approved_only=approved_only, sort="rank"
            )
            link = settings.SITE_URL + reverse("reports:branches") + "?" + urlencode({"week": week})
            subject = _("Service Oasis %(week)s: branch comparison") % {"week": week}
            # As on the branch page: a week not yet published in a store's own time zone is still in
            # progress there (the digest goes out at 07:00 head office time, before the west's).
            now = timezone.now()
            running = {
                row.store.pk for row in report.stores if now < published_at(delivery.week_start, row.store.tzinfo)
            }
            context = {
                "report": report,
                "link": link,
                "week": week,
                "top": report.stores[:5],
                "bottom": _bottom(report),
                "in_progress": running,
                "in_progress_names": sorted(row.store.name for row in report.stores if row.store.pk in running),
            }
            template = "branch_digest"
            pdf = None
        message = _message(
            subject=subject, template=template, context=context, to=recipient.email, language=recipient.language
        )
    if pdf:
        message.attach(f"service-oasis-{delivery.store.code}-{week}.pdf", pdf, "application/pdf")
    return message


def _report_pdf(delivery: ReportDelivery) -> bytes:
    """The store report's PDF for the e-mail, as its recipient downloads it from the page; empty when
    it cannot be had. A PDF that fails or is too large never holds the e-mail back: the e-mail goes
    out on Monday morning without it (and says so), the PDF stays one click away on the page, and
    the operator sees the failure in the log and in `oasis_report_pdf_attachments_total`. Retrying
    would delay the whole e-mail for what is almost always a failure that happens again.

    It is rendered while the e-mail is made, before deliver_once claims the row, so however long a
    render takes, it cannot let a second sender take the row over and send the e-mail twice. The
    log line and the counter therefore count renders: a sender that loses the claim to another
    drops its e-mail after counting (rare: two senders of one row at once)."""
    try:
        pdf = store_report_pdf(user=delivery.recipient, store=delivery.store, week_start=delivery.week_start)
    except Exception:
        logger.exception(
            "report e-mail %s: the PDF of %s %s failed; sent without it",
            delivery.pk,
            delivery.store.code,
            delivery.week_start,
        )
        REPORT_PDFS.labels(outcome="failed").inc()
        return b""
    if len(pdf) > settings.OASIS_REPORT_PDF_MAX_BYTES:
        logger.warning(
            "report e-mail %s: the PDF of %s %s has %d bytes, over OASIS_REPORT_PDF_MAX_BYTES; sent without it",
            delivery.pk,
            delivery.store.code,
            delivery.week_start,
            len(pdf),
        )
        REPORT_PDFS.labels(outcome="too_large").inc()
        return b""
    REPORT_PDFS.labels(outcome="attached").inc()
    return pdf


def _bottom(report: BranchReport) -> list:
    ranked = [row for row in report.stores if row.rank is not None]
    return sorted(ranked, key=lambda row: row.rank)[-5:][::-1] if len(ranked) > 5 else []


def alert_message(alert: VisitAlert) -> EmailMultiAlternatives:
    visit = alert.visit
    recipient = alert.recipient
    with translation.override(recipient.language):
        subject = _("Service Oasis alert: %(store)s scored %(soi)s") % {
            "store": visit.store.name,
            "soi": number_format(scoring.round1(visit.soi), 1),
        }
        link = (
            settings.SITE_URL
            + reverse("reports:store", args=[visit.store.code])
            + "?"
            + urlencode({"week": week_label(visit.week_start)})
        )
        context = {"visit": visit, "store": visit.store, "link": link, "threshold": settings.OASIS_ALERT_SOI_BELOW}
        return _message(
            subject=subject, template="visit_alert", context=context, to=recipient.email, language=recipient.language
        )
