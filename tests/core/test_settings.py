"""Stored settings come back typed: a bad stored value keeps its default and never resets the others."""

from __future__ import annotations

import dataclasses

import pytest

from reverie.core.errors import InputError
from reverie.core.settings import Settings


def test_round_trip() -> None:
    s = Settings(theme="dark", chat_tier="capable", context_size=8192, base_strength_days=3.5)
    assert Settings.from_dict(s.to_dict()) == s


def test_one_bad_stored_value_keeps_its_default_and_the_rest() -> None:
    stored = {
        **Settings(theme="dark", idle_minutes=25).to_dict(),
        "chat_tier": "huge",
        "context_size": "lots",
        "unknown_key": 1,
        "version": 99,
    }
    s = Settings.from_dict(stored)
    assert (s.theme, s.idle_minutes) == ("dark", 25)
    assert (s.chat_tier, s.context_size) == ("auto", 4096)
    assert s.version == Settings().version


def test_an_int_is_a_float_but_a_bool_is_not_an_int() -> None:
    s = Settings.from_dict({"base_strength_days": 3, "idle_minutes": True})
    assert s.base_strength_days == 3.0
    assert s.idle_minutes == Settings().idle_minutes


@pytest.mark.parametrize(("field", "value"), [("theme", "purple"), ("chat_model_kind", "cloud"), ("chat_tier", "x")])
def test_validate_refuses_values_outside_their_literal(field: str, value: str) -> None:
    with pytest.raises(InputError):
        dataclasses.replace(Settings(), **{field: value}).validate()
