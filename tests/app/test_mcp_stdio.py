"""``reverie mcp`` at the edges: a locked vault, no vault, and the protocol channel itself (nothing but
JSON-RPC on stdout, a clean exit when the app closes stdin)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from mcp_client import McpClient, server_command, server_env, text_of

from reverie.app.mcp.backend import LOCKED
from reverie.core import notes
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault

PASS = "correct horse battery staple"


@pytest.fixture
def passphrase_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    vault = Vault.create(vault_paths(home), KeyMode.PASSPHRASE, PASS)
    notes.create_note(vault, "Maya is moving to Lisbon in March.", "Maya's move")
    vault.close()
    return home


def test_a_locked_vault_answers_every_tool_with_one_sentence(passphrase_home, tmp_path):
    client = McpClient(passphrase_home, app="LM Studio", errlog=tmp_path / "err.txt")
    try:
        assert len(client.tools()) == 5  # the server started and serves its tools
        for tool, args in (
            ("search_memories", {"query": "Maya"}),
            ("remember", {"text": "aisle seats"}),
            ("get_memory", {"id": 1}),
            ("list_recent", {}),
            ("forget", {"id": 1}),
        ):
            result = client.call(tool, args)
            assert result.is_error and text_of(result) == LOCKED
        with pytest.raises(Exception, match="REVERIE_PASSPHRASE"):
            client.read("reverie://profile")
    finally:
        client.close()
    vault = Vault.open(vault_paths(passphrase_home), passphrase=PASS)
    try:
        with vault.read() as conn:
            assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 1
    finally:
        vault.close()


def test_no_vault_yet_says_where_it_looked(tmp_path):
    client = McpClient(tmp_path / "nowhere", app="Cursor", errlog=tmp_path / "err.txt")
    try:
        result = client.call("search_memories", {"query": "Maya"})
        assert result.is_error and text_of(result).startswith("There is no Reverie vault in ")
        assert "open Reverie once" in text_of(result)
    finally:
        client.close()
    assert not (tmp_path / "nowhere").exists()  # the server never makes a vault


def _rpc(id_: int | None, method: str, params: dict | None = None) -> str:
    msg: dict = {"jsonrpc": "2.0", "method": method}
    if id_ is not None:
        msg["id"] = id_
    if params is not None:
        msg["params"] = params
    return json.dumps(msg) + "\n"


def test_stdout_carries_only_the_protocol_and_the_server_exits_when_stdin_closes(passphrase_home, tmp_path):
    command, args = server_command(passphrase_home)
    lines = [
        _rpc(
            1,
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "Raw Client", "version": "9"},
            },
        ),
        _rpc(None, "notifications/initialized"),
        _rpc(2, "tools/list", {}),
        # Loads the embedder (the likeliest source of stray prints) and writes a note.
        _rpc(3, "tools/call", {"name": "search_memories", "arguments": {"query": "where is Maya moving"}}),
        _rpc(4, "tools/call", {"name": "remember", "arguments": {"text": "I prefer aisle seats."}}),
        _rpc(5, "resources/read", {"uri": "reverie://profile"}),
    ]
    proc = subprocess.Popen(
        [command, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=server_env(REVERIE_PASSPHRASE=PASS),
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    messages: list[dict] = []
    try:
        for line in lines:  # as an app does: each request, then its answer, before the next
            proc.stdin.write(line)
            proc.stdin.flush()
            wanted = json.loads(line).get("id")
            while wanted is not None:
                out = proc.stdout.readline()
                assert out, "the server closed stdout"
                messages.append(json.loads(out))  # every line is JSON: nothing else reaches stdout
                if messages[-1].get("id") == wanted:
                    break
        proc.stdin.close()  # the app quits
        code = proc.wait(timeout=120)
        rest = proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.stderr.read() if proc.stderr else ""
    assert code == 0, stderr[-2000:]
    assert rest.strip() == ""
    assert all(m.get("jsonrpc") == "2.0" for m in messages)
    by_id = {m["id"]: m for m in messages if "id" in m}
    assert set(by_id) == {1, 2, 3, 4, 5}
    assert by_id[1]["result"]["serverInfo"]["name"] == "reverie"
    hits = by_id[3]["result"]["structuredContent"]["hits"]
    assert hits and "Lisbon" in hits[0]["text"]
    assert by_id[4]["result"].get("isError") is not True
    assert "Raw Client" in by_id[4]["result"]["structuredContent"]["source"]
