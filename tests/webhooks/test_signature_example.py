"""The README's worked example of verifying a signature holds, with the package and by hand."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

from standardwebhooks.webhooks import Webhook

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MESSAGE_ID = "msg_5f1c0a4e9b2d4c7e8a3f6b1d2e4c9a70"
TIMESTAMP = 1795418102
SIGNATURE = "v1,GujrofPTFvHuKFq2TwTWadVpgi0LsqygtOZiO3EMzxE="
BODY = (
    b'{"type":"action_plan.state_changed","version":1,"timestamp":"2026-11-23T07:15:02.114000+00:00",'
    b'"data":{"plan":42,"store":"ber-mitte","region":"north","week":"2026-W47","reason":"desert",'
    b'"state":"submitted","round":1,"focus":"smile","second_focus":null,"due_date":"2026-12-18"}}'
)


def test_the_package_signs_the_readme_example_as_printed():
    at = dt.datetime.fromtimestamp(TIMESTAMP, dt.UTC)
    assert Webhook(SECRET).sign(MESSAGE_ID, at, BODY.decode()) == SIGNATURE


def test_the_readme_verification_by_hand_accepts_it_and_refuses_a_changed_body():
    def genuine(body: bytes) -> bool:
        key = base64.b64decode(SECRET.removeprefix("whsec_"))
        signed = f"{MESSAGE_ID}.{TIMESTAMP}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        return hmac.compare_digest(expected, SIGNATURE.removeprefix("v1,"))

    assert genuine(BODY)
    assert not genuine(BODY.replace(b'"round":1', b'"round":2'))
