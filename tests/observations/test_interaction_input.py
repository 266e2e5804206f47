"""An interaction's input as a dict: the same as `dataclasses.asdict`, without its deep copy."""

from __future__ import annotations

import dataclasses

from observations.services import InteractionInput


def test_as_dict_is_asdict():
    for item in (
        InteractionInput(greeted=False, smile=1),
        InteractionInput(
            greeted=True,
            smile=5,
            greeting_seconds=12,
            greeting_typed=True,
            greeting_personal=True,
            unsolicited_approaches=2,
            followed=True,
            asked=True,
            response_seconds=40,
            response_typed=True,
            response_quality=4,
            special_request=True,
            notes="Frau Meier, freundlich",
        ),
    ):
        assert item.as_dict() == dataclasses.asdict(item)
        assert list(item.as_dict()) == list(dataclasses.asdict(item))
