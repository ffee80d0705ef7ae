"""``reverie ask "..."``: stream an answer from the chat model and list the memories it cited.

The question and the answer are recorded in a conversation (a new one unless ``--conversation``
names one). Ctrl-C stops the answer; what was streamed is kept, marked partial.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from reverie.app import context
from reverie.app.cli.common import add_json_flag, cli_vault, print_json, quick_retriever
from reverie.core import conversations, sources
from reverie.core.answer import AnswerResult
from reverie.core.clock import iso, local_date
from reverie.core.errors import InputError, NotFoundError


def register(sub: Any) -> None:
    p = sub.add_parser("ask", help="ask Reverie; the answer cites your memories")
    p.add_argument("question", help="what to ask (or '-' to read standard input)")
    p.add_argument("--conversation", metavar="ID", help="continue this conversation (id or its first characters)")
    add_json_flag(p)
    p.set_defaults(func=run_ask)


def _conversation_id(vault: Any, prefix: str | None, question: str) -> str:
    if not prefix:
        return conversations.create_conversation(vault, sources.first_line_title(question)).id
    prefix = prefix.strip().lower()
    if len(prefix) < 4:
        raise InputError("Give at least the first 4 characters of the conversation's id.")
    rows = vault.query("SELECT id FROM conversations WHERE id LIKE ? || '%' LIMIT 2", (prefix,))
    if not rows:
        raise NotFoundError(f"No conversation has an id starting with {prefix}.")
    if len(rows) > 1:
        raise InputError(f"More than one conversation has an id starting with {prefix}; give more characters.")
    return str(rows[0][0])


def run_ask(args: Any) -> int:
    question = sys.stdin.read() if args.question == "-" else args.question
    if not question.strip():
        raise InputError("Ask something: the question is empty.")
    with cli_vault(args) as vault:
        companion = context.build_companion(vault, memories=quick_retriever(vault))
        cid = _conversation_id(vault, args.conversation, question)
        result = _answer(companion, cid, question, stream=not args.json)
    if args.json:
        print_json(as_dict(result))
    else:
        if result.replaced:  # what streamed was cut short by the checks: the reply is Reverie's own
            print(
                f"\n\n(The model's answer did not pass Reverie's checks; from your memories instead:)\n"
                f"{result.assistant_message.content}",
                end="",
            )
        _print_sources(result)
    if result.status == "error":
        print(f"reverie: {result.error}", file=sys.stderr)
        return 1
    return 0


def _answer(companion: Any, cid: str, question: str, *, stream: bool) -> AnswerResult:
    """Answer in a worker thread so Ctrl-C can stop the model and the partial answer is kept."""
    cancel = threading.Event()
    box: dict[str, Any] = {}

    def write(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    def work() -> None:
        try:
            box["result"] = companion.answer(cid, question, on_token=write if stream else None, cancel=cancel)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            box["error"] = exc

    worker = threading.Thread(target=work, name="reverie-ask", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        cancel.set()
        worker.join()
        if stream:
            sys.stdout.write("\n(stopped)")
    if "error" in box:
        raise box["error"]
    return box["result"]


def _print_sources(result: AnswerResult) -> None:
    print()
    if result.citations:
        print("\nSources:")
        for c in result.citations:
            g = next(g for g in result.given if g.n == c.n)
            text = " ".join(c.text.split())
            print(
                f"  [{c.n}] {local_date(g.memory.happened_at)}  {g.memory.kind} “{c.source_title}”: "
                f"{text[:100]}{'…' if len(text) > 100 else ''}"
            )
    if result.dropped_citations:
        print(f"({result.dropped_citations} citation(s) of memories it was not given were removed.)")
    print(f"\nconversation {result.user_message.conversation_id[:8]}")


def as_dict(result: AnswerResult) -> dict[str, Any]:
    return {
        "conversation_id": result.user_message.conversation_id,
        "question_id": result.user_message.id,
        "answer_id": result.assistant_message.id,
        "answer": result.assistant_message.content,
        "status": result.status,
        "error": result.error,
        "mode": result.mode,
        "citations": [
            {
                "n": c.n,
                "memory_uid": c.memory_uid,
                "source_title": c.source_title,
                "text": c.text,
                "inferred": c.inferred,
            }
            for c in result.citations
        ],
        "given": [
            {
                "n": g.n,
                "memory_uid": g.memory.uid,
                "kind": g.memory.kind,
                "source_title": g.source_title,
                "happened_at": iso(g.memory.happened_at),
                "score": g.score,
            }
            for g in result.given
        ],
        "dropped_citations": result.dropped_citations,
        "tier": result.assistant_message.meta.get("tier"),
        "composed": result.composed,
        "replaced": result.replaced,
        "gate": result.gate.as_meta() if result.gate is not None else None,
        "when": result.when.as_meta(result.user_message.created_at) if result.when is not None else None,
        "timings": result.timings,
    }
