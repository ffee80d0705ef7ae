"""Fuzzing the vault importer: mutated files never leak a traceback nor half an import.

The default run tries a few hundred files; set REVERIE_FUZZ_EXAMPLES (e.g. 5000) for a long run.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transfer_helpers import dump, members, populate, rebuild

from reverie.core.errors import ReverieError
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.transfer import export_vault, import_vault
from reverie.core.vault import Vault

EXAMPLES = int(os.environ.get("REVERIE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 150,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    from reverie.core.clock import FixedClock

    folder = tmp_path_factory.mktemp("fuzz-source")
    clock = FixedClock()
    v = Vault.create(vault_paths(folder / "v"), KeyMode.NONE, clock=clock)
    populate(v, clock)
    path = export_vault(v, folder / "good.reverie").path
    v.close()
    return path


def _check(vault, path):
    before = dump(vault)
    try:
        import_vault(vault, path)
    except ReverieError as exc:
        message = str(exc)
        assert message and len(message.splitlines()) == 1 and message.endswith("."), message
        assert dump(vault) == before, message


@FUZZ
@given(data=st.data())
def test_byte_mutations(vault, good, tmp_path, data):
    raw = bytearray(good.read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    bad = tmp_path / "bytes.reverie"
    bad.write_bytes(bytes(raw))
    _check(vault, bad)


@FUZZ
@given(data=st.data())
def test_record_mutations_with_valid_checksums(vault, good, tmp_path, data):
    parts = {n: d for n, d in members(good).items() if n.endswith(".jsonl") and d}
    name = data.draw(st.sampled_from(sorted(parts)))
    lines = parts[name].splitlines(keepends=True)
    i = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["set", "drop", "dup", "swap", "bytes", "delete"]))
    rec = json.loads(lines[i])
    if action == "set":
        rec[data.draw(st.sampled_from(sorted(rec)))] = data.draw(json_values)
        lines[i] = json.dumps(rec).encode() + b"\n"
    elif action == "drop":
        rec.pop(data.draw(st.sampled_from(sorted(rec))))
        lines[i] = json.dumps(rec).encode() + b"\n"
    elif action == "dup":
        lines.insert(i, lines[i])
    elif action == "swap":
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif action == "bytes":
        lines[i] = data.draw(st.binary(max_size=40)).replace(b"\n", b"") + b"\n"
    else:
        del lines[i]
    bad = rebuild(good, tmp_path / "records.reverie", edit={name: b"".join(lines)})
    _check(vault, bad)
