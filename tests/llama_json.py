"""A minimal ChatModel over llama_cpp for tests and benchmarks (the app's adapter lives in
reverie.models): streams, honours cancel, and turns ``json_schema`` into llama.cpp's grammar."""

from __future__ import annotations

from pathlib import Path


class LlamaJson:
    name = "SmolLM2-135M-Instruct"

    def __init__(self, path: Path | str, n_ctx: int = 2048) -> None:
        from llama_cpp import Llama

        self.context_size = n_ctx
        self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=2, seed=1, verbose=False)

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8")))

    def stream(self, messages, *, max_tokens=512, temperature=0.2, stop=(), cancel=None, json_schema=None):
        fmt = {"type": "json_object", "schema": json_schema} if json_schema else None
        chunks = self.llm.create_chat_completion(
            messages=[{"role": m.role, "content": m.content} for m in messages],
            max_tokens=max_tokens,
            temperature=temperature,
            stop=list(stop) or None,
            response_format=fmt,
            stream=True,
        )
        for chunk in chunks:
            if cancel is not None and cancel.is_set():
                return
            piece = chunk["choices"][0]["delta"].get("content")
            if piece:
                yield piece
