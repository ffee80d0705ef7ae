"""The search model (embedder) in Settings, on a real vault and a real local embedding server
(tests/embed_server.py, MiniLM's real vectors): the form, the Test button off the GUI thread, the
progress line, and in the real window a switch that embeds the vault again in the background and a
server that is down (one sentence in Settings and the status bar, search by words)."""

from __future__ import annotations

import pytest
from embed_server import closed_port_url, start_server, stop_server
from uifakes import FakeChatModel

from reverie.app.ui.services import AppServices
from reverie.app.ui.settings.embedder_box import SearchModelBox
from reverie.app.ui.settings.page import embedder_line
from reverie.core import notes
from reverie.core.embedding import embed_pending, pending_count, vector_id
from reverie.core.settings import Settings, load_settings, save_settings
from reverie.models.remote_embedder import RemoteEmbedder

NOTES = [
    "I replaced the chain on my bicycle and oiled the gears.",
    "Lentil soup with carrots and cumin for dinner.",
    "Anna's birthday is on March 3; she likes tulips.",
    "Booked the dentist for a cleaning next Tuesday.",
]


@pytest.fixture
def server():
    running = start_server()
    yield running
    stop_server(running)


def _box(qtbot) -> SearchModelBox:
    box = SearchModelBox()
    qtbot.addWidget(box)
    box.show()
    return box


def _server_settings(url: str, model: str, api: str) -> Settings:
    s = Settings(embedder_kind="server", embedder_url=url, embedder_model=model)
    s.embedder_api = "openai" if api == "openai" else "ollama"
    return s


def test_the_form_loads_stores_and_says_what_is_missing(qtbot):
    box = _box(qtbot)
    s = _server_settings("http://127.0.0.1:11434", "nomic-embed-text", "openai")
    s.embedder_key_env = "REVERIE_EMBED_API_KEY"
    box.load(s)
    assert box.server.isChecked() and box.server_box.isEnabled() and not box.folder_box.isEnabled()
    out = Settings()
    assert box.store(out) is None
    assert (out.embedder_kind, out.embedder_url, out.embedder_model, out.embedder_api, out.embedder_key_env) == (
        "server",
        "http://127.0.0.1:11434",
        "nomic-embed-text",
        "openai",
        "REVERIE_EMBED_API_KEY",
    )
    box.model.setText("")
    assert "name of the search model" in (box.store(Settings()) or "")
    box.folder.setChecked(True)
    assert "folder" in (box.store(Settings()) or "")
    box.browse_dialog = lambda: "/models/my-minilm"
    box.browse.click()
    stored = Settings()
    assert box.store(stored) is None and (stored.embedder_kind, stored.embedder_path) == ("folder", "/models/my-minilm")
    box.builtin.setChecked(True)
    assert box.store(stored) is None and stored.embedder_kind == "default"


def test_test_embeds_one_sentence_off_the_gui_thread(qtbot, server):
    box = _box(qtbot)
    box.load(_server_settings(server.url, "minilm-768", "ollama"))
    box.test.click()
    assert box.test_result.text() == "Embedding a sentence…" and not box.test.isEnabled()  # returned at once
    qtbot.waitUntil(lambda: box.test.isEnabled(), timeout=30_000)
    assert box.test_result.text().startswith("It works: 768-dimensional vectors, ")
    assert server.requests[-1].body["input"] == ["Reverie checks the search model with this sentence."]

    box.url.setText(closed_port_url())
    box.test.click()
    qtbot.waitUntil(lambda: box.test.isEnabled(), timeout=30_000)
    assert "cannot reach the embedding server" in box.test_result.text()
    assert box.test_result.objectName() == "errorText"
    box.shutdown()


def test_the_line_says_how_far_re_embedding_is(vault, server):
    for text in NOTES:
        notes.create_note(vault, text)
    n = vault.counts()["memories"]
    assert "all-MiniLM-L6-v2: ready; " in embedder_line(vault) and f"{n} of {n} memories wait" in embedder_line(vault)
    first = RemoteEmbedder(server.url, "minilm", api="ollama")
    embed_pending(vault, first)
    save_settings(vault, _server_settings(server.url, "minilm-768", "openai"))
    second = RemoteEmbedder(server.url, "minilm-768", api="openai")
    embed_pending(vault, second, limit=1)
    assert embedder_line(vault).startswith(f"Re-embedding for minilm-768: 1 of {n}; search works by words")
    embed_pending(vault, second)
    assert embedder_line(vault).endswith(f"all {n} memories are searchable by meaning.")
    save_settings(vault, Settings(embedder_kind="folder"))
    assert "No model folder is chosen" in embedder_line(vault)


def _window(qtbot, paths, vault):
    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session

    session = Session(paths)
    services = AppServices(session, chat_model=FakeChatModel(), batch_size=2)
    window = MainWindow(session, services)
    qtbot.addWidget(window)
    window.show()
    names: list[str] = []
    window.tasks.changed.connect(lambda: names.append(window.tasks.current().name if window.tasks.current() else ""))
    session.set_vault(vault)
    return window, services, names


def test_switching_in_settings_re_embeds_in_the_background(qtbot, paths, vault, server):
    for text in NOTES:
        notes.create_note(vault, text)
    n = vault.counts()["memories"]
    save_settings(vault, _server_settings(server.url, "minilm", "ollama"))
    window, services, names = _window(qtbot, paths, vault)
    first = vector_id(f"ollama:minilm@{server.url}")
    qtbot.waitUntil(lambda: pending_count(vault, first) == 0, timeout=60_000)

    page = window.features["settings"]
    page.reload()
    qtbot.waitUntil(lambda: page.search_model.server.isChecked(), timeout=10_000)
    page.search_model.api.setCurrentIndex(1)  # OpenAI-compatible
    page.search_model.model.setText("minilm-768")
    page.save.click()
    qtbot.waitUntil(lambda: page.message.text() == "Saved.", timeout=10_000)
    assert load_settings(vault).embedder_model == "minilm-768"
    second = vector_id(f"openai:minilm-768@{server.url}")
    qtbot.waitUntil(lambda: pending_count(vault, second) == 0, timeout=60_000)
    assert {tuple(r) for r in vault.query("SELECT DISTINCT model_id, dim FROM vectors")} == {(second, 768)}
    # The run's signals are queued to this thread: a short run can be over before they are handled.
    qtbot.waitUntil(lambda: "Re-embedding for minilm-768" in names, timeout=10_000)
    qtbot.waitUntil(lambda: f"all {n} memories are searchable by meaning" in page.embedder.text(), timeout=10_000)
    hits = services.searcher(vault).search("repairing a bike", now=vault.now(), mode="vector").hits
    assert "bicycle" in hits[0].memory.text
    assert {r.path for r in server.requests[-3:]} == {"/v1/embeddings"}


def test_a_server_that_is_down_is_one_sentence_and_search_works_by_words(qtbot, paths, vault):
    for text in NOTES:
        notes.create_note(vault, text)
    save_settings(vault, _server_settings(closed_port_url(), "nomic-embed-text", "ollama"))
    window, services, _names = _window(qtbot, paths, vault)
    qtbot.waitUntil(lambda: "cannot reach the embedding server" in window.statusBar().currentMessage(), timeout=30_000)
    page = window.features["settings"]
    qtbot.waitUntil(lambda: "cannot reach the embedding server" in page.search_model.problem.text(), timeout=10_000)
    assert page.search_model.problem.isVisible() or not page.isVisible()
    assert "\n" not in page.search_model.problem.text()
    result = services.searcher(vault).search("bicycle chain", now=vault.now())
    assert result.hits and "bicycle" in result.hits[0].memory.text
    assert vault.query("SELECT count(*) FROM vectors")[0][0] == 0
