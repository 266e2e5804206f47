"""The review's audit trail: decisions on visits, and questions to shoppers with their answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from observations.limits import NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH

from .visits import Visit, VisitStatus


class ReviewAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    UNDO = "undo", _("Decision undone")


class ReviewDecision(models.Model):
    """One decision on a visit, in order: the audit trail of reviews. It keeps what the decision
    replaced, so that an undo restores exactly that, and says when it overrode someone else's."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("visit"))
    action = models.CharField(_("action"), max_length=10, choices=ReviewAction.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    overrides = models.BooleanField(_("overrides another reviewer's decision"), default=False)
    # Decisions taken together (bulk approval) are undone together.
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True)
    undone = models.BooleanField(_("undone"), default=False)
    previous_status = models.CharField(_("status before"), max_length=20, choices=VisitStatus.choices)
    previous_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by before"),
    )
    previous_reviewed_at = models.DateTimeField(_("reviewed at before"), null=True, blank=True)
    previous_review_note = models.TextField(_("review note before"), blank=True, max_length=NOTE_MAX_LENGTH)
    # The text managers read before the decision: a rejection clears it, and its undo puts it back.
    previous_reviewed_notes = models.TextField(
        _("notes as reviewed before"), blank=True, max_length=NOTE_MAX_LENGTH, default=""
    )
    # {position: text} of the visit's interactions, as managers read them before the decision.
    previous_interaction_notes = models.JSONField(_("interaction notes as reviewed before"), default=dict, blank=True)

    class Meta:
        ordering = ["visit", "decided_at", "pk"]
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        indexes = [models.Index(fields=["visit", "decided_at"], name="decision_visit_at")]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=ReviewAction.values), name="decision_action_valid"),
            models.CheckConstraint(
                condition=Q(overrides=False) | ~Q(note=""),
                name="decision_override_has_note",
                violation_error_message=_("An override needs a note saying why."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.decided_at:%Y-%m-%d %H:%M}"


class VisitQuestion(models.Model):
    """A reviewer's question about a visit, sent back to the shopper, and the shopper's answer.
    The visit waits (still submitted) until it is answered."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="questions", verbose_name=_("visit"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    asked_at = models.DateTimeField(_("asked at"))
    question = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    answer = models.TextField(_("answer"), blank=True, max_length=NOTE_MAX_LENGTH)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["visit", "asked_at"]
        verbose_name = _("question to the shopper")
        verbose_name_plural = _("questions to shoppers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(question=""),
                name="question_not_empty",
                violation_error_message=_("The question must not be empty."),
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answer="") | Q(answered_at__isnull=False) & ~Q(answer=""),
                name="question_answer_with_time",
                violation_error_message=_("An answer needs its text and the time it was given."),
            ),
            # One open question per visit: the shopper answers one thing at a time.
            models.UniqueConstraint(
                fields=["visit"], condition=Q(answered_at__isnull=True), name="question_one_open_per_visit"
            ),
        ]

    def __str__(self) -> str:
        return self.question[:60]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
