"""How close a reply is to a benchmark's gold answer, as LoCoMo's own evaluation scores it.

LoCoMo (``task_eval/evaluation.py`` of its repository) normalises an answer by lower-casing it,
dropping commas and punctuation, dropping the words a, an, the and "and", and collapsing spaces;
then it stems every token with NLTK's Porter stemmer and scores token F1 against the gold answer.
Multi-hop questions (category 1) split the gold answer at commas and average, over its parts,
the best F1 of any comma-separated part of the reply; open-domain answers (category 3) keep the
gold answer's first ``;`` part.

``porter_stem`` is the Porter algorithm as NLTK's ``PorterStemmer`` runs it by default (its
``NLTK_EXTENSIONS`` mode: a few irregular forms, "ies"/"ied" on four-letter words, "y" to "i"
only after a consonant, the "bli", "alli", "fulli" and "logi" rules, the cvc check on two-letter
stems), written here so the figures need no extra package; it stems all 41,007 distinct words of
the LoCoMo and LongMemEval dev files exactly as NLTK 3.10 does.

Token recall is the share of the gold answer's tokens (normalised and stemmed the same way) that
the whole reply contains: a reply that quotes the right memory scores well on it even when it is
long, which F1 punishes.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence

_VOWELS = frozenset("aeiou")
_IRREGULAR = {
    "skies": "sky",
    "sky": "sky",
    "dying": "die",
    "lying": "lie",
    "tying": "tie",
    "news": "news",
    "innings": "inning",
    "inning": "inning",
    "outings": "outing",
    "outing": "outing",
    "cannings": "canning",
    "canning": "canning",
    "howe": "howe",
    "proceed": "proceed",
    "exceed": "exceed",
    "succeed": "succeed",
}
_PUNCT = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the|and)\b")


# -- the Porter stemmer (NLTK's default mode) ---------------------------------------------------------
def _consonant(w: str, i: int) -> bool:
    if w[i] in _VOWELS:
        return False
    if w[i] == "y":
        return i == 0 or not _consonant(w, i - 1)
    return True


def _measure(stem: str) -> int:
    """The number of vowel-consonant sequences (Porter's m)."""
    pattern = "".join("c" if _consonant(stem, i) else "v" for i in range(len(stem)))
    return pattern.count("vc")


def _has_vowel(stem: str) -> bool:
    return any(not _consonant(stem, i) for i in range(len(stem)))


def _double_consonant(w: str) -> bool:
    return len(w) >= 2 and w[-1] == w[-2] and _consonant(w, len(w) - 1)


def _cvc(w: str) -> bool:
    n = len(w)
    if n >= 3 and _consonant(w, n - 3) and not _consonant(w, n - 2) and _consonant(w, n - 1):
        return w[-1] not in "wxy"
    return n == 2 and not _consonant(w, 0) and _consonant(w, 1)


def _rules(word: str, rules: Sequence[tuple[str, str, object]]) -> str:
    """Apply the first rule whose suffix ends ``word``: its replacement when its condition holds
    on the stem, else nothing (no later rule is tried)."""
    for suffix, repl, cond in rules:
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)]
            return stem + repl if cond is None or cond(stem) else word  # type: ignore[operator]
    return word


def _m_pos(stem: str) -> bool:
    return _measure(stem) > 0


def _m_gt1(stem: str) -> bool:
    return _measure(stem) > 1


def _step1a(w: str) -> str:
    if w.endswith("ies") and len(w) == 4:
        return w[:-3] + "ie"
    return _rules(w, [("sses", "ss", None), ("ies", "i", None), ("ss", "ss", None), ("s", "", None)])


def _step1b(w: str) -> str:
    if w.endswith("ied"):
        return w[:-3] + ("ie" if len(w) == 4 else "i")
    if w.endswith("eed"):
        stem = w[:-3]
        return stem + "ee" if _measure(stem) > 0 else w
    for suffix in ("ed", "ing"):
        if w.endswith(suffix) and _has_vowel(w[: -len(suffix)]):
            stem = w[: -len(suffix)]
            break
    else:
        return w
    if stem.endswith(("at", "bl", "iz")):
        return stem + "e"
    if _double_consonant(stem):
        return stem if stem[-1] in "lsz" else stem[:-1]
    if _measure(stem) == 1 and _cvc(stem):
        return stem + "e"
    return stem


def _step1c(w: str) -> str:
    if w.endswith("y") and len(w) > 2 and _consonant(w, len(w) - 2):
        return w[:-1] + "i"
    return w


def _step2(w: str) -> str:
    if w.endswith("alli") and _measure(w[:-4]) > 0:
        return _step2(w[:-4] + "al")
    return _rules(
        w,
        [
            ("ational", "ate", _m_pos),
            ("tional", "tion", _m_pos),
            ("enci", "ence", _m_pos),
            ("anci", "ance", _m_pos),
            ("izer", "ize", _m_pos),
            ("bli", "ble", _m_pos),
            ("alli", "al", _m_pos),
            ("entli", "ent", _m_pos),
            ("eli", "e", _m_pos),
            ("ousli", "ous", _m_pos),
            ("ization", "ize", _m_pos),
            ("ation", "ate", _m_pos),
            ("ator", "ate", _m_pos),
            ("alism", "al", _m_pos),
            ("iveness", "ive", _m_pos),
            ("fulness", "ful", _m_pos),
            ("ousness", "ous", _m_pos),
            ("aliti", "al", _m_pos),
            ("iviti", "ive", _m_pos),
            ("biliti", "ble", _m_pos),
            ("fulli", "ful", _m_pos),
            # the "l" of "logi" stays with the stem, so "geologi" and "theologi" behave alike
            ("logi", "log", lambda _stem: _measure(w[:-3]) > 0),
        ],
    )


def _step3(w: str) -> str:
    return _rules(
        w,
        [
            ("icate", "ic", _m_pos),
            ("ative", "", _m_pos),
            ("alize", "al", _m_pos),
            ("iciti", "ic", _m_pos),
            ("ical", "ic", _m_pos),
            ("ful", "", _m_pos),
            ("ness", "", _m_pos),
        ],
    )


def _step4(w: str) -> str:
    suffixes = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent")
    rules: list[tuple[str, str, object]] = [(s, "", _m_gt1) for s in suffixes]
    rules.append(("ion", "", lambda stem: _measure(stem) > 1 and stem[-1] in "st"))
    rules += [(s, "", _m_gt1) for s in ("ou", "ism", "ate", "iti", "ous", "ive", "ize")]
    return _rules(w, rules)


def _step5(w: str) -> str:
    if w.endswith("e"):
        stem = w[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            w = stem
    if w.endswith("ll") and _measure(w[:-1]) > 1:
        w = w[:-1]
    return w


def porter_stem(word: str) -> str:
    """A word's Porter stem, as ``nltk.stem.PorterStemmer().stem(word)`` gives it."""
    w = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[w]
    if len(word) <= 2:
        return w
    for step in (_step1a, _step1b, _step1c, _step2, _step3, _step4, _step5):
        w = step(w)
    return w


# -- LoCoMo's answer scores -------------------------------------------------------------------------
def normalise_answer(text: str) -> str:
    """LoCoMo's normalisation: commas out, lower case, punctuation out, a/an/the/and out, one space.
    Unicode punctuation counts too (LoCoMo strips ASCII only), so the “ ” around a quoted memory
    do not glue themselves to its first and last words."""
    s = str(text).replace(",", "").lower()
    s = "".join(ch for ch in s if ch not in _PUNCT and not unicodedata.category(ch).startswith("P"))
    s = _ARTICLES.sub(" ", s)
    return " ".join(s.split())


def answer_tokens(text: str) -> list[str]:
    return [porter_stem(w) for w in normalise_answer(text).split()]


def f1_score(prediction: str, gold: str) -> float:
    """LoCoMo's token F1 between a reply and one gold answer."""
    pred, ref = answer_tokens(prediction), answer_tokens(gold)
    same = sum((Counter(pred) & Counter(ref)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


def multi_answer_f1(prediction: str, gold: str) -> float:
    """LoCoMo's multi-hop F1: gold split at commas, each part scored against its best reply part."""
    preds = [p.strip() for p in prediction.split(",")]
    golds = [g.strip() for g in gold.split(",")]
    return sum(max(f1_score(p, g) for p in preds) for g in golds) / len(golds)


def token_recall(prediction: str, gold: str) -> float:
    """The share of the gold answer's tokens the reply contains (0 when the gold answer has none)."""
    pred, ref = answer_tokens(prediction), answer_tokens(gold)
    if not ref:
        return 0.0
    return sum((Counter(pred) & Counter(ref)).values()) / len(ref)


def gold_for(answer: object, category: str) -> str:
    """The gold answer as LoCoMo scores it: text, and an open-domain answer's first ``;`` part."""
    text = str(answer)
    if category == "open-domain":
        text = text.split(";")[0].strip()
    return text


def score_reply(reply: str, gold: str, category: str, benchmark: str = "locomo") -> dict[str, float]:
    """``recall`` and ``f1`` of a visible reply against the gold answer (LoCoMo's rules for its
    categories; plain token F1 for every other benchmark)."""
    if benchmark == "locomo" and category == "multi-hop":
        f1 = multi_answer_f1(reply, gold)
    else:
        f1 = f1_score(reply, gold)
    return {"recall": token_recall(reply, gold), "f1": f1}
