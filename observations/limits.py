"""How much text a person may write, in one place: the models' `max_length`, the API's
serializers, the admin's and pages' forms (`maxlength`) and the phone's checks all read these."""

from __future__ import annotations

# a visit's or an interaction's notes and their reviewed text, a review note, a shopper's answer
NOTE_MAX_LENGTH = 5000
# a reviewer's question that sends a visit back to its shopper
QUESTION_MAX_LENGTH = 2000
