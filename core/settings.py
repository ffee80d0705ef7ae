"""Typed settings with a schema version, kept in the vault's ``settings`` table."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from reverie.core.errors import InputError
from reverie.core.tiers import TierChoice
from reverie.core.vault import Vault

SETTINGS_VERSION = 1
ChatModelKind = Literal["default", "gguf", "server"]
EmbedderKind = Literal["default", "folder", "server"]
EmbedderApi = Literal["ollama", "openai"]
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
Theme = Literal["system", "light", "dark"]
_KEY = "app"


@dataclass
class Settings:
    version: int = SETTINGS_VERSION
    # chat model: "default" (the bundled SmolLM2 GGUF), "gguf" (chat_model_path), "server"
    chat_model_kind: ChatModelKind = "default"
    chat_model_path: str = ""
    server_url: str = ""
    server_model: str = ""
    model_folders: list[str] = field(default_factory=list)
    context_size: int = 4096
    threads: int = 0  # 0: let the model adapter choose
    chat_tier: TierChoice = "auto"  # "auto": from the model's size (core/tiers.py)
    # search model (embedder): "default" (the bundled all-MiniLM-L6-v2), "folder" (a
    # sentence-transformers model folder), "server" (Ollama /api/embed or OpenAI-compatible
    # /v1/embeddings); the API key is read from the environment variable named here, never stored
    embedder_kind: EmbedderKind = "default"
    embedder_path: str = ""
    embedder_url: str = "http://127.0.0.1:11434"
    embedder_model: str = ""
    embedder_api: EmbedderApi = "ollama"
    embedder_key_env: str = ""
    # nightly consolidation
    consolidation_time: str = "03:00"
    consolidation_enabled: bool = True
    idle_minutes: int = 10
    # decay
    base_strength_days: float = 7.0
    recall_growth: float = 1.8
    archive_threshold: float = 0.05
    archive_max_importance: float = 0.5
    # look
    theme: Theme = "system"
    # automatic encrypted backups (core/backup.py): off until a folder is chosen
    backup_folder: str = ""
    backup_enabled: bool = False
    keep_daily: int = 7
    keep_weekly: int = 4
    # reminders, the morning recap, the review of fading memories, the tray (quiet by default)
    reminders_notify: bool = True
    recap_enabled: bool = False
    recap_time: str = "08:00"
    recap_notify: bool = False
    review_enabled: bool = True
    review_per_day: int = 10
    close_to_tray: bool = False
    start_at_login: bool = False

    def validate(self) -> Settings:
        h, _, m = self.consolidation_time.partition(":")
        if not (h.isdigit() and m.isdigit() and 0 <= int(h) < 24 and 0 <= int(m) < 60):
            raise InputError("The consolidation time must look like 03:00 (hours:minutes, 24-hour clock).")
        if self.chat_model_kind not in get_args(ChatModelKind):
            raise InputError("The chat model must be the default, a GGUF file, or a server.")
        if not 0 < self.archive_threshold < 1:
            raise InputError("The archive threshold must be between 0 and 1 (for example 0.05).")
        if self.base_strength_days <= 0:
            raise InputError("The base strength must be a positive number of days.")
        if self.recall_growth < 1:
            raise InputError("Recall growth must be at least 1 (a recall never weakens a memory).")
        if self.embedder_kind not in get_args(EmbedderKind):
            raise InputError("The search model must be the built-in one, a model folder, or a server.")
        if self.embedder_api not in get_args(EmbedderApi):
            raise InputError("The search model server must speak ollama (/api/embed) or openai (/v1/embeddings).")
        if self.embedder_key_env and not _ENV_NAME.fullmatch(self.embedder_key_env):
            raise InputError(
                "The API key setting takes the name of an environment variable (like REVERIE_EMBED_API_KEY), "
                "not the key itself."
            )
        if self.chat_tier not in get_args(TierChoice):
            raise InputError("The chat tier must be auto, tiny or capable.")
        if self.theme not in get_args(Theme):
            raise InputError("The theme must be system, light or dark.")
        if not 512 <= self.context_size <= 262144:
            raise InputError("The context size must be between 512 and 262144 tokens.")
        if not (0 <= self.keep_daily <= 365 and 0 <= self.keep_weekly <= 520):
            raise InputError("Keep between 0 and 365 daily and between 0 and 520 weekly backups.")
        if self.keep_daily + self.keep_weekly < 1:
            raise InputError("Keep at least one backup (daily or weekly).")
        if self.backup_enabled and not self.backup_folder.strip():
            raise InputError("Choose a folder for the backups before turning them on.")
        rh, _, rm = self.recap_time.partition(":")
        if not (rh.isdigit() and rm.isdigit() and 0 <= int(rh) < 24 and 0 <= int(rm) < 60):
            raise InputError("The recap time must look like 08:00 (hours:minutes, 24-hour clock).")
        if not 1 <= self.review_per_day <= 50:
            raise InputError("The review takes between 1 and 50 memories a day.")
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Settings from stored values; a value that is unknown, of the wrong type or invalid keeps its default
        (one bad value never resets the others)."""
        out = cls()
        for f in dataclasses.fields(cls):
            if f.name == "version" or f.name not in data:
                continue
            value, default = data[f.name], getattr(out, f.name)
            if type(value) is not type(default) and not (isinstance(default, float) and type(value) is int):
                continue
            setattr(out, f.name, value)
            try:
                out.validate()
            except (InputError, TypeError, ValueError):
                setattr(out, f.name, default)
        return out


def load_settings(vault: Vault) -> Settings:
    with vault.read() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (_KEY,)).fetchone()
    if row is None:
        return Settings()
    try:
        return Settings.from_dict(json.loads(row[0]))
    except (ValueError, TypeError):
        return Settings()


def save_settings(vault: Vault, settings: Settings) -> Settings:
    settings.validate()
    from reverie.core import history

    with vault.tx() as conn:
        old = conn.execute("SELECT value FROM settings WHERE key = ?", (_KEY,)).fetchone()
        value = json.dumps(settings.to_dict())
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_KEY, value),
        )
        history.log(
            conn,
            vault.now(),
            "settings",
            _KEY,
            "update",
            before=json.loads(old[0]) if old else None,
            after=settings.to_dict(),
        )
    return settings
