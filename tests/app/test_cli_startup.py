"""A one-shot command loads what it uses: ``reverie search`` and ``reverie ask`` on a small vault
import no torch, sentence-transformers, transformers or Qt, and the command line imports only the
module of the command it runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reverie.app.cli import run as cli_run

HEAVY = ("torch", "sentence_transformers", "transformers", "sklearn", "PySide6", "llama_cpp")

# Runs the CLI in-process, then reports which heavy modules it loaded (argv after the code).
CHILD = (
    "import json, sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from reverie.app import context\n"
    "if sys.argv[2] == 'fake-chat':\n"
    "    from chatfakes import FakeChatModel\n"
    "    context.build_chat_model = lambda settings: FakeChatModel('The dog was walked [1].')\n"
    "from reverie.app.cli import main\n"
    "code = main(sys.argv[3:])\n"
    f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
    "print('MODULES ' + json.dumps(heavy))\n"
    "sys.exit(code)\n"
)

TESTS = str(Path(__file__).resolve().parents[1])


def _run(env: dict[str, str], chat: str, *argv: str) -> tuple[str, list[str]]:
    r = subprocess.run(
        [sys.executable, "-c", CHILD, TESTS, chat, *argv], env=env, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, (argv, r.stdout, r.stderr)
    out, _, modules = r.stdout.rpartition("MODULES ")
    return out, json.loads(modules)


@pytest.mark.slow
def test_search_and_ask_on_a_small_vault_load_no_torch_and_no_qt(tmp_path):
    env = dict(os.environ)
    env.update(
        REVERIE_HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        HF_HUB_OFFLINE="1",
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
    )
    _run(env, "-", "init", "--unencrypted")
    _run(env, "-", "note", "add", "I walked the dog in the park on Sunday")
    # Hybrid search: the new note is embedded first, then the query; both in NumPy.
    out, heavy = _run(env, "-", "search", "strolling with my puppy", "--json")
    found = json.loads(out)
    assert heavy == [] and found["hits"][0]["text"].startswith("I walked the dog")
    assert found["hits"][0]["breakdown"].get("vector") is not None  # meaning took part: the vector list ranked it
    out, heavy = _run(env, "fake-chat", "ask", "where did I walk the dog?", "--json")
    answer = json.loads(out)
    assert heavy == [] and answer["status"] == "complete" and answer["citations"]


def test_a_command_imports_only_its_own_module():
    search = "reverie.app.cli.cmd_search"
    assert cli_run.command_modules(["search", "x"]) == (search,)
    assert cli_run.command_modules(["--home", "/tmp/h", "search", "x"]) == (search,)
    assert cli_run.command_modules(["--home=/tmp/h", "note", "add", "x"]) == ("reverie.app.cli.cmd_notes",)
    for argv in ([], ["--help"], ["--version"], ["frobnicate"], ["-x", "search"]):
        assert cli_run.command_modules(argv) == cli_run.COMMAND_MODULES
    for command, module in cli_run.COMMAND_HOMES.items():
        parser = cli_run.build_parser((module,))
        choices = parser._subparsers._group_actions[0].choices  # the registered command names
        assert command in choices, (command, module)
