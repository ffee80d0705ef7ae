"""What may become a fact: complete statements only (the pure check consolidation applies to
every fact, from the rules or from the model)."""

from __future__ import annotations

import pytest

from reverie.core.consolidation.facts import check_fact
from reverie.core.consolidation.statements import is_statement, prose_sentences, same_polarity, statement_problem

# What a new user found in "What Reverie knows about me" after importing documentation: the
# fragments and code must never pass; the two full sentences pass this check (they are kept out
# because they are not the user's own words: see test_consolidation_origin.py).
REAL_FRAGMENTS = ["My table.", "date.date()."]
REAL_DOC_SENTENCES = ["Our Twitter handle is @obsdmd", "I prefer nectarines to peaches"]

NOT_STATEMENTS = [
    # structure
    "## Getting started",
    "# Obsidian Help",
    "| Name | Value |",
    "|---|---|",
    "```python",
    "---",
    "> Tip: use the command palette",
    "- [Download](https://obsidian.md/download)",
    "[[Daily notes]]",
    "- [ ] Buy peaches",
    # front matter and settings
    "title: Release notes",
    "tags: [docs, help]",
    "aliases: obsidian-help",
    # code
    "x = date.date()",
    "print(my_table)",
    "const table = {};",
    "pip install reverie==1.2",
    "self.table.rows",
    "return my_value",
    "date.today().isoformat()",
    # fragments, titles, instructions
    "My favourite.",
    "Getting Started With Obsidian",
    "Install the package with pip.",
    "See the docs for more.",
    "Click Settings, then Appearance.",
    "Peaches, nectarines, plums",
    "Cherish the moments.",
    # questions, remarks addressed to the listener, unclear subjects, passing feelings
    "Do you like peaches?",
    "What is your Twitter handle",
    "I'm so happy for you!",
    "Good to see you!",
    "It was great.",
    "That sounds amazing!",
    "She said so yesterday.",
    "They are coming over.",
    "I'm super thankful.",
    "Thanks, Mel!",
    "Tomorrow's opening will be so much fun.",
    # unfinished
    "My plans for the weekend are:",
    "I went to the market and",
    # what the small model offered as facts from LoCoMo chats
    "Sorry to hear that!",
    "Long time no see!",
    "Let's explore some new dance moves.",
    "Yeah, I totally agree.",
    "The pattern and colors are awesome.",
    "Contemporary dance is so expressive and graceful.",
    "Yeah, Gina, thanks for having my back.",
    "Family is everything.",
    "Taking care of ourselves is vital.",
    "Next Friday works.",
    "Stay motivated and keep going.",
    "We should plan a dance session soon.",
    "I'm gonna make it happen!",
    "I can imagine it's incredibly rewarding.",
]

STATEMENTS = [
    "Anna's birthday is March 3.",
    "My dentist is Dr. Wu.",
    "I live in Lyon.",
    "My sister's name is Clara.",
    "I'm allergic to walnuts.",
    "I'm a nurse.",
    "I started working at the Lyon bakery in June.",
    "My kids love swimming.",
    "Painting helps me relax after a long day.",
    "Anna lives in Lyon.",
    "Yesterday I painted a lake sunrise.",
    "After work I go running by the river.",
    "Oh, by the way, my cat is called Felix.",
    "Melanie and I went camping last summer.",
    "I'm swamped with the kids and work.",
    "We adopted a grey kitten named Miso.",
    "Gina lost her job at Door Dash.",
    "Anna and Tom love hiking.",
    "Marta is vegetarian and allergic to walnuts.",
    "Yeah Maria, I'm really hoping to get into local politics!",
    "The support group has made me feel accepted.",
]


@pytest.mark.parametrize("text", REAL_FRAGMENTS + NOT_STATEMENTS)
def test_fragments_code_tables_front_matter_links_and_headings_are_not_statements(text):
    assert not is_statement(text), text
    assert statement_problem(text)  # and it says why


@pytest.mark.parametrize("text", STATEMENTS + REAL_DOC_SENTENCES)
def test_complete_statements_with_a_subject_and_a_predicate_are(text):
    assert statement_problem(text) is None, text


def test_the_reason_is_one_plain_phrase():
    assert statement_problem("My table.") == "a fragment"
    assert statement_problem("date.date().") == "code"
    assert statement_problem("title: Notes") == "a key: value line (front matter or settings)"
    assert statement_problem("Do you like peaches?") == "a question"
    assert "listener" in statement_problem("I'm so happy for you!")
    assert "unclear" in statement_problem("It was a long day at the office.")
    assert statement_problem("x" * 200 + " is long.") == "too long for one fact"


def test_prose_sentences_leave_markdown_structure_out():
    doc = (
        "---\ntitle: Peach tart\ntags: [recipe]\n---\n# Peach tart\n\nI prefer nectarines to peaches.\n\n"
        "```python\nmy_table = date.date()\n```\n\n| Item | Grams |\n|---|---|\n| Flour | 200 |\n\n"
        "- [Source](https://example.com/tart)\n\n    indented code line\n\nBake for 30 minutes. Serve warm."
    )
    assert prose_sentences(doc) == ["I prefer nectarines to peaches.", "Bake for 30 minutes.", "Serve warm."]


def test_a_fact_keeps_its_sources_negation():
    assert same_polarity("I like coffee.", "I like coffee a lot.")
    assert not same_polarity("I like coffee.", "I don't like coffee.")
    assert not same_polarity("My dentist is Dr. Wu.", "My dentist is no longer Dr. Wu.")
    assert check_fact("I like coffee.", "I don't like coffee.").startswith("it drops or adds a negation")
    assert check_fact("I like tea.", "I like tea in the morning.") is None
    assert check_fact("My table.", "My table is old.").startswith("not a statement")
    assert check_fact("Anna lives in Paris.", "Anna lives in Lyon.").startswith("no source line says")


@pytest.mark.parametrize(
    "text",
    [
        "Our bond with him was so special and something I cherish.",
        "I finally gave it to my neighbour last week.",
        "We told them about the new garden plans.",
    ],
)
def test_a_fact_that_points_at_someone_named_elsewhere_is_not_a_fact(text: str) -> None:
    assert statement_problem(text) == "it points at someone or something named only in the lines around it"


def test_a_pronoun_with_its_name_in_the_same_sentence_is_fine() -> None:
    assert is_statement("My brother Tom visited and I showed him the new garden.")
