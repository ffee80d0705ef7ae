"""A chat model run in-process by llama.cpp (llama-cpp-python), behind ``core.protocols.ChatModel``.

- Lazy: the file's header is checked and the weights loaded on first use, not on construction.
- The chat template is the one embedded in the GGUF (llama-cpp-python picks
  ``tokenizer.chat_template`` when no chat format is forced).
- Prefix reuse: llama-cpp-python keeps the last prompt's tokens in the context (KV cache) and
  evaluates only what follows the longest common prefix. Callers that keep the stable part of
  the prompt (rules, profile) first and unchanged therefore pay for it once per model load.
- Cancellation is checked between tokens; the generator is closed so llama.cpp stops at once.
- ``json_schema`` becomes a GBNF grammar, so the output is constrained to the schema.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from reverie.core.errors import ModelError
from reverie.core.protocols import Cancel, ChatMessage
from reverie.core.tiers import Tier, tier_for
from reverie.models.gguf import GgufInfo, read_gguf_header

log = logging.getLogger(__name__)


def default_threads() -> int:
    """Physical-ish cores: leave one for the window when there are more than two."""
    n = os.cpu_count() or 2
    return max(1, n - 1) if n > 2 else n


class LlamaChatModel:
    """A GGUF chat model. ``context_size`` is capped by the context the model was trained for."""

    def __init__(
        self,
        path: str | Path,
        *,
        context_size: int = 4096,
        threads: int = 0,
        name: str | None = None,
        seed: int = 7,
        verbose: bool = False,
    ) -> None:
        self.path = Path(path).expanduser()
        self._requested_ctx = int(context_size)
        self._threads = int(threads) or default_threads()
        self._name = name
        self._seed = seed
        self._verbose = verbose
        self._info: GgufInfo | None = None
        self._tier: Tier | None = None
        self._llm: Any = None
        self._lock = threading.RLock()

    # -- what the file is (header only, cheap) -------------------------------------------
    @property
    def info(self) -> GgufInfo:
        if self._info is None:
            self._info = read_gguf_header(self.path)
        return self._info

    @property
    def name(self) -> str:
        if self._name:
            return self._name
        try:
            return self.info.name
        except ModelError:
            return self.path.name

    @property
    def tier(self) -> Tier:
        """What this model can be trusted with, from the parameter count in its header (the file
        size if the header cannot be read). Never loads the weights; never raises."""
        if self._tier is None:
            try:
                self._tier = self.info.tier
            except ModelError as exc:
                try:
                    size: int | None = self.path.stat().st_size
                except OSError:
                    size = None
                self._tier = tier_for(None, size)
                log.warning("tier of %s from its file size (%s): %s", self.path.name, self._tier, exc)
        return self._tier

    @property
    def context_size(self) -> int:
        trained = self.info.context_length
        return min(self._requested_ctx, trained) if trained else self._requested_ctx

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    # -- loading -------------------------------------------------------------------------
    def load(self) -> Any:
        with self._lock:
            if self._llm is not None:
                return self._llm
            n_ctx = self.context_size  # reads and checks the header first
            try:
                from llama_cpp import Llama
            except ImportError as exc:  # pragma: no cover - it is a dependency
                raise ModelError("llama-cpp-python is not installed, so GGUF models cannot run.") from exc
            try:
                self._llm = Llama(
                    model_path=str(self.path),
                    n_ctx=n_ctx,
                    n_threads=self._threads,
                    n_threads_batch=self._threads,
                    seed=self._seed,
                    verbose=self._verbose,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(
                    f"llama.cpp could not load {self.path.name} (the file may be damaged, or its "
                    f"architecture too new for this llama.cpp): {exc}."
                ) from exc
            log.info(
                "loaded %s (n_ctx=%d, threads=%d, template=%s)",
                self.path.name,
                n_ctx,
                self._threads,
                self._llm.chat_format,
            )
            return self._llm

    def unload(self) -> None:
        with self._lock:
            llm, self._llm = self._llm, None
            if llm is not None:
                with contextlib.suppress(Exception):
                    llm.close()

    # -- ChatModel -----------------------------------------------------------------------
    def count_tokens(self, text: str) -> int:
        llm = self.load()
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        stop: Sequence[str] = (),
        cancel: Cancel | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        llm = self.load()
        kwargs: dict[str, Any] = {}
        if json_schema is not None:
            kwargs["grammar"] = _grammar(json_schema)
        with self._lock:
            if cancel is not None and cancel.is_set():
                return
            try:
                chunks = llm.create_chat_completion(
                    messages=[{"role": m.role, "content": m.content} for m in messages],
                    stream=True,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stop=list(stop) or None,
                    **kwargs,
                )
                try:
                    for chunk in chunks:
                        if cancel is not None and cancel.is_set():
                            break
                        piece = chunk["choices"][0].get("delta", {}).get("content")
                        if piece:
                            yield piece
                finally:
                    with contextlib.suppress(Exception):
                        chunks.close()
            except ValueError as exc:
                if "exceed context window" in str(exc):
                    raise ModelError(
                        f"The prompt is longer than {self.name}'s context of {self.context_size} tokens."
                    ) from exc
                raise ModelError(f"{self.name} failed while answering: {exc}.") from exc
            except RuntimeError as exc:
                raise ModelError(f"{self.name} failed while answering: {exc}.") from exc


def _grammar(schema: dict[str, Any]) -> Any:
    import json

    from llama_cpp import LlamaGrammar

    try:
        return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    except Exception as exc:
        raise ModelError(f"The output schema could not be turned into a grammar: {exc}.") from exc
