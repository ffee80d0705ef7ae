"""Home's companion cards: the morning recap only when it is turned on (today's reminder, last night's
learned fact, a memory from this day in an earlier year; each line opens its source), and the
"N memories are fading" card only with the review on and something in the queue."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import ui_fixtures
from fading import fading_memory
from ui_fixtures import settle
from uifakes import open_window

from reverie.app.ui.changes import SETTINGS
from reverie.app.ui.homecards import CompanionCards
from reverie.core import notes, reminders
from reverie.core.consolidation.runner import run_consolidation
from reverie.core.settings import load_settings, save_settings

ui_session = ui_fixtures.ui_session


class FakeShell:
    def __init__(self):
        self.opened, self.pages, self.actions, self.messages = [], [], {}, []

    def open_source(self, memory):
        self.opened.append(memory)

    def show_page(self, key):
        self.pages.append(key)

    def register_action(self, key, fn):
        self.actions[key] = fn

    def show_message(self, text, timeout_ms=8000):
        self.messages.append(text)

    def window(self):
        return None


def at(*args):
    return datetime(*args, tzinfo=UTC).timestamp()


def set_settings(vault, **changes):
    save_settings(vault, dataclasses.replace(load_settings(vault), **changes))


def cards_for(qtbot, session):
    shell = FakeShell()
    cards = CompanionCards(session, shell)
    cards.tz = UTC
    qtbot.addWidget(cards)
    cards.show()
    cards.refresh()
    settle(qtbot, session)
    return cards, shell


def morning(vault, clock):
    clock.set(at(2026, 11, 29, 18, 0))
    reminders.add_reminder(vault, "pick up the prescription", at(2026, 11, 30, 17, 0), clock.now())
    notes.create_note(vault, "Snow on the mountain cabin.", happened_at=at(2024, 11, 30, 15, 0))
    notes.create_note(vault, "Anna's birthday is March 3. We planned a picnic by the river.")
    clock.set(at(2026, 11, 30, 3, 0))
    assert run_consolidation(vault, now=clock.now(), tz=UTC).status == "ok"
    clock.set(at(2026, 11, 30, 8, 0))


def test_the_recap_is_quiet_until_it_is_turned_on(qtbot, ui_session, vault, clock):
    morning(vault, clock)
    set_settings(vault, review_enabled=False)
    cards, _ = cards_for(qtbot, ui_session)
    assert cards.cards is not None and cards.cards.recap is None
    assert cards.recap.isHidden() and cards.review.isHidden()
    set_settings(vault, recap_enabled=True)
    ui_session.publish(SETTINGS)
    qtbot.waitUntil(lambda: not cards.recap.isHidden(), timeout=10_000)
    texts = cards.recap.texts()
    assert texts[0] == "17:00 · pick up the prescription"
    assert any("Anna's birthday is March 3" in t for t in texts)
    assert "2024 · Snow on the mountain cabin." in texts


def test_each_recap_line_opens_its_source(qtbot, ui_session, vault, clock):
    morning(vault, clock)
    set_settings(vault, recap_enabled=True, review_enabled=False)
    cards, shell = cards_for(qtbot, ui_session)
    lines = {w.text(): w for w in cards.recap.rows if hasattr(w, "line")}
    cards.open_line(lines["17:00 · pick up the prescription"].line)
    assert shell.pages == ["reminders"]
    cards.open_line(lines["2024 · Snow on the mountain cabin."].line)
    assert shell.opened and shell.opened[-1].text == "Snow on the mountain cabin."
    fact = next(w for t, w in lines.items() if "Anna's birthday" in t)
    cards.open_line(fact.line)
    assert shell.opened[-1].kind == "fact"


def test_the_fading_card_counts_the_queue_and_hides_when_off(qtbot, ui_session, vault):
    now = vault.now()
    for i in range(3):
        fading_memory(vault, f"Fading thing {i}.", now, age_days=20 + i)
    fading_memory(vault, "Fresh thing.", now, age_days=1)
    cards, shell = cards_for(qtbot, ui_session)
    assert not cards.review.isHidden()
    assert cards.review.title.text() == "3 memories are fading"
    assert "review" in shell.actions
    set_settings(vault, review_enabled=False)
    ui_session.publish(SETTINGS)
    qtbot.waitUntil(lambda: cards.review.isHidden(), timeout=10_000)


def test_home_holds_the_cards(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    assert window.home.companion.recap.isHidden()  # off by default: no nagging
    assert window.action("review") is not None
    window.close()
