"""The reply gate on the replies a new user was shown by the default model, and on good ones."""

from __future__ import annotations

import pytest

from reverie.core import gate
from reverie.core.prompt import RULES

DENTIST = "I booked the dentist for Dec 3 at 2:30"
MAYA = "my sister Maya is moving to Lisbon in February"
EMBED_DOC = (
    "To embed a note in another note, type ![[ followed by the note's name, for example ![[Trip plan]]. "
    "You can embed a heading with ![[Trip plan#Day 1]]."
)
LICENSE_DOC = (
    "You need a commercial license if you use Obsidian for work in a for-profit organisation of two or more people."
)

# Real replies of SmolLM2-135M-Instruct, as a new user saw them.
BAD = {
    "filler, cut mid-sentence": (
        "I'm sorry for any confusion, but as a memory companion, I'm not capable of",
        "I booked the dentist for Dec 3 at 2:30",
        [DENTIST],
    ),
    "loop": (
        "I'm sorry for any confusion. I'm sorry for any confusion. I'm sorry for any confusion. "
        "I'm sorry for any confusion.",
        "my sister Maya is moving to Lisbon in February",
        [MAYA],
    ),
    "recited instructions": (
        "The user's message may come with numbered memories from their own notes and "
        "conversations, inside the 'Memories' tags.",
        "Where is Maya moving?",
        [MAYA],
    ),
    "invented code": (
        "You can use JavaScript: ```const note = document.getElementById('note'); note.appendChild(otherNote);``` [1]",
        "How do I embed one note inside another?",
        [EMBED_DOC],
    ),
    "invented steps": (
        "1. Go to the Obsidian website [1]. 2. Click on Pricing and choose Catalyst [1]. "
        "3. The license costs $50 per year [1].",
        "How much does the commercial license cost?",
        [LICENSE_DOC],
    ),
    "invented answer": (
        "Your dentist appointment is on Friday, Dec 4 at 10:00 [1].",
        "When is my dentist appointment?",
        [DENTIST],
    ),
    "markers only": ("[1][1][1][1][1][1][1][1]", "When is my dentist appointment?", [DENTIST]),
    "whitespace": ("   \n\n\t  ", "When is my dentist appointment?", [DENTIST]),
    "flood": ("the " * 2000, "When is my dentist appointment?", [DENTIST]),
}


@pytest.mark.parametrize("name", list(BAD))
def test_the_bad_replies_a_user_saw_fail(name: str) -> None:
    reply, question, memories = BAD[name]
    verdict = gate.check_reply(reply, question=question, memories=memories, instructions=[RULES])
    assert not verdict.ok, name


def test_each_bad_reply_fails_for_its_reason() -> None:
    def reasons(name: str) -> set[str]:
        reply, question, memories = BAD[name]
        return set(gate.check_reply(reply, question=question, memories=memories, instructions=[RULES]).reasons)

    assert {"filler", "truncated"} <= reasons("filler, cut mid-sentence")
    assert "loop" in reasons("loop")
    assert "echo" in reasons("recited instructions")
    assert "unsupported" in reasons("invented code")
    assert "unsupported" in reasons("invented steps")
    assert "unsupported" in reasons("invented answer")
    assert reasons("markers only") == {"empty"}
    assert reasons("whitespace") == {"empty"}
    assert "loop" in reasons("flood")


@pytest.mark.parametrize(
    "reply",
    [
        "Your dentist appointment is on Dec 3 at 2:30 [1].",
        "It is on December 3rd at 2:30 [1].",
        "Maya is moving to Lisbon in February [1].",
        "You booked the dentist for Dec 3 [1]; bring your insurance card.",
        "I have no memory of that.",
    ],
)
def test_good_replies_pass(reply: str) -> None:
    verdict = gate.check_reply(
        reply,
        question="When is my dentist appointment? Where is Maya moving?",
        memories={1: f"{DENTIST}. {MAYA}"},
        instructions=[RULES],
    )
    assert verdict.ok, verdict


def test_a_citation_must_support_its_sentence() -> None:
    memories = {1: DENTIST, 2: MAYA}
    ok = gate.check_reply("Maya is moving to Lisbon [2].", question="Where is Maya moving?", memories=memories)
    assert ok.ok
    bad = gate.check_reply("Maya is moving to Lisbon [1].", question="Where is Maya moving?", memories=memories)
    assert bad.reasons == ("miscited",) and bad.miscited == (1,)


def test_a_claim_from_the_conversation_or_question_is_supported() -> None:
    verdict = gate.check_reply(
        "Klara and the Sun is by Ishiguro.",
        question="Who wrote Klara and the Sun?",
        memories=[],
        context=["I'm reading Klara and the Sun by Ishiguro"],
    )
    assert verdict.ok
    assert gate.unsupported_claims("Klara and the Sun is by Ishiguro.", ["Who wrote Klara and the Sun?"]) == [
        "Ishiguro"
    ]


def test_truncation_and_endings() -> None:
    assert gate.is_truncated("You said you would go to the")
    assert not gate.is_truncated("You said you would go to the market [1]")  # a citation closes it
    assert gate.is_truncated("You said you would go to the [1]")
    assert not gate.is_truncated("Noted. [1]")
    assert not gate.is_truncated("Have a good trip!")
    assert gate.is_truncated("```python\nprint(1)")


def test_one_sentence_check_for_acknowledgements() -> None:
    sources = ["my sister Maya is moving to Lisbon in February"]
    assert gate.check_sentence("That is a big move for Maya.", sources=sources).ok
    assert not gate.check_sentence("Maya will love Porto.", sources=sources).ok  # a place nobody named
    assert not gate.check_sentence("Great. Tell me more about it.", sources=sources).ok  # two sentences
    assert not gate.check_sentence("As an AI, I cannot have a sister.", sources=sources).ok


def test_other_languages_and_prompt_tags_in_memories() -> None:
    # A reply in another language with no claims passes; one naming what no source names does not.
    french = gate.check_reply(
        "Maya déménage à Lisbonne en février [1].", question="Où déménage Maya ?", memories={1: MAYA}
    )
    assert "unsupported" in french.reasons and "Lisbonne" in french.unsupported  # "Lisbonne" is not "Lisbon"
    assert gate.check_reply("Oui.", question="Maya déménage ?", memories={1: MAYA}).ok
    # A memory holding the prompt's own tags does not make the reply an echo unless the reply repeats them.
    assert gate.echoes("Here are the <memories> you asked for.", [])
    assert not gate.echoes("Maya is moving to Lisbon.", [RULES])


def test_a_sentence_said_in_an_earlier_reply_is_a_loop() -> None:
    earlier = ["Noted: dentist [1]\nThe dentist said they would be 2:30pm, and I was going to be there."]
    again = "The dentist said they would be 2:30pm, and I was going to be there."
    assert gate.repeats_earlier(again, earlier)
    assert "loop" in gate.check_sentence(again, sources=[DENTIST], earlier=earlier).reasons
    assert gate.check_sentence("Good luck at the dentist.", sources=[DENTIST], earlier=earlier).ok


def test_the_default_models_copies_across_turns_and_invented_quotes_fail() -> None:
    # Real replies of SmolLM2-135M used as a capable model, each after the one before.
    earlier = [
        "Noted: dentist, Thu 3 Dec at 14:30 [1]\n\nThe dentist said they would be 2:30pm, and I was going to be there."
    ]
    again = "The dentist said she was going to Lisbon in February, and I was going to be there."
    assert gate.repeats_earlier(again, earlier, [MAYA])
    assert not gate.repeats_earlier("Maya is moving to Lisbon in February.", earlier, [MAYA])
    # repeating the user's own words that an earlier reply quoted is not a loop
    quoted = ["You said today: “I booked the dentist for Dec 3 at 2:30” [1]"]
    assert not gate.repeats_earlier("You booked the dentist for Dec 3 at 2:30 [1].", quoted, [DENTIST])
    note = "Borrowed the long-handled pruning shears from Mr. Okafor next door; return them by Sunday."
    invented = (
        "Your note “Garden plans” (today): “The pruning shears are from Mr. Okafor next door; return them "
        "by Sunday; I am not sure who they are.” [2]"
    )
    verdict = gate.check_reply(
        invented, question="Whose pruning shears do I have?", memories={2: note}, context=["Garden plans (today)"]
    )
    assert "unsupported" in verdict.reasons
    exact = "Your note says: “return them by Sunday” [2]."
    assert gate.misquotes(exact, [note]) == []
