"""Retrieval metrics, as the benchmarks' own evaluation code defines them.

LoCoMo: turn-level recall@k is the fraction of a question's evidence turns among the first k
retrieved turns; hit@k is 1 when at least one of them is.

LongMemEval (``src/retrieval/eval_utils.py`` of the official repository): over a ranked list of
corpus ids, recall_any@k is 1 when any correct id is in the first k, recall_all@k when all are;
ndcg_any@k uses binary relevance and the DCG in which the first two positions both weigh 1
(rel_1 + sum_{i>=2} rel_i / log2(i)), normalised by the ideal ordering of the whole corpus.
Session-level figures come from the turn ranking: ids are mapped to their session and k grows
until the first k ranks cover k distinct sessions (or the corpus ends).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence


def dedupe(ids: Iterable[str]) -> list[str]:
    """Keep the first occurrence of each id (a long message can be several units)."""
    seen: set[str] = set()
    out: list[str] = []
    for i in ids:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def recall_at_k(ranked: Sequence[str], evidence: Iterable[str], k: int) -> float:
    gold = set(evidence)
    if not gold:
        raise ValueError("recall is undefined without evidence; skip the question instead")
    return len(gold & set(ranked[:k])) / len(gold)


def hit_at_k(ranked: Sequence[str], evidence: Iterable[str], k: int) -> float:
    gold = set(evidence)
    if not gold:
        raise ValueError("hit is undefined without evidence; skip the question instead")
    return 1.0 if gold & set(ranked[:k]) else 0.0


def dcg(relevances: Sequence[float], k: int) -> float:
    rel = list(relevances)[:k]
    if not rel:
        return 0.0
    return rel[0] + sum(r / math.log2(i) for i, r in enumerate(rel[1:], start=2))


def ndcg_any(ranked: Sequence[str], correct: Iterable[str], corpus: Sequence[str], k: int) -> float:
    """``ranked`` and ``corpus`` are corpus ids (one per corpus item, repeats allowed)."""
    gold = set(correct)
    ideal = sorted((1.0 if c in gold else 0.0 for c in corpus), reverse=True)
    best = dcg(ideal, k)
    if best == 0:
        return 0.0
    return dcg([1.0 if r in gold else 0.0 for r in ranked[:k]], k) / best


def recall_any_all(ranked: Sequence[str], correct: Iterable[str], k: int) -> tuple[float, float]:
    top = set(ranked[:k])
    gold = list(correct)
    return float(any(c in top for c in gold)), float(all(c in top for c in gold))


def session_of(turn_id: str) -> str:
    return turn_id.rsplit("_", 1)[0]


def turn2session(
    ranked_turns: Sequence[str],
    correct_turns: Iterable[str],
    corpus_turns: Sequence[str],
    k: int,
    to_session: Callable[[str], str] = session_of,
) -> dict[str, float]:
    """Session-level recall_any / recall_all / ndcg_any at ``k`` from a turn ranking."""
    correct = {to_session(t) for t in correct_turns}
    ranked = [to_session(t) for t in ranked_turns]
    corpus = [to_session(t) for t in corpus_turns]
    eff = k
    while eff <= len(corpus) and len(set(ranked[:eff])) < k:
        eff += 1
        if eff > len(ranked):
            break
    ra, rall = recall_any_all(ranked, correct, eff)
    return {"recall_any": ra, "recall_all": rall, "ndcg_any": ndcg_any(ranked, correct, corpus, eff)}


def complete_ranking(ranked: Sequence[str], corpus: Sequence[str]) -> list[str]:
    """The ranking with every corpus id the searcher did not return appended (in corpus order),
    as the official evaluation ranks the whole corpus. Ids outside the corpus are dropped."""
    known = set(corpus)
    head = [r for r in dedupe(ranked) if r in known]
    seen = set(head)
    return head + [c for c in corpus if c not in seen]


def locomo_scores(ranked: Sequence[str], evidence: Sequence[str], ks: Sequence[int]) -> dict[str, float]:
    out: dict[str, float] = {}
    for k in ks:
        out[f"recall@{k}"] = recall_at_k(ranked, evidence, k)
        out[f"hit@{k}"] = hit_at_k(ranked, evidence, k)
    return out


def longmemeval_scores(
    ranked: Sequence[str],
    evidence: Sequence[str],
    corpus: Sequence[str],
    ks: Sequence[int],
) -> dict[str, float]:
    """Turn-level and session-level figures at each k (ranked and corpus: user-turn ids)."""
    full = complete_ranking(ranked, corpus)
    out: dict[str, float] = {}
    for k in ks:
        ra, rall = recall_any_all(full, evidence, k)
        out[f"turn_recall_any@{k}"] = ra
        out[f"turn_recall_all@{k}"] = rall
        out[f"turn_ndcg_any@{k}"] = ndcg_any(full, evidence, corpus, k)
        for name, v in turn2session(full, evidence, corpus, k).items():
            out[f"session_{name}@{k}"] = v
    return out
