"""An import compares a file's vectors with the tag of the search model the vault has chosen."""

from __future__ import annotations

import dataclasses

from reverie.app import context
from reverie.core.embedding import vector_id
from reverie.core.settings import load_settings, save_settings
from reverie.models.defaults import DEFAULT_EMBEDDER_ID
from reverie.models.remote_embedder import server_model_id


def test_the_tag_is_the_built_in_models_by_default(vault):
    assert context.vectors_tag(vault) == vector_id(DEFAULT_EMBEDDER_ID)


def test_the_tag_follows_a_chosen_server_model(vault):
    chosen = dataclasses.replace(
        load_settings(vault), embedder_kind="server", embedder_model="nomic-embed-text", embedder_api="ollama"
    )
    save_settings(vault, chosen)
    tag = context.vectors_tag(vault)
    assert tag == vector_id(server_model_id("ollama", "nomic-embed-text", chosen.embedder_url))
    assert tag != vector_id(DEFAULT_EMBEDDER_ID)


def test_an_incomplete_choice_falls_back_to_the_built_in_tag(vault):
    save_settings(vault, dataclasses.replace(load_settings(vault), embedder_kind="server", embedder_model=""))
    assert context.vectors_tag(vault) == vector_id(DEFAULT_EMBEDDER_ID)
