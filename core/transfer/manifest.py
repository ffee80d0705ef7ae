"""The manifest of a ``.reverie`` vault file: format, version, embedder, counts, each member's
SHA-256 and size, and the exporting vault's signature (see docs/vault-format.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from reverie.core.errors import TransferError
from reverie.core.transfer.format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_INT,
    MEMBERS,
    _BadFieldError,
    _bounded,
    _id,
    _int,
    _num,
    _optional,
    _text,
    decode_line,
    echo,
)


@dataclass
class Manifest:
    app_version: str
    created_at: float
    embedder_id: str | None
    embedder_dim: int | None
    counts: dict[str, int] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    format: str = FORMAT_NAME
    version: int = FORMAT_VERSION
    sizes: dict[str, int] = field(default_factory=dict)  # member -> bytes unpacked (absent in older files)
    vault_id: str | None = None  # the vault it was exported from
    signature: str | None = None  # HMAC of the contents with that vault's secret (``sign``)

    def signed_text(self) -> bytes:
        """What the signature covers: the vault id, the time and every member's checksum and size."""
        body = {"vault": self.vault_id, "created_at": self.created_at, "counts": self.counts, "sha256": self.sha256}
        body["sizes"] = self.sizes
        return json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode("ascii")

    def sign(self, secret: bytes) -> None:
        self.signature = hmac.new(secret, self.signed_text(), hashlib.sha256).hexdigest()

    def signed_by(self, vault_id: str, secret: bytes | None) -> bool:
        """Whether this file was exported by the vault ``vault_id`` holding ``secret``."""
        if secret is None or self.signature is None or self.vault_id != vault_id:
            return False
        expected = hmac.new(secret, self.signed_text(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.signature)

    def to_json(self) -> str:
        members: dict[str, dict[str, Any]] = {}
        for name, digest in sorted(self.sha256.items()):
            members[name] = {"sha256": digest}
            if name in self.sizes:
                members[name]["bytes"] = self.sizes[name]
        data: dict[str, Any] = {
            "format": self.format,
            "version": self.version,
            "app_version": self.app_version,
            "created_at": self.created_at,
            "embedder": {"id": self.embedder_id, "dim": self.embedder_dim},
            "counts": self.counts,
            "members": members,
        }
        if self.vault_id is not None:
            data["vault"] = {"id": self.vault_id, "signature": self.signature}
        return json.dumps(data, indent=2, ensure_ascii=False)

    @classmethod
    def parse(cls, data: bytes, names: set[str]) -> Manifest:
        bad = "The vault file's manifest is damaged ({}); the vault was not changed."
        raw = decode_line(data, "The vault file's manifest")
        if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
            raise TransferError(
                "This file is not a Reverie vault file (its manifest names another format); the vault was not changed."
            )
        version = raw.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise TransferError(bad.format("no valid format version"))
        if version > FORMAT_VERSION:
            raise TransferError(
                f"This vault file uses format version {version}, made by a newer Reverie "
                f"(this one reads up to {FORMAT_VERSION}); update Reverie to import it."
            )
        try:
            emb = raw.get("embedder") or {}
            members = raw["members"]
            counts = {str(k): _int(v) for k, v in dict(raw["counts"]).items()}
            sha = {str(k): str(v["sha256"]) for k, v in dict(members).items()}
            sizes = {str(k): _bounded(_int, 0, MAX_INT)(v["bytes"]) for k, v in dict(members).items() if "bytes" in v}
            created = _num(raw["created_at"])
            emb_id = _optional(_text)(emb.get("id"))
            emb_dim = _optional(_int)(emb.get("dim"))
            origin = raw.get("vault") or {}
            vault_id = _optional(_id)(origin.get("id"))
            signature = _optional(_id)(origin.get("signature"))
        except (KeyError, TypeError, ValueError, AttributeError, _BadFieldError):
            raise TransferError(bad.format("a required entry is missing or malformed")) from None
        if set(sha) != names:
            missing = sorted(set(sha) ^ names)[0]
            raise TransferError(
                f"The vault file's manifest and its contents disagree about {echo(missing)}; the vault was not changed."
            )
        if set(counts) != {MEMBERS[n] for n in names if n in MEMBERS}:
            raise TransferError(bad.format("its record counts do not match its members"))
        return cls(
            str(raw.get("app_version", ""))[:100],
            created,
            emb_id,
            emb_dim,
            counts,
            sha,
            version=version,
            sizes=sizes,
            vault_id=vault_id,
            signature=signature,
        )
