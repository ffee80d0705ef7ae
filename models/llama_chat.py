"""A chat model run in-process by llama.cpp (llama-cpp-python), behind ``core.protocols.ChatModel``.

- Lazy: the file's header is checked and the weights loaded on first use, not on construction.
- The chat template is the one embedded in the GGUF (llama-cpp-python picks
  ``tokenizer.chat_template`` when no chat format is forced).
- Prefix reuse: llama-cpp-python keeps the last prompt's tokens in the context (KV cache) and
  evaluates only what follows the longest common prefix. Callers that keep the stable part of
  the prompt (rules, profile) first and unchanged therefore pay for it once per model load.
- Cancellation is checked between tokens; the generator is closed so llama.cpp stops at once.
- ``json_schema`` becomes a GBNF grammar, so the output is constrained to the schema.
- The prompt is data: llama-cpp-python renders the template around the messages and tokenizes
  the result with special tokens on, so every message's content is neutralised first
  (``core/promptsafe``): the template families' control sequences and every control token the
  vocabulary declares become ordinary text; the template's own tokens stay intact
  (``prompt_tokens`` shows the tokens the model is given).
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
from reverie.core.promptsafe import declared_controls, neutralise
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
        vocab_only: bool = False,
    ) -> None:
        """``vocab_only``: load the tokenizer and template alone (to count and render, not to answer)."""
        self.path = Path(path).expanduser()
        self._requested_ctx = int(context_size)
        self._threads = int(threads) or default_threads()
        self._name = name
        self._seed = seed
        self._verbose = verbose
        self._vocab_only = vocab_only
        self._controls: tuple[str, ...] = ()
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
                    vocab_only=self._vocab_only,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(
                    f"llama.cpp could not load {self.path.name} (the file may be damaged, or its "
                    f"architecture too new for this llama.cpp): {exc}."
                ) from exc
            self._controls = _vocabulary_controls(self._llm)
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

    # -- the prompt is data ----------------------------------------------------------------
    @property
    def controls(self) -> tuple[str, ...]:
        """The control tokens the vocabulary declares, as text (loads the model)."""
        self.load()
        return self._controls

    def chat_messages(self, messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
        """The messages as handed to the template: every content neutralised, so no text in them
        becomes a control token (the template adds its own)."""
        controls = self.controls
        return [{"role": m.role, "content": neutralise(m.content, controls)} for m in messages]

    def prompt_tokens(self, messages: Sequence[ChatMessage]) -> list[int]:
        """The tokens the model is given for ``messages``, as ``create_chat_completion`` makes them:
        the GGUF's template rendered around the neutralised contents, tokenized with special tokens on."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llm = self.load()
        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelError(f"{self.name} has no chat template embedded.")
        eos, bos = llm.token_eos(), llm.token_bos()
        formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
            bos_token=llm._model.token_get_text(bos) if bos != -1 else "",
            stop_token_ids=[eos],
        )
        chat: Any = self.chat_messages(messages)  # llama_cpp's TypedDicts for {"role", "content"}
        result = formatter(messages=chat)
        tokens: list[int] = llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)
        return tokens

    # -- ChatModel -----------------------------------------------------------------------
    def count_tokens(self, text: str) -> int:
        llm = self.load()
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

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
        if self._vocab_only:
            raise ModelError(f"{self.name} was loaded for its vocabulary only and cannot answer.")
        kwargs: dict[str, Any] = {}
        if json_schema is not None:
            kwargs["grammar"] = _grammar(json_schema)
        with self._lock:
            if cancel is not None and cancel.is_set():
                return
            try:
                chunks = llm.create_chat_completion(
                    messages=self.chat_messages(messages),
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


def _vocabulary_controls(llm: Any) -> tuple[str, ...]:
    """The markup-like control and user-defined tokens of a loaded model's vocabulary."""
    from llama_cpp import LLAMA_TOKEN_ATTR_CONTROL, LLAMA_TOKEN_ATTR_USER_DEFINED

    flags = LLAMA_TOKEN_ATTR_CONTROL | LLAMA_TOKEN_ATTR_USER_DEFINED
    model = llm._model
    pieces: list[str] = []
    try:
        for token in range(model.n_vocab()):
            if model.token_get_attr(token) & flags:
                with contextlib.suppress(UnicodeDecodeError):
                    pieces.append(model.token_get_text(token))
    except (AttributeError, OSError) as exc:  # an older llama.cpp: the template families still apply
        log.warning("could not read the vocabulary's control tokens: %s", exc)
    return declared_controls(pieces)


def _grammar(schema: dict[str, Any]) -> Any:
    import json

    from llama_cpp import LlamaGrammar

    try:
        return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    except Exception as exc:
        raise ModelError(f"The output schema could not be turned into a grammar: {exc}.") from exc
