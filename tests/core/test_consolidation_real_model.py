"""Consolidation with the real default model (SmolLM2-135M through llama.cpp, schema-constrained).

The tiny model loops and miscounts; what must hold is that whatever it says is validated and
grounded, every rejection is counted, and the run still produces the digest and the facts."""

from __future__ import annotations

import pytest
from llama_json import LlamaJson

from reverie.core import conversations
from reverie.core.consolidation import run_consolidation
from reverie.core.consolidation.text import ungrounded_terms
from reverie.models.defaults import default_gguf_location

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smollm():
    loc = default_gguf_location()
    assert loc.found, loc.problem
    return LlamaJson(loc.path)


def test_real_model_output_is_grounded_and_every_rejection_counted(vault, clock, smollm):
    c = conversations.create_conversation(vault, "Catching up")
    lines = [
        "Anna's birthday is March 3.",
        "I started working at the Lyon bakery in June.",
        "We walked the dog by the river.",
        "My favourite tea is jasmine.",
    ]
    for line in lines:
        conversations.add_message(vault, c.id, "user", line)
    report = run_consolidation(vault, chat_model=smollm, max_model_calls=3)
    assert report.status == "ok", report.error
    assert report.counts["model_calls"] >= 2  # topics, facts (and retries)
    assert report.counts.get("model_failures", 0) == 0
    facts = vault.query("SELECT id, text FROM memories WHERE kind = 'fact'")
    texts = {t for _, t in facts}
    assert {"Anna's birthday is March 3.", "My favourite tea is jasmine."} <= texts  # the deterministic path
    for mid, text in facts:
        src = " ".join(
            r[0]
            for r in vault.query(
                "SELECT m.text FROM memory_sources s JOIN memories m ON m.id = s.source_memory_id WHERE s.memory_id = ?",
                (mid,),
            )
        )
        assert ungrounded_terms(text, src) == [], (text, src)
    rejected = sum(
        report.counts.get(k, 0)
        for k in ("rejected_ungrounded", "rejected_topics", "rejected_questions", "rejected_not_statement")
    )
    assert report.counts["rejected"] == rejected + sum("deterministic extractor only" in ln for ln in report.log)
    assert sum(" rejected" in ln for ln in report.log) == rejected + report.counts.get("model_invalid", 0)
    assert vault.query("SELECT count(*) FROM memories WHERE uid LIKE 'summary:day:%'")[0][0] == 1
