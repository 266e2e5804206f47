"""The mobile form's words, in Django's translation catalogue, handed to the page as a small
dictionary per language (`{name}` placeholders are filled in by the page)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("en", "de")

STRINGS = {
    # frame and home
    "log_out": _("Log out"),
    "log_in": _("Log in"),
    "switch_language": _("Switch language"),
    "net_online": _("Online"),
    "net_offline": _("Offline"),
    "home_title": _("Store visits"),
    "who": _("{name}, {role}"),
    "role_shopper": _("mystery shopper"),
    "role_supervisor": _("supervisor"),
    "role_manager": _("store manager"),
    "role_head_office": _("head office"),
    "start_title": _("Start a visit"),
    "store": _("Store"),
    "share_position": _("Record my position at the start (your phone asks first)"),
    "start_visit": _("Start visit now"),
    "no_stores": _("No stores are assigned to you for visits. Please ask head office."),
    "review_queue": _("Review shopper visits"),
    "recent_title": _("My recent visits"),
    "sync_now": _("Send now"),
    "no_visits": _("No visits yet."),
    "queue_count": _("{count} visit(s) saved on this phone, waiting for a connection."),
    "logged_out": _("You are logged out. Your visits stay saved on this phone."),
    "error_server": _("The server could not answer. Your visits stay saved; we try again shortly."),
    "storage_full": _("This phone's storage for the form is full. Send or remove old visits."),
    "loading": _("Loading …"),
    # states of a visit
    "state_draft": _("In progress"),
    "state_queued": _("Queued"),
    "state_synced": _("Synced"),
    "state_invalid": _("Not accepted"),
    "state_conflict": _("Not accepted"),
    "queued_hint": _("– sent as soon as there is a connection"),
    "soi_value": _("SOI {soi}"),
    "soi_none": _("SOI –"),
    "review_submitted": _("Waiting for review"),
    "review_approved": _("Approved"),
    "review_rejected": _("Rejected by the reviewer"),
    "continue_visit": _("Continue this visit"),
    "fix_and_resend": _("Fix and send again"),
    "conflict_reason": _("The server already holds a different visit with this visit's id."),
    "send_as_new": _("Send as a new visit"),
    "remove_from_phone": _("Remove from this phone"),
    "interactions_count": _("{count} interaction(s)"),
    # the visit
    "started_at_time": _("Started {time}"),
    "position_none": _("no position recorded"),
    "position_recorded": _("position recorded (± {accuracy} m)"),
    "position_at": _("Position {latitude}, {longitude} (± {accuracy} m)"),
    "saved_on_phone": _("saved on this phone"),
    "interaction_n": _("Interaction {n}"),
    "greeting": _("Greeting"),
    "greeted_now": _("Greeted now"),
    "restart_clock": _("Restart the clock (I just entered this area)"),
    "greeted": _("I was greeted"),
    "greeting_seconds": _("Seconds until I was greeted"),
    "greeting_personal": _("Personal greeting (name, or where to find them)"),
    "smile": _("Facial expression"),
    "smile_5": _("Warm, genuine smile"),
    "smile_4": _("Friendly"),
    "smile_3": _("Neutral"),
    "smile_2": _("Sour, annoyed"),
    "smile_1": _("Hostile face"),
    "room_to_browse": _("Room to browse"),
    "unsolicited_approaches": _("Unsolicited “Can I help you?” approaches"),
    "one_less": _("−1 approach"),
    "one_more": _("+1 approach"),
    "followed": _("Staff followed me around"),
    "request": _("Question or request"),
    "asked_now": _("I ask now"),
    "attended_now": _("Staff attended"),
    "asked": _("I asked or made a request"),
    "response_seconds": _("Seconds until staff attended"),
    "response_quality": _("Quality of the answer"),
    "quality_5": _("Excellent, glad to help"),
    "quality_4": _("Good"),
    "quality_3": _("Adequate"),
    "quality_2": _("Poor or reluctant"),
    "quality_1": _("Refused, or wrong"),
    "special_request": _("It was a special request (outside the routine)"),
    "interaction_notes": _("Notes on this interaction"),
    "remove_interaction": _("Remove this interaction"),
    "confirm_remove": _("Remove interaction {n}?"),
    "add_interaction": _("+ Add another interaction"),
    "finish_visit": _("Finish visit"),
    "back_home": _("Back to my visits"),
    "discard_visit": _("Discard this visit"),
    "confirm_discard": _("Discard this visit from the phone? This cannot be undone."),
    "brief_greeted": _("greeted after {seconds} s"),
    "brief_personal": _("personal"),
    "brief_not_greeted": _("not greeted"),
    "brief_smile": _("expression {smile}/5"),
    "brief_approaches": _("{count} approach(es)"),
    "brief_followed": _("followed"),
    "brief_asked": _("answered after {seconds} s, quality {quality}/5"),
    "brief_special": _("special request"),
    # summary
    "summary_title": _("Check and submit"),
    "started_at": _("Start of the visit"),
    "ended_at": _("End of the visit"),
    "interactions": _("Interactions"),
    "edit_n": _("Edit {n}"),
    "visit_notes": _("Notes on the visit"),
    "submit_visit": _("Submit visit"),
    "edit_interactions": _("Back to the interactions"),
    # the server's rules, checked on the phone
    "err_store_required": _("Choose a store."),
    "err_datetime": _("Enter a date and time."),
    "err_started_future": _("The start must not be more than 5 minutes in the future."),
    "err_started_old": _("The start must not be more than 60 days ago."),
    "err_ended_before": _("The end must not be before the start."),
    "err_ended_future": _("The end must not be more than 5 minutes in the future."),
    "err_notes_long": _("At most 5000 characters."),
    "err_interactions_count": _("A visit holds between 1 and 50 interactions."),
    "err_position": _("Latitude and longitude must be given together."),
    "err_greeting_seconds_required": _("Enter the seconds until you were greeted, or tap “Greeted now”."),
    "err_greeting_seconds_null": _("Only when you were greeted."),
    "err_greeting_personal_null": _("Only when you were greeted."),
    "err_response_seconds_required": _("Enter the seconds until staff attended, or tap “Staff attended”."),
    "err_response_quality_required": _("Rate the answer."),
    "err_asked_null": _("Only when you asked."),
    "err_seconds_range": _("Enter whole seconds from 0 to 3600."),
    "err_smile_required": _("Choose the facial expression."),
    "err_scale_range": _("Choose a value from 1 to 5."),
    "err_approaches": _("Enter a whole number, 0 or more."),
    # review
    "review_title": _("Review shopper visits"),
    "review_intro": _("Flagged visits first. Rejecting needs a note."),
    "show_interactions": _("Show interactions"),
    "review_note": _("Note"),
    "approve": _("Approve"),
    "reject": _("Reject"),
    "err_reject_note": _("Say why you reject the visit."),
    "review_count": _("{count} visit(s) to review."),
    "review_empty": _("Nothing to review."),
    "review_done_approved": _("Visit approved."),
    "review_done_rejected": _("Visit rejected."),
    "review_offline": _("Reviewing needs a connection."),
}

MANIFEST = {
    "name": _("Service Oasis – store visits"),
    "description": _("Record service observations in a store visit, also without a connection."),
}


def _in(language: str, strings: dict) -> dict[str, str]:
    with translation.override(language):
        return {key: str(value) for key, value in strings.items()}


def client_strings() -> dict[str, dict[str, str]]:
    return {language: _in(language, STRINGS) for language in LANGUAGES}


def manifest_strings() -> dict[str, str]:
    return {key: str(value) for key, value in MANIFEST.items()}
