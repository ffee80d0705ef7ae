"""Which chat model to use, and which GGUF files are already on this machine.

``build_chat_model(settings)`` looks the adapter factory up by ``settings.chat_model_kind``
("default" | "gguf" | "server"); a new kind is one ``register_chat_model`` call, never another
``if``. ``find_ggufs`` lists the GGUFs in the places other tools keep them (LM Studio, Ollama's
store resolved through its manifests, ``~/models``) and in folders the user adds, each with the
name, size, quantisation and context length read from its header.

``build_embedder(settings)`` is the same for the search model (``settings.embedder_kind``:
"default" | "folder" | "server"; ``register_embedder`` adds a kind). The adapters are imported
when one is built, not with this module (the CLI starts without numpy or torch).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from reverie.core.errors import ModelError
from reverie.core.protocols import ChatModel, Embedder
from reverie.core.settings import Settings
from reverie.models.defaults import DEFAULT_EMBEDDER_ID, default_gguf_location
from reverie.models.gguf import GgufInfo, is_gguf, read_gguf_header
from reverie.models.llama_chat import LlamaChatModel
from reverie.models.openai_chat import OpenAIChatModel

log = logging.getLogger(__name__)

ChatModelFactory = Callable[[Any], ChatModel]
_FACTORIES: dict[str, ChatModelFactory] = {}
MAX_SCAN_DEPTH = 5


def register_chat_model(kind: str, factory: ChatModelFactory) -> None:
    _FACTORIES[kind] = factory


def chat_model_kinds() -> list[str]:
    return sorted(_FACTORIES)


def build_chat_model(settings: Settings) -> ChatModel:
    """The chat model the settings ask for (not loaded yet: adapters load on first use)."""
    kind = settings.chat_model_kind or "default"
    factory = _FACTORIES.get(kind)
    if factory is None:
        raise ModelError(f"Reverie does not know the chat model kind {kind!r}; choose default, gguf or server.")
    return factory(settings)


def _default(settings: Settings) -> ChatModel:
    loc = default_gguf_location()
    if not loc.found or loc.path is None:
        raise ModelError(f"The default chat model is not available: {loc.problem}.")
    return LlamaChatModel(
        loc.path, context_size=settings.context_size, threads=settings.threads, name="SmolLM2-135M-Instruct"
    )


def _gguf(settings: Settings) -> ChatModel:
    path = (settings.chat_model_path or "").strip()
    if not path:
        raise ModelError("No GGUF file is chosen; pick one in Settings or use the default model.")
    read_gguf_header(path)  # refuse a missing, truncated or foreign file now, with its sentence
    return LlamaChatModel(path, context_size=settings.context_size, threads=settings.threads)


def _server(settings: Settings) -> ChatModel:
    if not (settings.server_url or "").strip():
        raise ModelError("No server address is set; enter one like http://127.0.0.1:8080 in Settings.")
    return OpenAIChatModel(
        settings.server_url,
        model=settings.server_model,
        context_size=settings.context_size,
        api_key=os.environ.get("REVERIE_SERVER_API_KEY") or None,
    )


register_chat_model("default", _default)
register_chat_model("gguf", _gguf)
register_chat_model("server", _server)


# -- the search model (embedder) -------------------------------------------------------------
EmbedderFactory = Callable[[Settings, int], Embedder]
_EMBEDDERS: dict[str, EmbedderFactory] = {}
EMBED_KEY_ENV = "REVERIE_EMBED_API_KEY"  # the usual name; the setting names the variable to read


def register_embedder(kind: str, factory: EmbedderFactory) -> None:
    _EMBEDDERS[kind] = factory


def build_embedder(settings: Settings, threads: int = 0) -> Embedder:
    """The embedder the settings choose (not loaded, nothing asked of a server yet); ``ModelError``
    with one sentence when the choice is incomplete (no folder, no model name, a bad address)."""
    kind = settings.embedder_kind or "default"
    factory = _EMBEDDERS.get(kind)
    if factory is None:
        raise ModelError(f"Reverie does not know the search model kind {kind!r}; choose default, folder or server.")
    return factory(settings, threads)


def embedder_key(settings: Settings) -> tuple[str, ...]:
    """The settings an embedder is built from (with the API key as the environment holds it now)."""
    env = settings.embedder_key_env
    return (
        settings.embedder_kind,
        settings.embedder_path,
        settings.embedder_url,
        settings.embedder_model,
        settings.embedder_api,
        env,
        os.environ.get(env, "") if env else "",
    )


def embedder_label(settings: Settings) -> str:
    """The search model's short name, for progress lines ("nomic-embed-text", "all-MiniLM-L6-v2")."""
    if settings.embedder_kind == "server":
        return settings.embedder_model.strip() or "the server's model"
    if settings.embedder_kind == "folder":
        return Path(settings.embedder_path.strip() or "model folder").name
    return DEFAULT_EMBEDDER_ID.rsplit("/", 1)[-1]


def describe_embedder(settings: Settings) -> str:
    """The search model in one phrase, for Settings and ``reverie models``."""
    if settings.embedder_kind == "server":
        from reverie.models.remote_embedder import describe

        return describe(settings.embedder_api, settings.embedder_model, settings.embedder_url)
    if settings.embedder_kind == "folder":
        return f"{embedder_label(settings)} (model folder {settings.embedder_path})"
    return f"{DEFAULT_EMBEDDER_ID.rsplit('/', 1)[-1]} (built in)"


def _default_embedder(settings: Settings, threads: int) -> Embedder:
    from reverie.models.embedder import default_embedder

    return default_embedder(threads)


def _folder_embedder(settings: Settings, threads: int) -> Embedder:
    from reverie.models.embedder import folder_embedder

    return folder_embedder(settings.embedder_path, threads)


def _server_embedder(settings: Settings, threads: int) -> Embedder:
    from reverie.models.remote_embedder import RemoteEmbedder

    if not settings.embedder_url.strip():
        raise ModelError("No search model server address is set; enter one like http://127.0.0.1:11434 in Settings.")
    env = settings.embedder_key_env.strip()
    key = os.environ.get(env) if env else None
    if env and not key:
        raise ModelError(f"The environment variable {env} holds no API key for the search model server; set it first.")
    return RemoteEmbedder(
        settings.embedder_url, settings.embedder_model, api=settings.embedder_api, api_key=key or None
    )


register_embedder("default", _default_embedder)
register_embedder("folder", _folder_embedder)
register_embedder("server", _server_embedder)


# -- discovery ------------------------------------------------------------------------------
def default_model_folders(home: Path | None = None) -> list[tuple[str, Path]]:
    home = home or Path.home()
    return [
        ("lmstudio", home / ".lmstudio" / "models"),
        ("lmstudio", home / ".cache" / "lm-studio" / "models"),
        ("folder", home / "models"),
    ]


def find_ggufs(
    extra_folders: Iterable[str | Path] = (), *, home: Path | None = None, include_default: bool = True
) -> list[GgufInfo]:
    """Every readable GGUF found; unreadable or damaged files are logged and skipped."""
    home = home or Path.home()
    found: dict[Path, GgufInfo] = {}

    def add(path: Path, source: str, name: str | None = None) -> None:
        try:
            key = path.resolve()
        except OSError:
            return
        if key in found:
            return
        try:
            found[key] = read_gguf_header(path, source=source, name=name)
        except ModelError as exc:
            log.info("skipping %s: %s", path, exc)

    if include_default:
        loc = default_gguf_location()
        if loc.found and loc.path is not None:
            add(loc.path, "default")
    for source, folder in default_model_folders(home):
        for path in _scan(folder):
            add(path, source)
    for name, blob in ollama_models(home / ".ollama" / "models"):
        add(blob, "ollama", name)
    for extra in extra_folders:
        for path in _scan(Path(extra).expanduser()):
            add(path, "folder")
    return sorted(found.values(), key=lambda g: (g.source != "default", g.name.casefold(), str(g.path)))


def _scan(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    out: list[Path] = []
    base_depth = len(folder.parts)
    for root, dirs, files in os.walk(folder, followlinks=False, onerror=lambda e: None):
        if len(Path(root).parts) - base_depth >= MAX_SCAN_DEPTH:
            dirs[:] = []
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for f in files:
            # mmproj files are vision projectors, not chat models
            if f.lower().endswith(".gguf") and not f.lower().startswith("mmproj"):
                out.append(Path(root) / f)
    return sorted(out)


def ollama_models(store: Path) -> list[tuple[str, Path]]:
    """(readable name, blob path) for each model in an Ollama store, read from its manifests
    (``manifests/<registry>/<namespace>/<model>/<tag>`` -> the layer of type ``image.model``)."""
    manifests = store / "manifests"
    if not manifests.is_dir():
        return []
    out: list[tuple[str, Path]] = []
    for manifest in sorted(p for p in manifests.rglob("*") if p.is_file()):
        rel = manifest.relative_to(manifests).parts
        if len(rel) < 4:
            continue
        registry, namespace, model, tag = rel[0], "/".join(rel[1:-2]), rel[-2], rel[-1]
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        layers = data.get("layers") if isinstance(data, dict) else None
        digest = next(
            (
                layer.get("digest")
                for layer in layers or []
                if isinstance(layer, dict) and layer.get("mediaType") == "application/vnd.ollama.image.model"
            ),
            None,
        )
        if not isinstance(digest, str):
            continue
        blob = store / "blobs" / digest.replace(":", "-")
        if not blob.is_file() or not is_gguf(blob):
            continue
        short = model if (namespace == "library" and registry == "registry.ollama.ai") else f"{namespace}/{model}"
        out.append((f"{short}:{tag}", blob))
    return out
