"""The chat models a person can choose from, and choosing one in a single step.

``survey(settings, found)`` turns what discovery found (``registry.find_ggufs``) and the configured
server into one list of ``ModelEntry``: the bundled default, each GGUF on disk, the server if one is
set, each with its size, parameter count and tier, and the one in use marked. ``choose(target, ...)``
reads what a person typed (``default``, a number or name from that list, a path to a ``.gguf``, or an
``http(s)://`` server address) and returns the entry to use, checked (the GGUF's header, the server's
``/v1/models``); ``use(settings, entry)`` returns new settings that choose it. Errors are one sentence
(``ModelError`` or ``InputError``) and change nothing. No Qt; reading headers and asking a server
take time, so the window calls these on a worker lane.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reverie.core.errors import InputError, ModelError
from reverie.core.settings import ChatModelKind, Settings
from reverie.core.tiers import Tier, resolve_tier, tier_for
from reverie.models.defaults import DEFAULT_GGUF_NAME, default_gguf_location
from reverie.models.gguf import GgufInfo, read_gguf_header
from reverie.models.naming import parameters_from_name
from reverie.models.openai_chat import OpenAIChatModel

DEFAULT_NAME = "SmolLM2-135M-Instruct"
SOURCE_NAMES = {
    "default": "bundled",
    "lmstudio": "LM Studio",
    "ollama": "Ollama",
    "folder": "folder",
    "file": "file",
    "server": "server",
}


@dataclass(frozen=True)
class ModelEntry:
    kind: ChatModelKind
    name: str
    tier: Tier
    source: str = "file"  # discovery's source, or "server"
    parameters: int | None = None
    size_bytes: int | None = None
    path: Path | None = None
    quantization: str = ""
    context_length: int = 0
    url: str = ""
    server_model: str = ""
    problem: str = ""  # why it cannot be used now (a sentence), or ""
    in_use: bool = False

    @property
    def where(self) -> str:
        return SOURCE_NAMES.get(self.source, self.source)

    @property
    def location(self) -> str:
        return self.url if self.kind == "server" else str(self.path or "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "tier": self.tier,
            "source": self.source,
            "parameters": self.parameters,
            "size_bytes": self.size_bytes,
            "path": str(self.path) if self.path else None,
            "quantization": self.quantization,
            "context_length": self.context_length or None,
            "url": self.url or None,
            "server_model": self.server_model or None,
            "problem": self.problem or None,
            "in_use": self.in_use,
        }


@dataclass(frozen=True)
class Survey:
    entries: list[ModelEntry] = field(default_factory=list)
    chat_tier: str = "auto"  # the user's override (Settings.chat_tier)

    @property
    def in_use(self) -> ModelEntry | None:
        return next((e for e in self.entries if e.in_use), None)

    def tier_in_use(self) -> Tier | None:
        """The tier Reverie uses for the model in use: the user's override, or the detected one."""
        e = self.in_use
        return resolve_tier(self.chat_tier, e.tier) if e is not None else None


def from_gguf(info: GgufInfo) -> ModelEntry:
    default = info.source == "default"
    return ModelEntry(
        kind="default" if default else "gguf",
        name=DEFAULT_NAME if default else info.name,
        tier=info.tier,
        source=info.source,
        parameters=info.parameters,
        size_bytes=info.size_bytes,
        path=info.path,
        quantization=info.quantization,
        context_length=info.context_length,
    )


def _same_file(a: Path | None, b: str | Path) -> bool:
    if a is None or not str(b).strip():
        return False
    try:
        return a.resolve() == Path(b).expanduser().resolve()
    except OSError:
        return False


def server_model_name(model: str) -> str:
    """How a server's model is shown: its id, or the file name when the id is a path (llama-cpp-python)."""
    model = (model or "").strip()
    if not model:
        return "the server's model"
    return model.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or model


def server_entry(url: str, model: str = "", *, probe: bool = True, api_key: str | None = None) -> ModelEntry:
    """The configured server as an entry; with ``probe``, asked (short requests) for its models and size."""
    try:
        server = OpenAIChatModel(url, model=model, api_key=api_key)
    except ModelError as exc:
        return ModelEntry(
            "server", model or url, tier_for(None), "server", url=url, server_model=model, problem=str(exc)
        )
    problem, params = "", parameters_from_name(model)
    if probe:
        try:
            server.available_models()
            params = server.parameters
        except ModelError as exc:
            problem = str(exc)
    return ModelEntry(
        "server",
        server_model_name(model),
        tier_for(params),
        "server",
        parameters=params,
        url=server.base_url,
        server_model=model,
        problem=problem,
    )


def survey(settings: Settings, found: list[GgufInfo], *, probe: bool = True, api_key: str | None = None) -> Survey:
    """Every chat model to choose from, the one ``settings`` uses marked. ``found`` is what
    ``find_ggufs`` returned; ``probe`` asks a configured server for its models and size."""
    entries = [from_gguf(g) for g in found]
    if not any(e.kind == "default" for e in entries):
        loc = default_gguf_location()
        if loc.found and loc.path is not None:
            try:
                entries.insert(0, from_gguf(read_gguf_header(loc.path, source="default")))
            except ModelError as exc:
                entries.insert(0, _missing_default(str(exc)))
        else:
            entries.insert(0, _missing_default(f"The default chat model is not available: {loc.problem}."))
    kind = settings.chat_model_kind
    if kind == "gguf" and not any(_same_file(e.path, settings.chat_model_path) for e in entries):
        try:
            entries.append(from_gguf(read_gguf_header(settings.chat_model_path, source="file")))
        except ModelError as exc:
            path = Path(settings.chat_model_path).expanduser()
            entries.append(
                ModelEntry("gguf", path.name or "no file chosen", tier_for(None), "file", path=path, problem=str(exc))
            )
    if (settings.server_url or "").strip():
        entries.append(server_entry(settings.server_url, settings.server_model, probe=probe, api_key=api_key))
    marked = False
    out: list[ModelEntry] = []
    for e in entries:
        mine = not marked and (
            (kind == "default" and e.kind == "default")
            or (kind == "gguf" and e.kind in ("default", "gguf") and _same_file(e.path, settings.chat_model_path))
            or (kind == "server" and e.kind == "server")
        )
        marked = marked or mine
        out.append(_with(e, in_use=mine))
    return Survey(out, settings.chat_tier)


def _missing_default(problem: str) -> ModelEntry:
    return ModelEntry(
        "default",
        DEFAULT_NAME,
        tier_for(parameters_from_name(DEFAULT_GGUF_NAME)),
        "default",
        parameters=parameters_from_name(DEFAULT_GGUF_NAME),
        problem=problem,
    )


def _with(e: ModelEntry, **changes: Any) -> ModelEntry:
    return dataclasses.replace(e, **changes)


# -- choosing ---------------------------------------------------------------------------------
def choose(
    target: str,
    entries: list[ModelEntry],
    *,
    server_model: str | None = None,
    api_key: str | None = None,
    timeout: float = 3.0,
) -> ModelEntry:
    """The entry ``target`` names (see the module docstring), checked; one sentence if it cannot be used."""
    target = (target or "").strip()
    if not target:
        raise InputError(
            "Say which model to use: default, a number or name from 'reverie models', "
            "a path to a .gguf file, or a server address like http://127.0.0.1:8080."
        )
    if target.lower().startswith(("http://", "https://")):
        return _choose_server(target, server_model, api_key, timeout)
    if server_model:
        raise InputError("--server-model goes with a server address (http://…), not with a model file.")
    if target.lower() in ("default", DEFAULT_NAME.lower(), DEFAULT_GGUF_NAME.lower()):
        return _usable(
            next((e for e in entries if e.kind == "default"), None)
            or _missing_default("The default chat model is not available.")
        )
    if target.isdigit():
        n = int(target)
        if not 1 <= n <= len(entries):
            raise InputError(f"There is no model number {n}; 'reverie models' lists {len(entries)}.")
        return _usable(entries[n - 1])
    key = target.casefold()
    has_dir = any(sep in target for sep in ("/", "\\")) or target.startswith("~")
    matches = [] if has_dir else [e for e in entries if key in {e.name.casefold(), *(_file_names(e.path))}]
    if len(matches) > 1:
        numbers = ", ".join(str(entries.index(e) + 1) for e in matches)
        raise InputError(
            f"Several models are named {target!r} (numbers {numbers} in 'reverie models'); use its number or its path."
        )
    if matches:
        return _usable(matches[0])
    if has_dir or target.lower().endswith(".gguf") or Path(target).is_file():
        info = read_gguf_header(target)  # a missing, foreign or truncated file: its sentence
        listed = next((e for e in entries if e.kind in ("default", "gguf") and _same_file(e.path, info.path)), None)
        return listed or from_gguf(dataclasses.replace(info, path=info.path.resolve()))
    raise InputError(
        f"No model named {target!r} was found; run 'reverie models' to see the list, or give "
        "a path to a .gguf file or a server address."
    )


def _file_names(path: Path | None) -> set[str]:
    return {path.name.casefold(), path.stem.casefold()} if path is not None else set()


def _usable(e: ModelEntry) -> ModelEntry:
    if e.problem:
        raise ModelError(e.problem)
    return e


def _choose_server(url: str, model: str | None, api_key: str | None, timeout: float) -> ModelEntry:
    server = OpenAIChatModel(url, model=model or "", api_key=api_key)
    listed = [m["id"] for m in server.available_models(timeout=timeout)]  # or its one sentence
    if model:
        if listed and model not in listed:
            raise InputError(f"The server at {server.base_url} has no model {model!r}; it offers: {_names(listed)}.")
    elif len(listed) == 1:
        model = listed[0]
    elif listed:
        raise InputError(
            f"The server at {server.base_url} offers several models ({_names(listed)}); "
            "choose one with --server-model NAME."
        )
    server.model = model or ""
    params = server.parameters
    return ModelEntry(
        "server",
        server_model_name(server.model),
        tier_for(params),
        "server",
        parameters=params,
        url=server.base_url,
        server_model=server.model,
    )


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")


def use(settings: Settings, entry: ModelEntry) -> Settings:
    """A copy of ``settings`` that chooses ``entry`` as the chat model (validated)."""
    s = Settings.from_dict(settings.to_dict())
    s.chat_model_kind = entry.kind
    if entry.kind == "gguf":
        s.chat_model_path = str(entry.path)
    elif entry.kind == "server":
        s.server_url = entry.url
        s.server_model = entry.server_model
    return s.validate()
