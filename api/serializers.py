"""Request and response bodies of /api/v1/. Validation of cross-field rules is delegated to
`observations.validation`, so the API, the admin and the services apply the same rules."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from observations import scoring
from observations.limits import NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH
from observations.models import (
    MAX_LOCATION_ACCURACY_M,
    MAX_SECONDS,
    OBSERVED_FIELDS,
    Interaction,
    ObserverRole,
    Rubric,
    Visit,
    VisitStatus,
)
from observations.plausibility import FLAG_LABELS, flag_label
from observations.selectors import INTERACTIONS
from observations.services import InteractionInput, VisitInput
from observations.validation import MAX_APPROACHES, MAX_INTERACTIONS
from stores.models import Role, Store, User
from stores.selectors import sees_observers

from .fields import StrictBooleanField, StrictDateTimeField, StrictUUIDField


class ScoresSerializer(serializers.Serializer):
    soi = serializers.FloatField(allow_null=True, help_text="Service Oasis Index 0..100, one decimal")
    greeting = serializers.FloatField(allow_null=True)
    smile = serializers.FloatField(allow_null=True)
    hovering = serializers.FloatField(allow_null=True)
    response = serializers.FloatField(allow_null=True, help_text="null when nothing was asked")


def scores_of(obj) -> dict:
    return {key: scoring.round1(value) for key, value in obj.scores.as_dict().items()}


class StoreSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Store
        fields = ["code", "name", "region", "city", "timezone", "latitude", "longitude"]


class StoreCalendarSerializer(serializers.Serializer):
    """When a store is closed (stores.calendar); the values are checked by the service, which
    names the field of anything the holiday calendar does not know."""

    country = serializers.CharField(max_length=10, help_text="ISO 3166-1 alpha-2, e.g. DE")
    subdivision = serializers.CharField(
        max_length=40, allow_blank=True, help_text="e.g. BY (DE-BY and Bayern are read as BY); empty: nationwide only"
    )
    closed_weekdays = serializers.CharField(
        max_length=20, allow_blank=True, help_text="ISO day numbers, 1 = Monday .. 7 = Sunday, e.g. 6,7"
    )


class MeSerializer(serializers.ModelSerializer):
    stores = serializers.SerializerMethodField()
    can_record_visits = serializers.SerializerMethodField()
    can_review = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "role",
            "language",
            "can_record_visits",
            "can_review",
            "stores",
        ]

    @extend_schema_field(StoreSerializer(many=True))
    def get_stores(self, user: User) -> list[dict]:
        return StoreSerializer(self.context["stores"], many=True).data

    def get_can_record_visits(self, user: User) -> bool:
        return user.role != Role.MANAGER

    def get_can_review(self, user: User) -> bool:
        return user.role in (Role.SUPERVISOR, Role.HEAD_OFFICE)


class RubricSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rubric
        exclude = ["id"]


class InteractionInputSerializer(serializers.Serializer):
    greeted = StrictBooleanField()
    greeting_seconds = serializers.IntegerField(
        min_value=0, max_value=MAX_SECONDS, allow_null=True, required=False, default=None
    )
    greeting_typed = StrictBooleanField(
        required=False, default=False, help_text="greeting_seconds typed by hand rather than measured"
    )
    greeting_personal = StrictBooleanField(required=False, default=False)
    smile = serializers.IntegerField(min_value=1, max_value=5, help_text="1 hostile face .. 5 warm genuine smile")
    unsolicited_approaches = serializers.IntegerField(min_value=0, max_value=MAX_APPROACHES, required=False, default=0)
    followed = StrictBooleanField(required=False, default=False)
    asked = StrictBooleanField(required=False, default=False)
    response_seconds = serializers.IntegerField(
        min_value=0, max_value=MAX_SECONDS, allow_null=True, required=False, default=None
    )
    response_typed = StrictBooleanField(
        required=False, default=False, help_text="response_seconds typed by hand rather than measured"
    )
    response_quality = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False, default=None)
    special_request = StrictBooleanField(required=False, default=False)
    notes = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")


class VisitInputSerializer(serializers.Serializer):
    """A finished visit as the phone sends it. `id` is chosen by the phone and makes retries safe."""

    id = StrictUUIDField()
    owner = serializers.CharField(
        required=False, help_text="user name of who recorded it (a shared phone); must be the authenticated user"
    )
    store = serializers.SlugField(max_length=20, help_text="store code")
    started_at = StrictDateTimeField()
    ended_at = StrictDateTimeField()
    notes = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")
    latitude = serializers.FloatField(min_value=-90, max_value=90, allow_null=True, required=False, default=None)
    longitude = serializers.FloatField(min_value=-180, max_value=180, allow_null=True, required=False, default=None)
    location_accuracy_m = serializers.FloatField(
        min_value=0, max_value=MAX_LOCATION_ACCURACY_M, allow_null=True, required=False, default=None
    )
    interactions = InteractionInputSerializer(many=True, allow_empty=False, max_length=MAX_INTERACTIONS)
    assignment = serializers.IntegerField(
        min_value=1,
        allow_null=True,
        required=False,
        default=None,
        help_text=(
            "optional: the id of the observer's assignment this visit was started from (planning). The visit "
            "is linked to it if it is still the observer's open assignment in that store, else stored unlinked."
        ),
    )

    # The visit's rules (times, counts, lengths, position) are the service's (VisitInput.errors,
    # one definition in observations.validation): checked once, after a replay of a stored visit
    # has had its chance to answer 200.

    @staticmethod
    def input_of(validated: dict) -> tuple[str, VisitInput, int | None]:
        """The store's code (whether the observer may record for it is the service's question:
        a replay of a stored visit may name a store they lost), the visit, and its assignment."""
        data = dict(validated)
        assignment = data.pop("assignment")
        store = data.pop("store")
        data.pop("owner", None)
        interactions = tuple(InteractionInput(**item) for item in data.pop("interactions"))
        return store, VisitInput(interactions=interactions, **data), assignment


class FlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["duration_implausible", "stopwatch_exceeds_visit", "far_from_store", "submitted_late", "repeat_visit"]
    )
    label = serializers.CharField()


# Stored visits are answered with plain serializers, declared field by field: a ModelSerializer
# introspects the model again for every visit it writes out, which was a fifth of a submission's
# time (bench/profile_submission.py). Everything here is output only.
def _int(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(read_only=True, **kwargs)


def _seconds(label: str) -> serializers.IntegerField:
    return _int(allow_null=True, min_value=0, label=label)


class InteractionSerializer(serializers.Serializer):
    position = _int(min_value=1)
    greeted = serializers.BooleanField(read_only=True)
    greeting_seconds = _seconds("Seconds until greeted")
    greeting_typed = serializers.BooleanField(read_only=True, label="Greeting seconds typed, not measured")
    greeting_personal = serializers.BooleanField(read_only=True, label="Personal greeting")
    smile = _int(min_value=1, max_value=5, label="Smile (1–5)")
    unsolicited_approaches = _int(min_value=0)
    followed = serializers.BooleanField(read_only=True, label="Staff followed the customer")
    asked = serializers.BooleanField(read_only=True, label="Customer asked")
    response_seconds = _seconds("Seconds until attended")
    response_typed = StrictBooleanField(read_only=True, label="Response seconds typed, not measured")
    response_quality = _int(allow_null=True, min_value=1, max_value=5, label="Answer quality (1–5)")
    special_request = serializers.BooleanField(read_only=True, label="Unusual request")
    notes = serializers.CharField(read_only=True)
    scores = serializers.SerializerMethodField()

    @extend_schema_field(ScoresSerializer)
    def get_scores(self, interaction: Interaction) -> dict:
        return scores_of(interaction)


# The answer shows every observed field, in the model's order.
assert list(InteractionSerializer._declared_fields) == ["position", *OBSERVED_FIELDS, "scores"]


class VisitSerializer(serializers.Serializer):
    """A stored visit. `observer` and `flags` are shown to supervisors and head office only."""

    id = serializers.UUIDField(read_only=True)
    store = serializers.CharField(source="store.code", read_only=True, help_text="store code")
    observer = serializers.SerializerMethodField()
    observer_role = serializers.ChoiceField(choices=ObserverRole.choices, read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    ended_at = serializers.DateTimeField(read_only=True)
    status = serializers.ChoiceField(choices=VisitStatus.choices, read_only=True)
    notes = serializers.CharField(read_only=True)
    reviewed_notes = serializers.CharField(
        read_only=True, required=False, help_text="supervisors and head office: the notes as managers read them"
    )
    submitted_at = serializers.DateTimeField(read_only=True)
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    review_note = serializers.CharField(read_only=True)
    rubric_version = serializers.IntegerField(source="rubric.version", read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    location_accuracy_m = serializers.FloatField(read_only=True, allow_null=True, label="Location accuracy (m)")
    scores = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()
    # from observations.selectors.with_interactions (or the submission that just wrote them)
    interactions = InteractionSerializer(many=True, read_only=True, source=INTERACTIONS)

    def to_representation(self, visit: Visit) -> dict:
        data = super().to_representation(visit)
        if not self._sees_observers():
            data.pop("observer")
            data.pop("flags")
            data.pop("reviewed_notes")
        return data

    def _sees_observers(self) -> bool:
        request = self.context.get("request")
        return request is not None and sees_observers(request.user)

    @extend_schema_field(ScoresSerializer)
    def get_scores(self, visit: Visit) -> dict:
        return scores_of(visit)

    @extend_schema_field(FlagSerializer(many=True, required=False))
    def get_flags(self, visit: Visit) -> list[dict]:
        return [{**flag, "label": flag_label(flag)} for flag in visit.flags]

    @extend_schema_field(serializers.CharField(required=False, help_text="observer's user name"))
    def get_observer(self, visit: Visit) -> str:
        return visit.observer.username


# The answer to a submission, written out: the dict VisitSerializer gives, field for field and in
# its order (tests/api/test_visit_answer.py compares them), without DRF's per-field machinery,
# which cost about 1 ms of CPU of every submission. VisitSerializer stays the schema's and answers
# the list and detail endpoints.
_MOMENT = serializers.DateTimeField(read_only=True)
_ROLE = serializers.ChoiceField(choices=ObserverRole.choices, read_only=True)
_STATUS = serializers.ChoiceField(choices=VisitStatus.choices, read_only=True)
_INTERACTION_FIELDS: list[tuple[str, type]] = [
    (
        name,
        bool
        if isinstance(field, serializers.BooleanField)
        else int
        if isinstance(field, serializers.IntegerField)
        else str,
    )
    for name, field in InteractionSerializer._declared_fields.items()
    if name != "scores"
]


def _or_none(convert, value):
    return None if value is None else convert(value)


def interaction_answer(interaction: Interaction) -> dict:
    data = {name: _or_none(convert, getattr(interaction, name)) for name, convert in _INTERACTION_FIELDS}
    data["scores"] = scores_of(interaction)
    return data


def visit_answer(visit: Visit, *, sees_observers: bool) -> dict:
    """`VisitSerializer(visit).data` for a reader who does (or does not) see observers."""
    data: dict = {"id": _or_none(str, visit.id), "store": _or_none(str, visit.store.code)}
    if sees_observers:
        data["observer"] = visit.observer.username
    data["observer_role"] = _or_none(_ROLE.to_representation, visit.observer_role)
    data["started_at"] = _or_none(_MOMENT.to_representation, visit.started_at)
    data["ended_at"] = _or_none(_MOMENT.to_representation, visit.ended_at)
    data["status"] = _or_none(_STATUS.to_representation, visit.status)
    data["notes"] = _or_none(str, visit.notes)
    if sees_observers:
        data["reviewed_notes"] = _or_none(str, visit.reviewed_notes)
    data["submitted_at"] = _or_none(_MOMENT.to_representation, visit.submitted_at)
    data["reviewed_at"] = _or_none(_MOMENT.to_representation, visit.reviewed_at)
    data["review_note"] = _or_none(str, visit.review_note)
    data["rubric_version"] = _or_none(int, visit.rubric.version)
    data["latitude"] = _or_none(float, visit.latitude)
    data["longitude"] = _or_none(float, visit.longitude)
    data["location_accuracy_m"] = _or_none(float, visit.location_accuracy_m)
    data["scores"] = scores_of(visit)
    if sees_observers:
        data["flags"] = [{**flag, "label": flag_label(flag)} for flag in visit.flags]
    data["interactions"] = [interaction_answer(interaction) for interaction in getattr(visit, INTERACTIONS)]
    return data


class ReviewedInteractionNotesSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=1)
    notes = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, trim_whitespace=False)


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")
    override = serializers.BooleanField(
        required=False,
        default=False,
        help_text="head office only: replace a decision someone else took (needs a note saying why)",
    )
    reviewed_notes = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        allow_blank=True,
        required=False,
        trim_whitespace=False,
        help_text="when approving: the visit's notes as store managers will read them (default: as written)",
    )
    interactions = ReviewedInteractionNotesSerializer(
        many=True,
        required=False,
        help_text="when approving: interactions' notes as store managers will read them (default: as written)",
    )

    def validate(self, attrs: dict) -> dict:
        if attrs["decision"] == "reject" and not attrs["note"].strip():
            raise serializers.ValidationError({"note": _("is required when rejecting a visit.")})
        edited = attrs.pop("interactions", [])
        if edited:
            attrs["interaction_notes"] = {item["position"]: item["notes"] for item in edited}
        return attrs


class UndoSerializer(serializers.Serializer):
    batch = serializers.UUIDField(required=False, help_text="undo every decision of a bulk approval")


class BulkApproveSerializer(serializers.Serializer):
    visits = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=200)


class BulkApproveResultSerializer(serializers.Serializer):
    batch = serializers.UUIDField(help_text="give it to review/undo/ within five minutes to undo all")
    approved = serializers.ListField(child=serializers.UUIDField())
    left = serializers.ListField(child=serializers.UUIDField(), help_text="flagged, decided or not yours to review")


class QuestionInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=QUESTION_MAX_LENGTH)


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=NOTE_MAX_LENGTH)


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    visit = serializers.UUIDField(source="visit_id", read_only=True)
    store = serializers.CharField(source="visit.store.code", read_only=True)
    store_name = serializers.CharField(source="visit.store.name", read_only=True)
    visit_started_at = serializers.DateTimeField(source="visit.started_at", read_only=True)
    question = serializers.CharField(read_only=True)
    asked_at = serializers.DateTimeField(read_only=True)
    answer = serializers.CharField(read_only=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)


class QueueFilterSerializer(serializers.Serializer):
    store = serializers.CharField(required=False, default="", allow_blank=True)
    region = serializers.CharField(required=False, default="", allow_blank=True)
    flag = serializers.ChoiceField(
        choices=["", "flagged", "unflagged", *FLAG_LABELS], required=False, default="", allow_blank=True
    )
    min_age_days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=3650)


class ReviewQueueItemSerializer(VisitSerializer):
    waiting_for_shopper = serializers.BooleanField(read_only=True, help_text="a question to the shopper is open")


class ReviewQueueSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="visits in the queue with these filters (all of them)")
    results = ReviewQueueItemSerializer(many=True, help_text="the first 200, flagged first, then oldest first")


class SyncResultSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True, help_text="the visit's id as sent (null if it had none)")
    status = serializers.ChoiceField(choices=["created", "already_stored", "conflict", "invalid", "wrong_owner"])
    errors = serializers.DictField(child=serializers.CharField(), required=False)
    visit = VisitSerializer(required=False)


class SyncResponseSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    device = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="a name for this device (logging in again under the same name replaces its token)",
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`")
    device_id = serializers.UUIDField(help_text="this device in /api/v1/auth/devices/")
    expiry = serializers.DateTimeField(help_text="when the token expires unless used (each use extends it)")


class DeviceSerializer(serializers.Serializer):
    device_id = serializers.UUIDField(read_only=True)
    device = serializers.CharField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True, help_text="when the token expires unless used")
    current = serializers.SerializerMethodField(help_text="the token of this request")

    def get_current(self, token) -> bool:
        return token.pk == getattr(self.context["request"].auth, "pk", None)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
