"""What Service Oasis holds about a person, asked of every app in one place: the download a
person makes of their data (`personal_data_export`) and the erasure head office runs for a person
who asks for it or has left (`personal_data_erase`).

Each app registers what it holds (`holder`), as apps register their outbox handlers: a name (the
key in the download), an export (JSON-able, nothing about other people: a manager's download never
names an observer), an erasure, and the relations to the user it answers for. A test fails when a
relation to the user exists that no holder covers, so a new table about people cannot be forgotten.

Erasure removes what identifies, locates or contacts the person: name, e-mail and log-in, sign-in
identities, device tokens, the positions their phone shared, the photos they uploaded, their
capacity and reasons for declining, and the e-mails addressed to them. It keeps what the company's
figures and audit rest on (visits with their scores and times, review decisions, assignments,
action plans), attributed from then on to an anonymous, inactive account, so no report changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction


@dataclass(frozen=True)
class Holder:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], int]  # rows removed or changed
    # "app_label.Model.field" of each relation to the user this holder answers for
    covers: tuple[str, ...] = ()


_holders: dict[str, Holder] = {}


def holder(
    name: str, *, export: Callable[[Any], Any], erase: Callable[[Any], int], covers: tuple[str, ...] = ()
) -> None:
    """Register what an app holds about a person under `name` (an app's `ready()` calls this)."""
    known = _holders.get(name)
    if known is not None and known.export is not export:
        raise ValueError(f"personal data {name!r} is already held by {known.export!r}")
    _holders[name] = Holder(name, export, erase, covers)


def holders() -> dict[str, Holder]:
    return dict(_holders)


def personal_data_export(user) -> dict:
    """Everything Service Oasis holds about the user, each app's part under its name."""
    return {name: _holders[name].export(user) for name in sorted(_holders)}


@transaction.atomic
def personal_data_erase(*, user) -> dict[str, int]:
    """Erase what identifies, locates or contacts the person, in every app (their identity too:
    the "user" holder of stores). Returns the rows each app removed or changed."""
    return {name: _holders[name].erase(user) for name in sorted(_holders)}
