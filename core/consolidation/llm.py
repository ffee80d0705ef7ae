"""Asking the chat model for JSON: schema-constrained (llama.cpp turns ``json_schema`` into a
grammar), validated here again, retried once with a stricter prompt. Every failure is counted
and logged; the caller falls back to the deterministic path."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from reverie.core.protocols import ChatMessage

STRICT = (
    " Answer with one JSON object that matches the schema exactly, nothing else. Copy words from "
    "the text; never invent names, numbers or dates. If nothing qualifies, return an empty list."
)


class CancelledError(Exception):
    """The run was cancelled by the user."""


def validate(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Check ``value`` against the small JSON-schema subset we use; return the problems."""
    t = schema.get("type")
    checks = {"object": dict, "array": list, "string": str, "boolean": bool}
    if t in checks and not isinstance(value, checks[t]):
        return [f"{path} is not {t}"]
    if t in ("integer", "number") and (
        isinstance(value, bool) or not isinstance(value, int if t == "integer" else (int, float))
    ):
        return [f"{path} is not {t}"]
    errs: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{path} is not one of {schema['enum']}")
    if t == "string":
        if len(value) > schema.get("maxLength", 1 << 30):
            errs.append(f"{path} is longer than {schema['maxLength']}")
        if len(value.strip()) < schema.get("minLength", 0):
            errs.append(f"{path} is shorter than {schema['minLength']}")
    elif t in ("integer", "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errs.append(f"{path} is below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errs.append(f"{path} is above {schema['maximum']}")
    elif t == "array":
        if len(value) > schema.get("maxItems", 1 << 30):
            errs.append(f"{path} has more than {schema['maxItems']} items")
        for i, item in enumerate(value):
            errs += validate(item, schema.get("items", {}), f"{path}[{i}]")
    elif t == "object":
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errs.append(f"{path}.{name} is missing")
        for name, sub in props.items():
            if name in value:
                errs += validate(value[name], sub, f"{path}.{name}")
        if schema.get("additionalProperties") is False:
            errs += [f"{path}.{k} is not allowed" for k in value if k not in props]
    return errs


@dataclass
class ModelSession:
    """One run's use of the chat model: counts, log lines, and a circuit breaker (after a
    model failure the rest of the run uses the deterministic path)."""

    model: Any
    cancel: threading.Event | None = None
    max_calls: int = 60
    calls: int = 0
    broken: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def _count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    @property
    def usable(self) -> bool:
        return self.model is not None and not self.broken and self.calls < self.max_calls

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise CancelledError()

    def ask(
        self, system: str, user: str, schema: dict[str, Any], *, max_tokens: int = 256, what: str = "answer"
    ) -> dict[str, Any] | None:
        """The model's validated JSON object, or None (counted and logged) after one retry."""
        if not self.usable:
            if self.model is not None and not self.broken:
                self._count("model_calls_over_budget")
            return None
        for attempt in range(2):
            self.check_cancel()
            self.calls += 1
            self._count("model_calls")
            prompt = system + (STRICT if attempt else "")
            try:
                text = "".join(
                    self.model.stream(
                        [ChatMessage("system", prompt), ChatMessage("user", user)],
                        max_tokens=max_tokens,
                        temperature=0.0 if attempt else 0.2,
                        cancel=self.cancel,
                        json_schema=schema,
                    )
                )
            except Exception as exc:  # noqa: BLE001 - any model failure falls back, logged
                self.check_cancel()
                self.broken = True
                self._count("model_failures")
                self.log.append(f"model failed ({type(exc).__name__}: {str(exc)[:200]}); continuing without it")
                return None
            self.check_cancel()
            try:
                value = json.loads(text)
                problems = validate(value, schema)
            except ValueError:
                problems = ["not valid JSON"]
            if not problems:
                return value
            self._count("model_invalid")
            self.log.append(
                f"model {what} rejected (attempt {attempt + 1}): {'; '.join(problems[:3])} | {text[:120]!r}"
            )
            if attempt == 0:
                self._count("model_retries")
        return None
