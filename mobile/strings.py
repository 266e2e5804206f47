"""The mobile form's words, in Django's translation catalogue, handed to the page as a small
dictionary per language (`{name}` placeholders are filled in by the page). A word that depends on
a count is handed over in its forms for one and for more ({"one": ..., "other": ...}); the page
picks one with Intl.PluralRules (English and German both have these two forms)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

LANGUAGES = ("en", "de")

STRINGS = {
    # frame and home
    "log_out": _("Log out"),
    "log_in": _("Log in"),
    "app_description": _("Record service observations in a store visit, also without a connection."),
    "discreet": _("Discreet"),
    "update_ready": _("A new version of the app is ready; it starts when you are back on your visits."),
    "logout_title": _("Unsent visits"),
    "logout_send": _("Send now, then log out"),
    "logout_keep": _("Keep them for me and log out"),
    "cancel": _("Cancel"),
    "switch_language": _("Switch language"),
    "net_online": _("Online"),
    "net_offline": _("Offline"),
    "home_title": _("Store visits"),
    "who": _("{name}, {role}"),
    "role_shopper": _("mystery shopper"),
    "role_supervisor": _("supervisor"),
    "role_manager": _("store manager"),
    "role_head_office": _("head office"),
    "store": _("Store"),
    "share_position": _("Record my position at the start (your phone asks first)"),
    "start_visit": _("Start visit now"),
    "choose_store": _("Choose the store you are in"),
    "no_stores": _("No stores are assigned to you for visits. Please ask head office."),
    "no_stores_reader": _(
        "Store managers read their stores' reports; visits are recorded by shoppers and supervisors."
    ),
    "start_page": _("Start page"),
    "password": _("Change password"),
    "review_queue": _("Review shopper visits"),
    "recent_title": _("My recent visits"),
    "sync_now": _("Send now"),
    "no_visits": _("No visits yet."),
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
    "state_needs_fix": _("Needs a fix"),
    "state_already_stored": _("Already stored"),
    "state_wrong_owner": _("Not yours"),
    "wrong_owner_reason": _("Recorded by another user of this phone: only they can send it."),
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
    # the visit
    "started_at_time": _("Started {time}"),
    "position_none": _("no position recorded"),
    "position_recorded": _("position recorded (± {accuracy} m)"),
    "position_at": _("Position {latitude}, {longitude} (± {accuracy} m)"),
    "saved_on_phone": _("saved on this phone"),
    "interaction_n": _("Interaction {n}"),
    "contact_n_of": _("Contact {n} of {count}"),
    "contact_prev": _("Previous contact"),
    "contact_next": _("Next contact"),
    "contact_add": _("+ Contact"),
    "left_store": _("I left"),
    "entered_now": _("I entered"),
    "start_clock": _("Start clock"),
    "smile_ends": _("1 hostile … 5 warm"),
    "face_1": _("1 – hostile face"),
    "face_2": _("2 – sour, annoyed"),
    "face_3": _("3 – neutral"),
    "face_4": _("4 – friendly"),
    "face_5": _("5 – warm, genuine smile"),
    "undo": _("Undo"),
    "measure_again": _("Measure again"),
    "keep": _("Keep"),
    "choice_greet_stopped": _("Greeting already measured ({time})."),
    "choice_greet_running": _("The greeting clock is already running."),
    "choice_ask_stopped": _("Answer time already measured ({time})."),
    "choice_ask_running": _("The answer clock is already running."),
    "greeting": _("Greeting"),
    "greeted_now": _("Greeted"),
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
    "followed_short": _("Followed me"),
    "followed": _("Staff followed me around"),
    "request": _("Question or request"),
    "asked_now": _("I ask"),
    "attended_now": _("Attended"),
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
    "back_home": _("Back to my visits"),
    "discard_visit": _("Discard this visit"),
    "confirm_discard": _("Discard this visit from the phone? This cannot be undone."),
    "brief_greeted": _("greeted after {seconds} s"),
    "brief_personal": _("personal"),
    "brief_not_greeted": _("not greeted"),
    "brief_smile": _("expression {smile}/5"),
    "brief_approaches": _("approached unasked {count}×"),
    "brief_followed": _("followed"),
    "brief_asked": _("answered after {seconds} s, quality {quality}/5"),
    "brief_special": _("special request"),
    # after leaving the store
    "complete_title": _("Complete and send"),
    "started_at": _("Start of the visit"),
    "ended_at": _("End of the visit"),
    "interactions": _("Interactions"),
    "visit_notes": _("Notes on the visit"),
    "submit_visit": _("Submit visit"),
    "back_to_store": _("Back to the store screen"),
    "typed": _("typed"),
    "choose": _("Choose …"),
    "chars_count": _("{count} of {max} characters"),
    "photos": _("Photos"),
    "photos_hint": _(
        "A receipt proves the visit. Photos are made smaller on this phone and sent without location data."
    ),
    "add_photo": _("Add a photo"),
    "photo_n": _("Photo {n}"),
    "photo_remove": _("Remove photo"),
    "photo_preparing": _("Preparing the photo …"),
    "photo_added": _("Photo added ({kb} KB). It is sent after the visit."),
    "photo_too_large": _("This photo is too large even after making it smaller."),
    "photo_unreadable": _("This file could not be read as a photo."),
    "photo_queued": _("waiting to be sent"),
    "photo_sent": _("sent"),
    "photo_refused": _("not accepted: {reason}"),
    "warnings_ok": _("Yes, these values are right."),
    "warn_greeting_long": _("Interaction {n}: greeted only after {minutes}:{seconds} min. Is that right?"),
    "warn_response_long": _(
        "Interaction {n}: attended only after {minutes}:{seconds} min. Is that right?"
    ),  # the server's rules, checked on the phone
    "err_store_required": _("Choose a store."),
    "err_datetime": _("Enter a date and time."),
    "err_started_future": _("The start must not be more than 5 minutes in the future."),
    "err_started_old": _("The start must not be more than 60 days ago."),
    "err_ended_before": _("The end must not be before the start."),
    "err_ended_future": _("The end must not be more than 5 minutes in the future."),
    "err_notes_long": _("At most {max} characters; shorten the text."),
    "err_interactions_count": _("A visit holds between 1 and {max} interactions."),
    "err_too_large": _("This visit is larger than the server accepts ({kb} KB). Shorten the notes."),
    "err_position": _("Latitude and longitude must be given together."),
    "err_greeting_seconds_required": _("Enter the seconds until you were greeted."),
    "err_greeting_seconds_null": _("Only when you were greeted."),
    "err_greeting_personal_null": _("Only when you were greeted."),
    "err_response_seconds_required": _("Enter the seconds until staff attended."),
    "err_response_quality_required": _("Rate the answer."),
    "err_asked_null": _("Only when you asked."),
    "err_seconds_range": _("Enter whole seconds from 0 to {max}."),
    "err_smile_required": _("Choose the facial expression."),
    "err_scale_range": _("Choose a value from 1 to 5."),
    "err_approaches": _("Enter a whole number from 0 to {max}."),
    # review
    "review_title": _("Review shopper visits"),
    "review_intro": _("Flagged visits first. Rejecting needs a note."),
    "show_interactions": _("Show interactions"),
    "review_note": _("Note"),
    "approve": _("Approve"),
    "reject": _("Reject"),
    "err_reject_note": _("Say why you reject the visit."),
    "review_empty": _("Nothing to review."),
    "review_done_approved": _("Visit approved."),
    "review_done_rejected": _("Visit rejected."),
    "review_offline": _("Reviewing needs a connection."),
    "filter_flag": _("Flags"),
    "filter_all": _("All"),
    "filter_flagged": _("Flagged only"),
    "filter_unflagged": _("Without flags"),
    "filter_region": _("Region"),
    "filter_age": _("Waiting at least (days)"),
    "filter_apply": _("Show"),
    # a reviewer's questions to the shopper
    "ask_shopper": _("Ask the shopper"),
    "err_question": _("Write the question in the note."),
    "question_sent": _("The visit went back to the shopper with your question."),
    "questions_title": _("Questions from your reviewer"),
    "answer_label": _("Your answer"),
    "send_answer": _("Send answer"),
    "answer_needed": _("Write an answer first."),
    "answer_sent": _("Answer sent. Thank you."),
    "answer_offline": _("Answering needs a connection."),
}

# Words that depend on a count: handed to the page in both forms.
PLURALS = {
    "logout_unsent": ngettext_lazy(
        "{count} visit of {name} is not sent yet. Send it now, or keep it on this phone for {name}?",
        "{count} visits of {name} are not sent yet. Send them now, or keep them on this phone for {name}?",
        "count",
    ),
    "logout_not_sent": ngettext_lazy(
        "{count} visit could not be sent; it stays on this phone. Try again when online.",
        "{count} visits could not be sent; they stay on this phone. Try again when online.",
        "count",
    ),
    "queue_count": ngettext_lazy(
        "{count} visit saved on this phone, waiting for a connection.",
        "{count} visits saved on this phone, waiting for a connection.",
        "count",
    ),
    "interactions_count": ngettext_lazy("{count} interaction", "{count} interactions", "count"),
    "photos_waiting": ngettext_lazy("{count} photo waiting to be sent.", "{count} photos waiting to be sent.", "count"),
    "review_count": ngettext_lazy("{count} visit to review.", "{count} visits to review.", "count"),
}

MANIFEST = {
    "name": _("Service Oasis – store visits"),
    "description": _("Record service observations in a store visit, also without a connection."),
}


def _in(language: str, strings: dict) -> dict:
    with translation.override(language):
        words: dict = {key: str(value) for key, value in strings.items()}
        # `%` with a number picks a plural's form and leaves {count} for the page to fill in.
        words.update({key: {"one": str(value % 1), "other": str(value % 2)} for key, value in PLURALS.items()})
        return words


def client_strings() -> dict[str, dict[str, str]]:
    return {language: _in(language, STRINGS) for language in LANGUAGES}


def manifest_strings() -> dict[str, str]:
    return {key: str(value) for key, value in MANIFEST.items()}
