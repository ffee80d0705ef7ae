"""Wikilinks: reading them (not in code), which note they mean, and a note's backlinks."""

from __future__ import annotations

from reverie.core import notes
from reverie.core.transfer.markdown_import import import_markdown_folder
from reverie.core.wikilinks import find_links, links_to, note_keys, title_key


def test_links_aliases_headings_and_embeds_are_read_with_their_place():
    text = "See [[Tulips]], [[Garden plan|the plan]] and [[Trip#Day 2]].\n![[photo.png]] ![[Tulips#Bulbs|b]]"
    links = find_links(text)
    assert [(x.target, x.heading, x.alias, x.embed) for x in links] == [
        ("Tulips", "", "", False),
        ("Garden plan", "", "the plan", False),
        ("Trip", "Day 2", "", False),
        ("photo.png", "", "", True),
        ("Tulips", "Bulbs", "b", True),
    ]
    assert [text[x.start : x.end] for x in links][:2] == ["[[Tulips]]", "[[Garden plan|the plan]]"]
    assert [x.shown for x in links] == ["Tulips", "the plan", "Trip › Day 2", "photo.png", "b"]
    assert links[3].is_file and not links[0].is_file


def test_links_in_code_are_not_links():
    text = (
        "`[[Inline]]` and [[Real]]\n```\n[[Fenced]]\n```\n    [[Indented]]\n"
        "> ```\n> [[In a callout's code]]\n> ```\n- [[In a list]]\n"
    )
    assert [x.target for x in find_links(text)] == ["Real", "In a list"]


def test_empty_links_are_not_links_and_a_heading_alone_links_to_the_same_note():
    assert find_links("[[]] and [[|x]]") == []
    (link,) = find_links("[[#Plans]]")
    assert (link.target, link.heading, link.shown) == ("", "Plans", "Plans")


def test_a_link_names_a_note_by_title_or_file_name_without_case_or_folder():
    assert title_key("Projects/Garden Plan.md") == "garden plan" == title_key("  GARDEN plan ")
    assert note_keys("My title", {"path": "work/2023-05-04.md"}) == {"my title", "2023-05-04"}
    assert links_to("see [[projects/garden PLAN]]", {"garden plan"})
    assert not links_to("see [[garden planning]]", {"garden plan"})


def test_backlinks_are_the_notes_that_link_to_a_note_by_title(vault):
    tulips = notes.create_note(vault, "Plant them in October.", title="Tulips")
    plan = notes.create_note(vault, "Order bulbs, see [[tulips|the tulip note]].", title="Garden plan")
    trip = notes.create_note(vault, "Keukenhof had more [[Tulips#Colours]] than I could count.", title="Trip")
    notes.create_note(vault, "Tulips without a link, and `[[Tulips]]` in code.", title="Unrelated")
    notes.create_note(vault, "[[Tulips and roses]]", title="Other link")
    found = notes.backlinks(vault, tulips.id)
    assert {n.id for n in found} == {plan.id, trip.id}
    assert notes.backlinks(vault, plan.id) == []
    index = notes.link_index(vault)
    assert index["tulips"] == tulips.id and index["garden plan"] == plan.id


def test_backlinks_find_links_by_an_imported_file_name_and_non_ascii_titles(vault, tmp_path):
    (tmp_path / "v" / "daily").mkdir(parents=True)
    (tmp_path / "v" / "daily" / "2023-05-04.md").write_text("# A long day\n\nRain.\n", encoding="utf-8")
    (tmp_path / "v" / "ref.md").write_text("Back to [[daily/2023-05-04]].\n", encoding="utf-8")
    import_markdown_folder(vault, tmp_path / "v")
    day = next(n for n in notes.list_notes(vault) if n.title == "A long day")
    assert [n.title for n in notes.backlinks(vault, day.id)] == ["ref"]
    eclair = notes.create_note(vault, "Choux pastry.", title="Éclair")
    notes.create_note(vault, "Bake an [[éCLAIR]] today.", title="Baking")
    assert [n.title for n in notes.backlinks(vault, eclair.id)] == ["Baking"]
