"""``reverie config get|set`` through the real CLI entry on a real vault: typed values, one-sentence
errors, and a vault left as it was by bad input."""

from __future__ import annotations

import json
import re

import pytest
from cli_settings import run, stored

from reverie.app import context
from reverie.core.settings import Settings


def test_get_without_a_vault_shows_the_defaults_and_creates_nothing(capsys):
    code, out, _ = run(capsys, "config", "get", "--json")
    assert code == 0 and json.loads(out) == Settings().to_dict()
    code, out, _ = run(capsys, "config", "get")
    assert (
        code == 0
        and re.search(r"^chat_tier +auto$", out, re.M)
        and re.search(r"^consolidation_enabled +yes$", out, re.M)
    )
    code, out, _ = run(capsys, "config", "get", "context_size")
    assert (code, out) == (0, "4096\n")
    assert not context.resolve_paths().exists()


def test_set_types_each_value_from_the_settings_fields(capsys):
    assert run(capsys, "config", "set", "theme", "dark")[1] == "theme = dark (was system)\n"
    assert run(capsys, "config", "set", "context_size", "8192")[0] == 0
    assert run(capsys, "config", "set", "consolidation_enabled", "off")[0] == 0
    assert run(capsys, "config", "set", "base_strength_days", "3.5")[0] == 0
    assert run(capsys, "config", "set", "model_folders", " ~/models/extra , /srv/llm ,")[0] == 0
    assert run(capsys, "config", "set", "chat-tier", "capable")[0] == 0  # a dash works as well
    s, changes = stored()
    assert (s["theme"], s["context_size"], s["consolidation_enabled"], s["base_strength_days"]) == (
        "dark",
        8192,
        False,
        3.5,
    )
    assert s["model_folders"] == ["~/models/extra", "/srv/llm"] and s["chat_tier"] == "capable"
    assert changes == 6
    code, out, _ = run(capsys, "config", "get", "model_folders")
    assert out == "~/models/extra, /srv/llm\n"
    code, out, _ = run(capsys, "config", "get", "consolidation_enabled", "--json")
    assert json.loads(out) is False
    assert json.loads(run(capsys, "config", "get", "--json")[1])["context_size"] == 8192
    assert run(capsys, "config", "set", "consolidation_enabled", "YES")[0] == 0
    assert run(capsys, "config", "set", "model_folders", "")[0] == 0
    s, _ = stored()
    assert s["consolidation_enabled"] is True and s["model_folders"] == []


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (("set", "colour", "blue"), "There is no setting 'colour'; the settings are: chat_model_kind, "),
        (("set", "context_size", "lots"), "context_size takes a whole number, for example 4096; 'lots' is not one."),
        (("set", "context_size", "100"), "The context size must be between 512 and 262144 tokens."),
        (("set", "archive_threshold", "nan"), "archive_threshold takes a number, for example 0.05; 'nan' is not one."),
        (("set", "archive_threshold", "2"), "The archive threshold must be between 0 and 1"),
        (("set", "consolidation_enabled", "maybe"), "consolidation_enabled takes yes or no"),
        (("set", "theme", "purple"), "The theme must be system, light or dark."),
        (("set", "consolidation_time", "25:00"), "The consolidation time must look like 03:00"),
        (("set", "chat_tier", "huge"), "The chat tier must be auto, tiny or capable."),
        (("set", "version", "2"), "version is kept by Reverie itself and cannot be set."),
        (("get", "colour"), "There is no setting 'colour'"),
    ],
)
def test_bad_input_is_one_sentence_and_changes_nothing(capsys, argv, sentence):
    assert run(capsys, "config", "set", "theme", "light")[0] == 0
    before = stored()
    code, out, err = run(capsys, "config", *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"reverie: {sentence}") and len(err.strip().splitlines()) == 1
    assert stored() == before
