"""The pages the screenshot tool shows, each as a function that brings the window to that screen.

Shared by ``screenshots`` (which saves PNGs) and the tests that check every page for clipped
text (``screencheck``). A screen function takes a ``Stage`` (the window on a vault, the ids the
sample data made, and ``settle()``, which returns once the lanes are idle and the window is laid
out) and returns the widget to capture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QScrollArea, QWidget

from reverie.app.ui.main_window import MainWindow


@dataclass
class Stage:
    window: MainWindow
    settle: Callable[[], None]
    ids: dict[str, str] = field(default_factory=dict)  # "code", "answers", "note": conversations and notes

    def page(self, key: str) -> Any:
        widget = self.window.show_page(key)
        self.settle()
        return widget


ScreenFn = Callable[[Stage], QWidget]


def home(stage: Stage) -> QWidget:
    stage.page("home")
    return stage.window


def _conversation(key: str) -> ScreenFn:
    def show(stage: Stage) -> QWidget:
        chat = stage.page("chat")
        cid = stage.ids.get(key)
        if cid:
            chat.load(cid)
        stage.settle()
        stage.settle()  # the thread lays out its messages after they arrive
        return stage.window

    return show


def chat_new(stage: Stage) -> QWidget:
    """A new conversation: made once, then shown again (each size and theme adds no other)."""
    chat = stage.page("chat")
    if stage.ids.get("new"):
        chat.load(stage.ids["new"])
    else:
        chat.new_conversation()
    stage.settle()
    stage.settle()
    if chat.cid:
        stage.ids["new"] = chat.cid
    return stage.window


def notes(stage: Stage) -> QWidget:
    page = stage.page("notes")
    note = stage.ids.get("note")
    if note:
        page.open_note(note)
        stage.settle()
    return stage.window


def _search(query: str) -> ScreenFn:
    def show(stage: Stage) -> QWidget:
        page = stage.page("search")
        page.query.setText(query)
        page.run_search()  # now, not after the typing pause
        stage.settle()
        stage.settle()
        return stage.window

    return show


def _memories(tab: int, by_day: bool = False, archived: bool = False) -> ScreenFn:
    def show(stage: Stage) -> QWidget:
        mem = stage.page("memories")
        browse = mem.browse
        if tab == 0:
            (browse.days_button if by_day else browse.list_button).click()
            stage.settle()
            if by_day:
                model = browse.days_model
                if model.rowCount():
                    best = max(range(model.rowCount()), key=lambda r: sum(model.days[r][1].values()))
                    browse.days.setCurrentIndex(model.index(best, 0))
            browse.archived.setCurrentIndex(1 if archived else 0)
            stage.settle()
            browse.table.selectRow(0)
        mem.tabs.setCurrentIndex(tab)
        stage.settle()
        stage.settle()
        return stage.window

    return show


def insights(stage: Stage) -> QWidget:
    stage.page("insights")
    stage.settle()
    return stage.window


def reminders(stage: Stage) -> QWidget:
    stage.page("reminders")
    stage.settle()
    return stage.window


def _settings(where: float) -> ScreenFn:
    def show(stage: Stage) -> QWidget:
        page = stage.page("settings")
        scroll = page.findChild(QScrollArea)
        if scroll is not None:
            bar = scroll.verticalScrollBar()
            bar.setValue(int(bar.maximum() * where))
        stage.settle()
        return stage.window

    return show


# name -> screen, in the order a person meets them
PAGES: dict[str, ScreenFn] = {
    "home": home,
    "chat": _conversation("first"),
    "chat-answers": _conversation("answers"),
    "chat-long-code": _conversation("code"),
    "chat-new": chat_new,
    "notes": notes,
    "search": _search("tulip bulbs"),
    "search-any-time": _search("tulip bulbs 3 years ago"),
    "memories": _memories(0),
    "memories-by-day": _memories(0, by_day=True),
    "memories-archived": _memories(0, archived=True),
    "about-me": _memories(1),
    "reminders": reminders,
    "insights": insights,
    "settings": _settings(0.0),
    "settings-middle": _settings(0.5),
    "settings-bottom": _settings(1.0),
}

# the pages of an empty, locked or very full vault
EMPTY_PAGES = ("home", "chat", "notes", "search", "memories", "about-me", "reminders", "insights")
LOCKED_PAGES = ("home", "chat", "notes", "search", "memories", "insights", "settings")
BIG_PAGES = ("home", "memories", "memories-by-day", "search", "insights", "notes")
