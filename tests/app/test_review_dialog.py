"""The review of fading memories, one at a time: its text, source and "fades in ~N days", Keep / Pin /
Let fade / Correct… as writes on the database lane, "2 of 4", and done for today at the end."""

from __future__ import annotations

from datetime import UTC

import ui_fixtures
from fading import fading_memory
from ui_fixtures import settle

from reverie.app.ui.review_dialog import DONE_TEXT, ReviewDialog, fades_in, load_review
from reverie.core import review

ui_session = ui_fixtures.ui_session


def memory_by_text(vault, text):
    return vault.query("SELECT id, pinned, archived, text FROM memories WHERE text LIKE ?", (text + "%",))[0]


def test_one_memory_at_a_time_each_choice_written(qtbot, ui_session, vault):
    now = vault.now()
    for i, text in enumerate(["The bike lock code was 4312.", "Met Jo at the bakery.", "Old wifi name.", "Tom's cat"]):
        fading_memory(vault, text, now, age_days=20 + 2 * i)
    items = load_review(vault, UTC)
    assert len(items) == 4
    dialog = ReviewDialog(ui_session, items)
    qtbot.addWidget(dialog)
    assert dialog.progress.text() == "1 of 4"
    first = items[0]
    assert dialog.text.text() == first.item.memory.text
    assert dialog.source.text().startswith("Note “") and "Fades" in dialog.source.text()

    order = [i.item.memory.text for i in items]
    dialog.buttons["keep"].click()
    qtbot.waitUntil(lambda: dialog.index == 1, timeout=10_000)
    assert dialog.progress.text() == "2 of 4"
    dialog.buttons["pin"].click()
    qtbot.waitUntil(lambda: dialog.index == 2, timeout=10_000)
    dialog.buttons["fade"].click()
    qtbot.waitUntil(lambda: dialog.index == 3, timeout=10_000)
    dialog.choose("correct", "Tom's cat is called Miso.")
    qtbot.waitUntil(lambda: dialog.index == 4, timeout=10_000)
    settle(qtbot, ui_session)
    assert dialog.text.text() == "Done for today" and dialog.source.text() == DONE_TEXT
    assert dialog.buttons["keep"].isHidden()
    assert memory_by_text(vault, order[1])[1] == 1  # pinned
    assert memory_by_text(vault, order[2])[2] == 1  # archived
    days = review.review_history(vault, UTC)
    assert [(d.keep, d.pin, d.fade, d.correct) for d in days] == [(1, 1, 1, 1)]
    assert memory_by_text(vault, "Tom's cat is called Miso")
    assert load_review(vault, UTC) == []  # none left to review today


def test_correct_with_no_words_says_so_and_stays(qtbot, ui_session, vault):
    fading_memory(vault, "Something fading.", vault.now())
    dialog = ReviewDialog(ui_session, load_review(vault, UTC))
    qtbot.addWidget(dialog)
    dialog.choose("correct", "   ")
    qtbot.waitUntil(lambda: dialog.status.text() != "", timeout=10_000)
    assert dialog.index == 0 and "nothing was changed" in dialog.status.text()
    assert not dialog.buttons["keep"].isHidden()


def test_fades_in_says_days():
    assert fades_in(0.2) == "Fades any day now"
    assert fades_in(1.2) == "Fades in ~1 day"
    assert fades_in(6.6) == "Fades in ~7 days"
