"""Moving to a capable model in one step from the window: Settings lists the models found (size,
parameters, tier, the one in use) with "Use this model"; Chat's empty state shows the model in use
and up to three others with "Use". Looking for models (folder walks, GGUF headers) never runs on
the GUI thread."""

from __future__ import annotations

import threading

import pytest
import ui_fixtures
from ggufmake import write_gguf, write_sparse_gguf
from PySide6.QtCore import Qt
from uifakes import open_window

from reverie.app.ui.settings import SettingsPage
from reverie.app.ui.tasks import TaskTracker
from reverie.core.settings import load_settings
from reverie.core.tiers import TIER_ABOUT
from reverie.models import gguf, registry
from reverie.models.registry import find_ggufs

ui_session = ui_fixtures.ui_session
QWEN = "Qwen2.5 1.5B Instruct"


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "user"
    write_sparse_gguf(h / "models" / "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf", 1_543_714_304, name=QWEN)
    write_gguf(h / ".lmstudio" / "models" / "pub" / "t" / "tiny-Q8_0.gguf", name="Tiny One", file_type=7)
    monkeypatch.setenv("HOME", str(h))
    return h


@pytest.fixture
def scan_threads(monkeypatch):
    """The names of the threads that walked a folder or read a GGUF header."""
    seen: list[str] = []
    real_scan, real_parse = registry._scan, gguf._parse

    def scan(folder):
        seen.append(threading.current_thread().name)
        return real_scan(folder)

    def parse(*args):
        seen.append(threading.current_thread().name)
        return real_parse(*args)

    monkeypatch.setattr(registry, "_scan", scan)
    monkeypatch.setattr(gguf, "_parse", parse)
    return seen


def _off_the_gui_thread(seen: list[str]) -> None:
    assert seen, "nothing was scanned"
    assert threading.main_thread().name not in seen
    assert {name.split("_")[0] for name in seen} <= {"reverie-model", "reverie-db"}


def _settings_page(qtbot, session, home):
    page = SettingsPage(session, TaskTracker(), finder=lambda folders: find_ggufs(folders, home=home))
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    page.reload()
    # the list is built once the scan (model lane) and the saved settings (database lane) are both in
    qtbot.waitUntil(
        lambda: (
            len(page.model_box.rows) == 3
            and session.model.pending == 0
            and session.db.pending == 0
            and all(row.button.isVisibleTo(page) for row in page.model_box.rows)
        ),
        timeout=15_000,
    )
    return page


def test_settings_lists_models_with_tier_and_uses_one_in_a_click(qtbot, ui_session, vault, home, scan_threads):
    page = _settings_page(qtbot, ui_session, home)
    box = page.model_box
    rows = {row.entry.name: row for row in box.rows}
    assert set(rows) == {"SmolLM2-135M-Instruct", QWEN, "Tiny One"}
    assert box.rows[0].entry.name == "SmolLM2-135M-Instruct"
    default, qwen = rows["SmolLM2-135M-Instruct"], rows[QWEN]
    assert "135M parameters · tiny · bundled" in default.facts.text() and "MB" in default.facts.text()
    assert "1.5B parameters · capable · folder" in qwen.facts.text() and "GB" in qwen.facts.text()
    assert default.button.text() == "In use" and not default.button.isEnabled()
    assert qwen.button.text() == "Use this model" and qwen.button.isEnabled() and qwen.button.isVisibleTo(page)
    assert box.in_use.text() == "In use: <b>SmolLM2-135M-Instruct</b>, tiny."
    assert TIER_ABOUT["tiny"] in box.about.text() and TIER_ABOUT["capable"] in box.about.text()
    assert box.get_bigger.isHidden()  # a capable model was found: no need to say where to get one
    assert "1.5B parameters" in box.combo.itemText(box.combo.findData(str(qwen.entry.path)))

    qtbot.mouseClick(qwen.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: load_settings(vault).chat_model_kind == "gguf", timeout=10_000)
    assert load_settings(vault).chat_model_path == str(home / "models" / "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf")
    qtbot.waitUntil(lambda: box.in_use.text() == f"In use: <b>{QWEN}</b>, capable.", timeout=15_000)
    assert box.gguf.isChecked() and box.combo.currentData() == str(qwen.entry.path)
    rows = {row.entry.name: row for row in box.rows}
    assert rows[QWEN].button.text() == "In use" and rows["SmolLM2-135M-Instruct"].button.isEnabled()
    qtbot.waitUntil(lambda: ui_session.db.pending == 0 and ui_session.model.pending == 0, timeout=10_000)
    _off_the_gui_thread(scan_threads)


def test_settings_says_where_to_get_a_bigger_model_when_none_is_found(qtbot, ui_session, tmp_path):
    page = SettingsPage(ui_session, TaskTracker(), finder=lambda folders: find_ggufs(folders, home=tmp_path / "empty"))
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: len(page.model_box.rows) == 1, timeout=15_000)
    assert page.model_box.get_bigger.isVisibleTo(page)
    assert "LM Studio or Ollama" in page.model_box.get_bigger.text()


def test_chat_empty_state_shows_the_model_in_use_and_uses_another(qtbot, paths, vault, home, scan_threads):
    for i in range(3):  # five models besides the default: three are shown
        write_gguf(home / "models" / f"small-{i}.gguf", name=f"Small {i}")
    window = open_window(qtbot, paths, vault)
    services = window.services
    dropped: list[str] = []
    real_changed = services.chat_model_changed

    def changed():
        dropped.append(threading.current_thread().name)
        real_changed()

    services.chat_model_changed = changed
    chat = window.show_page("chat")
    state = chat.empty_state
    qtbot.waitUntil(lambda: len(state.rows) == 3, timeout=15_000)
    assert state.isVisibleTo(chat) and not chat.thread.isVisibleTo(chat)
    assert "Model in use: <b>SmolLM2-135M-Instruct</b> · tiny" in state.model_line.text()
    assert state.about.text() == TIER_ABOUT["tiny"]
    assert state.rows[0].entry.name == QWEN and state.rows[0].button.text() == "Use"  # capable first
    qtbot.waitUntil(lambda: all(row.button.isEnabled() and row.button.isVisibleTo(chat) for row in state.rows))
    assert state.more.text() == "…and 2 more in Settings."
    assert "LM Studio or Ollama" in state.get_bigger.text() and state.get_bigger.isVisibleTo(chat)

    qtbot.mouseClick(state.rows[0].button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"Model in use: <b>{QWEN}</b> · capable" in state.model_line.text(), timeout=15_000)
    assert load_settings(vault).chat_model_kind == "gguf"
    assert [name.split("_")[0] for name in dropped] == ["reverie-model"]  # the next answer loads the new model
    assert state.about.text() == TIER_ABOUT["capable"] and state.get_bigger.isHidden()
    assert QWEN not in [row.entry.name for row in state.rows]
    box = window.pages["settings"].widget.model_box  # Settings follows a choice made in Chat
    qtbot.waitUntil(lambda: box.gguf.isChecked() and QWEN in box.in_use.text(), timeout=15_000)

    chat.composer.setPlainText("Hello there")
    chat.send()
    qtbot.waitUntil(lambda: not chat.flow.running and chat.messages.rowCount() >= 2, timeout=15_000)
    assert chat.thread.isVisibleTo(chat) and not state.isVisibleTo(chat)
    chat.new_conversation()
    qtbot.waitUntil(lambda: chat.messages.rowCount() == 0 and state.isVisibleTo(chat), timeout=10_000)
    qtbot.waitUntil(lambda: window.session.db.pending == 0 and window.session.model.pending == 0, timeout=10_000)
    _off_the_gui_thread(scan_threads)


def test_a_failed_use_says_why_and_keeps_the_settings(qtbot, paths, vault, home):
    window = open_window(qtbot, paths, vault)
    state = window.show_page("chat").empty_state
    qtbot.waitUntil(lambda: len(state.rows) >= 1, timeout=15_000)
    row = state.rows[0]
    (home / "models" / "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf").unlink()  # gone since it was listed
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state.message.isVisibleTo(state), timeout=10_000)
    assert "does not exist" in state.message.text()
    assert load_settings(vault).chat_model_kind == "default"
    assert vault.query("SELECT count(*) FROM history WHERE entity = 'settings'") == [(0,)]


def test_settings_use_of_a_model_gone_since_listed_says_why_and_keeps_the_form(qtbot, ui_session, vault, home):
    page = _settings_page(qtbot, ui_session, home)
    box = page.model_box
    qwen = next(row for row in box.rows if row.entry.name == QWEN)
    qwen.entry.path.unlink()
    qtbot.mouseClick(qwen.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "does not exist" in box.use_message.text(), timeout=10_000)
    assert box.use_message.isVisibleTo(page) and load_settings(vault).chat_model_kind == "default"
    qtbot.waitUntil(lambda: len(box.rows) == 2, timeout=15_000)  # looked for again: the file is gone
    assert box.default.isChecked() and box.in_use.text() == "In use: <b>SmolLM2-135M-Instruct</b>, tiny."
