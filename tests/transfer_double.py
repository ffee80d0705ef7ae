"""A stand-in for reverie.core.transfer (built elsewhere), to test the Settings page's wiring:
it writes a real file, reports progress, and can be held mid-way to test Cancel."""

from __future__ import annotations

import json
import threading

hold = threading.Event()  # when set, export waits on `release` after its first step
release = threading.Event()


def export_vault(vault, path, passphrase=None, include_vectors=True, progress=None):
    rows = vault.query("SELECT uid, text FROM memories ORDER BY id")
    total = len(rows)
    out = []
    for i, row in enumerate(rows):
        if progress:
            progress(i, total)
        if hold.is_set() and i == 1:
            release.wait(10)
        out.append(list(row))
    if progress:
        progress(total, total)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"memories": out, "encrypted": bool(passphrase)}, fh)
    return {"memories": total}


def import_preview(vault, path, passphrase=None):
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {"memories to add": len(data["memories"])}


def import_vault(vault, path, policy, passphrase=None, progress=None):
    from reverie.core import notes

    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    rows = data["memories"]
    for i, (_uid, text) in enumerate(rows):
        if progress:
            progress(i, len(rows))
        notes.create_note(vault, text, title=f"Imported ({policy})")
    return {"notes added": len(rows)}
