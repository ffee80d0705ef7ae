"""The fuzz drill of the transfer importers (``run_fuzz``, also reachable as ``drills.transfer.run_fuzz``):
a real export, a Markdown folder and a ChatGPT export, mutated byte by byte and record by record."""

from __future__ import annotations

import json
import os
import random
import shutil
import zipfile
from pathlib import Path
from typing import Any

# -- fuzz -----------------------------------------------------------------------------------


def _mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        at = rng.randrange(len(buf)) if buf else 0
        if op < 0.4 and buf:
            buf[at] = rng.randrange(256)
        elif op < 0.6:
            buf[at:at] = rng.choice(
                (
                    b"\xff",
                    b"\x00",
                    b'"',
                    b"\\ud800",
                    b"1e300",
                    b"-1e12",
                    b"{",
                    b"]",
                    b"9" * 30,
                    bytes([rng.randrange(256)]),
                )
            )
        elif op < 0.8 and buf:
            del buf[at : at + rng.randint(1, 16)]
        elif buf:
            del buf[at:]  # truncated
    return bytes(buf)


BAD_TIMES = (1e300, -1e300, 2**70, -(2**70), -1e12, 1e12, 7_289_654_400.0, -2_208_988_801.0)
BAD_DATES = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31", "2201-01-01", "[[0002-02-02]]")


def _json_mutate(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """A structural mutation of a JSON value: a field replaced by a hostile value, dropped or added."""
    hostile = (
        1e300,
        -(2**70),
        -1e12,
        None,
        [],
        {},
        "x" * 300,
        "\ud800",
        "",
        "user",
        True,
        "0001-01-01T00:00:00+14:00",
    )
    if isinstance(value, dict) and value:
        key = rng.choice(list(value))
        roll = rng.random()
        if roll < 0.5 and depth < 6:
            value[key] = _json_mutate(value[key], rng, depth + 1)
        elif roll < 0.7:
            value[key] = rng.choice(hostile)
        elif roll < 0.85:
            del value[key]
        else:
            value["F" * rng.randint(1, 200)] = rng.choice(hostile)
        return value
    if isinstance(value, list) and value:
        i = rng.randrange(len(value))
        if rng.random() < 0.7 and depth < 6:
            value[i] = _json_mutate(value[i], rng, depth + 1)
        else:
            value.append(value[i] if rng.random() < 0.5 else rng.choice(hostile))  # a duplicate
        return value
    return rng.choice(hostile)


def _rezip(members: dict[str, bytes], manifest: dict[str, Any]) -> bytes:
    import hashlib
    import io

    manifest = dict(manifest)
    manifest["members"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)} for n, d in members.items()}
    manifest["counts"] = {n[:-6]: d.count(b"\n") for n, d in members.items()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return buf.getvalue()


def _vault_mutant(original: bytes, rng: random.Random) -> bytes:
    """Half raw byte mutations of the file, half mutations of one record with checksums fixed, so
    the record checks are reached."""
    if rng.random() < 0.5:
        return _mutate(original, rng)
    import io

    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    name = rng.choice(sorted(members))
    lines = members[name].splitlines(keepends=True)
    if lines:
        i = rng.randrange(len(lines))
        roll = rng.random()
        if roll < 0.4:
            lines[i] = _mutate(lines[i], rng)
        elif roll < 0.6:  # a time out of range in a record that is otherwise right
            rec = json.loads(lines[i])
            times = [k for k in rec if k.endswith("_at") or k in ("at", "valid_from", "valid_to")]
            if times:
                rec[rng.choice(times)] = rng.choice(BAD_TIMES)
            lines[i] = (json.dumps(rec) + "\n").encode("utf-8")
        else:
            rec = _json_mutate(json.loads(lines[i]), rng)
            lines[i] = (json.dumps(rec, ensure_ascii=rng.random() < 0.5) + "\n").encode("utf-8", "surrogatepass")
    members[name] = b"".join(lines)
    return _rezip(members, manifest)


def _signature(vault: Any) -> tuple[int, ...]:
    with vault.read() as conn:
        tables = ("conversations", "messages", "notes", "memories", "citations", "history", "import_files")
        return tuple(int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables)


def _stored_bad_times(vault: Any) -> int:
    from reverie.core.clock import in_range

    cols = {
        "notes": ("created_at", "updated_at", "happened_at"),
        "messages": ("created_at", "happened_at"),
        "conversations": ("created_at", "updated_at"),
        "memories": ("recorded_at", "happened_at"),
    }
    bad = 0
    with vault.read() as conn:
        for table, names in cols.items():
            for row in conn.execute(f"SELECT {', '.join(names)} FROM {table}"):
                bad += sum(not in_range(v) for v in row)
    return bad


def _chatgpt_sample() -> list[Any]:
    def node(nid: str, parent: str | None, children: list[str], role: str | None = None, text: str = "") -> Any:
        msg = None
        if role:
            msg = {
                "id": nid,
                "author": {"role": role, "name": None},
                "create_time": 1_700_000_000 + len(nid),
                "content": {"content_type": "text", "parts": [text]},
                "metadata": {"is_visually_hidden_from_conversation": role == "system"},
            }
        return {"id": nid, "message": msg, "parent": parent, "children": children}

    mapping = {
        "root": node("root", None, ["sys"]),
        "sys": node("sys", "root", ["u1"], "system", "be brief"),
        "u1": node("u1", "sys", ["a1"], "user", "What is the capital of Portugal?"),
        "a1": node("a1", "u1", [], "assistant", "Lisbon."),
    }
    conv = {
        "title": "Portugal",
        "create_time": 1_700_000_000,
        "update_time": 1_700_000_100,
        "mapping": mapping,
        "current_node": "a1",
        "conversation_id": "conv-1",
    }
    other = json.loads(json.dumps(conv))
    other["conversation_id"], other["title"] = "conv-2", "Trams"
    return [conv, other]


MARKDOWN_SAMPLE = {
    "trip.md": "---\ntitle: Trip\ntags: [travel]\ndate: 2023-05-04\nrating: 5\n---\nWe met [[Anna]]. #summer\n",
    "Anna.md": "# Anna\n\nBirthday March 3.\n",
    "todo.txt": "buy milk\n",
}


FRESH_EVERY = 300  # mutations per target vault


def run_fuzz(mutations: int, workdir: str | Path, *, seed: int = 99) -> dict[str, int]:
    """Mutate a real export, Markdown files and a ChatGPT export; import each mutant as a dry run
    and for real. Returns counts; ``tracebacks``, ``partial_imports`` and ``bad_times_stored``
    must be 0."""
    from reverie.core.bring import pipeline
    from reverie.core.clock import FixedClock
    from reverie.core.errors import ReverieError
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.transfer import export_vault, import_preview, import_vault
    from reverie.core.transfer.chatgpt_import import import_chatgpt
    from reverie.core.transfer.markdown_import import import_markdown_folder
    from reverie.core.transfer.markdown_preview import preview_markdown_folder
    from reverie.core.vault import Vault

    work = Path(workdir) / "fuzz"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    clock = FixedClock()
    source = Vault.create(vault_paths(work / "source"), KeyMode.NONE, clock=clock)
    _fuzz_source(source, clock)
    real = export_vault(source, work / "real.reverie").path.read_bytes()
    source.close()
    target = Vault.create(vault_paths(work / "target"), KeyMode.NONE, clock=clock)
    chatgpt = json.dumps(_chatgpt_sample()).encode("utf-8")
    rng = random.Random(seed)
    counts = dict.fromkeys(("mutations", "imported", "refused", "tracebacks", "partial_imports", "bad_times_stored"), 0)
    examples: list[str] = []
    bad_seen = 0
    try:
        for i in range(mutations):
            if i and i % FRESH_EVERY == 0:  # a fresh vault now and then: its history would grow without end
                target.close()
                shutil.rmtree(work / "target")
                target = Vault.create(vault_paths(work / "target"), KeyMode.NONE, clock=clock)
                bad_seen = 0
            kind = ("vault", "markdown", "chatgpt")[i % 3]
            case = work / f"case-{i % 7}"
            shutil.rmtree(case, ignore_errors=True)
            case.mkdir()
            if kind == "vault":
                path = case / "m.reverie"
                path.write_bytes(_vault_mutant(real, rng))
                calls = [
                    lambda p=path, v=target: import_preview(v, p),
                    lambda p=path, v=target: import_vault(v, p),
                ]
            elif kind == "markdown":
                folder = case / "notes"
                folder.mkdir()
                for name, text in MARKDOWN_SAMPLE.items():
                    data = text.encode("utf-8")
                    if rng.random() < 0.25:
                        field = rng.choice(("date", "created", "updated", "modified"))
                        data = f"---\n{field}: {rng.choice(BAD_DATES)}\n---\n".encode() + data
                    if rng.random() < 0.5:
                        data = _mutate(data, rng)
                    fname = os.fsencode(name)
                    if rng.random() < 0.2:
                        fname = _mutate(fname[:-3], rng).replace(b"/", b"_").replace(b"\x00", b"_") + fname[-3:]
                    with open(os.path.join(os.fsencode(folder), fname or b"x.md"), "wb") as fh:
                        fh.write(data)
                calls = [
                    lambda f=folder, v=target: preview_markdown_folder(v, f),
                    lambda f=folder, v=target: import_markdown_folder(v, f, mine=rng.random() < 0.5),
                    # the pipeline the window and `reverie import` use reads the same files
                    lambda f=folder, v=target: pipeline.preview(v, pipeline.plan(f)),
                    lambda f=folder, v=target: pipeline.bring_in(v, pipeline.plan(f), mine=rng.random() < 0.5),
                ]
            else:
                path = case / "conversations.json"
                if rng.random() < 0.5:
                    path.write_bytes(_mutate(chatgpt, rng))
                else:
                    data = _json_mutate(_chatgpt_sample(), rng)
                    path.write_bytes(json.dumps(data).encode("utf-8", "surrogatepass"))
                calls = [lambda p=path, v=target: import_chatgpt(v, p)]
            counts["mutations"] += 1
            for call in calls:
                before = _signature(target)
                try:
                    call()
                except ReverieError:
                    counts["refused"] += 1
                    if _signature(target) != before:
                        counts["partial_imports"] += 1
                except Exception as exc:  # noqa: BLE001 - anything else is a traceback the user would see
                    counts["tracebacks"] += 1
                    if len(examples) < 5:
                        examples.append(f"{kind}: {type(exc).__name__}: {str(exc)[:200]}")
                else:
                    counts["imported"] += 1
            if i % 10 == 9 or i == mutations - 1:
                bad = _stored_bad_times(target)
                if bad > bad_seen:
                    counts["bad_times_stored"] += bad - bad_seen
                    examples.append(f"{kind}: a time outside 1900-2200 was stored")
                bad_seen = bad
    finally:
        target.close()
    if examples:
        (Path(workdir) / "fuzz-examples.txt").write_text("\n".join(examples), encoding="utf-8")
    return counts


def _fuzz_source(vault: Any, clock: Any) -> None:
    """A small vault with every kind of record (notes, a conversation, facts, citations, history)."""
    from reverie.core import conversations, ingest, notes

    notes.create_note(vault, "# Trip\n\nWe went to Lisbon in May.", tags=["travel"])
    notes.create_note(vault, "Anna's birthday is March 3.", "Anna", ["people"], properties={"rating": "5"})
    conv = conversations.create_conversation(vault, "First chat")
    conversations.add_message(vault, conv.id, "user", "When is Anna's birthday?")
    answer = conversations.add_message(vault, conv.id, "assistant", "March 3 [1].", meta={"remembered": True})
    now = clock.advance(60)
    with vault.tx() as conn:
        fact = ingest.insert_memory(
            conn, now, kind="fact", source_kind="consolidation", source_id=None, text="Anna's birthday is March 3."
        )
        uid = conn.execute("SELECT uid FROM memories WHERE id = ?", (fact,)).fetchone()[0]
        conn.execute("INSERT INTO citations(message_id, n, memory_uid) VALUES (?, 1, ?)", (answer.id, uid))
