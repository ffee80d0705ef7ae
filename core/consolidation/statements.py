"""What may become a fact: a complete statement, with a subject and a predicate, that stands on
its own. Pure functions, no model.

A fact is written once and read for years, in the profile and in every answer, so anything that
is not plainly a sentence about someone is left out: headings, table rows, code, front matter,
link lists, fragments ("My table."), instructions ("Install the package"), questions, lines
addressed to the listener ("I'm so happy for you"), sentences whose subject cannot be told
without the lines around them ("It was great", "She said so"), passing feelings ("I'm super
thankful") and general remarks ("Family is everything"). The rules are about the shape of a
sentence, never about a particular user's words, so they hold for anyone's notes and chats.

``statement_problem`` says why a text is not a statement (or None); ``prose_sentences`` gives the
sentences of a unit's text with Markdown structure (fenced code, tables, front matter, headings,
link lists) taken out first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reverie.core.consolidation.text import content_tokens, sentences

MIN_WORDS = 3
MIN_CONTENT_WORDS = 2
MAX_CHARS = 160

# Structure: Markdown headings, quotes, tables, fences, rules, list items that are links, tasks.
_STRUCTURE = re.compile(r"^\s*(?:#{1,6}(?:\s|$)|>|\||```|~~~|-{3,}|={3,}|\*{3,}|[-*+]\s+\[[ xX]?\]|<\w)")
_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)|\[\[[^\]]*\]\]|<https?://")
_URL = re.compile(r"https?://\S+|www\.\S+")
# Code: calls, attribute access on identifiers, operators, braces, backticks, snake_case, $vars.
_CODE = re.compile(
    r"`|\w\(|\(\)|[{};]\s*$|[{}]|[=!<>]=|=>|->|::|\+=|&&|\|\||</?\w+>|\$\w|\b[a-z]+_[a-z_]+\b"
    r"|\b[a-z]\w*\.[a-z_]\w*\b(?![.@])|^\s*(?:import|from|def|class|return|const|let|var|function|if|for|while)\b"
    r"(?=.*[:(=])"
)
_KEY_VALUE = re.compile(r"^\s*[a-z_][\w-]*\s*:\s*\S")  # front matter, config ("title: Notes")
_LEAD_PHRASE = re.compile(
    r"^(?:by the way|you know|i mean|to be honest|in fact|of course|guess what)\b[,!.]?\s*", re.IGNORECASE
)
_VOCATIVE = re.compile(
    r"^(?:(?i:oh|yeah|yes|yep|hey|hi|well|so|wow|aw+),?\s+)*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s+"
)  # "Yeah Gina, ..."
_IDENTITY = re.compile(
    r"(?:\b(?:am|is|are|was|were)|['\u2019]m|['\u2019]re)\s+(?:a|an)\s+\w", re.IGNORECASE
)  # "I'm a nurse"
_ENUM = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+")
_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019-]*\w)?", re.UNICODE)
_FILLER = {
    "oh",
    "so",
    "well",
    "and",
    "but",
    "also",
    "actually",
    "honestly",
    "anyway",
    "btw",
    "yes",
    "yeah",
    "no",
    "ok",
    "okay",
    "hey",
    "hi",
    "wow",
    "haha",
    "lol",
    "plus",
    "then",
    "now",
    "basically",
    "though",
}
_LEAD_ADVERBS = {
    "yesterday",
    "today",
    "tonight",
    "tomorrow",
    "recently",
    "lately",
    "finally",
    "last",
    "next",
    "this",
    "every",
    "once",
    "sometimes",
    "usually",
    "now",
    "then",
    "later",
    "earlier",
    "still",
}
_ADVERBS = {
    "really",
    "also",
    "just",
    "still",
    "never",
    "always",
    "usually",
    "often",
    "recently",
    "finally",
    "actually",
    "already",
    "sometimes",
    "even",
    "totally",
    "absolutely",
    "definitely",
    "mostly",
    "only",
    "rarely",
    "generally",
    "seriously",
    "truly",
    "honestly",
    "probably",
    "certainly",
    "currently",
    "now",
    "both",
    "all",
    "once",
    "officially",
    "especially",
    "mainly",
    "literally",
    "kind",
    "sort",
    "not",
    "do",
    "did",
    "does",
    "so",
}
_AUX = {
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "can",
    "could",
    "shall",
    "should",
    "may",
    "might",
    "must",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "hasn't",
    "haven't",
    "hadn't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
    "shouldn't",
    "ain't",
    "gets",
    "got",
    "get",
    "keeps",
    "kept",
    "goes",
    "went",
    "gone",
    "makes",
    "made",
    "feels",
    "felt",
    "seems",
    "seemed",
    "became",
    "becomes",
    "lives",
    "lived",
    "works",
    "worked",
}
# Words that say how something felt, not what is so: a sentence with nothing else ("I'm super
# thankful", "That was so much fun") is a passing remark, not a fact to remember.
_FEELINGS = set(
    """happy glad thankful grateful excited lucky blessed proud sad sorry tired exhausted busy bored
    awesome amazing great cool nice fun lovely wonderful fantastic incredible awful terrible bad good fine
    super totally absolutely crazy wild funny sweet cute beautiful gorgeous perfect interesting inspiring
    inspired touched moved stoked thrilled pumped nervous anxious worried scared afraid relieved surprised
    honored honoured hard tough rough special powerful meaningful enjoy enjoyed loved love loving feel feels
    felt feeling appreciate appreciated wow yay hope hoping glad definitely really truly agree agreed guess
    suppose bet wonder thanks thank sorry""".split()
)
# Common nouns that start general remarks ("Family is everything", "Time flies"): never a name.
_GENERIC = set(
    """family time life love art music nature people everyone everybody friendship friends kids children
    work health happiness success change growth parenting painting writing running travel travelling traveling
    home money school nothing everything today tomorrow yesterday tonight weekends mornings summer winter
    spring autumn fall sports food cooking self exercise reading learning""".split()
)
# Common verbs in their base form: after a plural subject ("My kids love swimming") the verb has
# no ending to recognise it by.
_BASE_VERBS = set(
    """love like live work hate want need enjoy prefer play go come make take help know think feel
    call run teach study visit own keep speak cook paint read write have do say get see use find give tell become
    leave put mean let begin seem show hear move believe bring happen sit stand lose pay meet include continue set
    learn change lead understand watch follow stop create spend grow open walk win offer remember consider appear
    buy wait serve send expect build stay fall cut reach remain suggest raise pass sell require decide pull
    volunteer swim hike travel dance sing adopt drive ride plan hope try miss share care support attend join
    collect bake garden fish camp climb practise practice train coach mentor rent wear drink eat sleep""".split()
)
# Past forms without -ed: "Gina lost her job", "Anna went to Lyon".
_IRREGULAR_PAST = set(
    """went got lost made took came gave found told felt left met bought brought thought taught ran
    wrote began became knew grew drove flew spent won sold built paid kept held sat stood heard said saw did had
    fell broke chose forgot hid rode sang swam threw wore woke ate drank slept""".split()
)
# Words that are never the verb right after a subject ("I table" is not a sentence).
_NOT_VERBS = {
    "a",
    "an",
    "the",
    "my",
    "our",
    "your",
    "his",
    "her",
    "their",
    "its",
    "this",
    "that",
    "these",
    "those",
    "and",
    "or",
    "but",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "with",
    "from",
    "by",
    "about",
    "as",
    "into",
    "i",
    "we",
    "you",
    "he",
    "she",
    "they",
    "it",
    "me",
    "us",
    "him",
    "them",
    "who",
    "what",
    "which",
    "very",
    "too",
    "more",
    "most",
    "much",
    "many",
    "some",
    "any",
    "no",
    "every",
    "each",
    "one",
    "two",
    "own",
    "new",
    "old",
    "good",
    "great",
    "best",
    "first",
    "last",
    "mom",
    "dad",
    "family",
    "friend",
    "friends",
    "kids",
    "table",
    "name",
    "names",
}
_CONTRACTED = re.compile(r"^(?:i|we|they|you|he|she|it|that|there|who)['\u2019](?:m|re|ve|ll|d|s)$")
_FIRST_PERSON = {
    "i",
    "we",
    "i'm",
    "i've",
    "i'll",
    "i'd",
    "we're",
    "we've",
    "we'll",
    "we'd",
    "my",
    "our",
    "me",
    "myself",
    "mine",
}
_SECOND_PERSON = {"you", "your", "yours", "yourself", "you're", "you've", "you'll", "you'd", "ya", "u"}
# A fact is read alone, months later: "Our bond with him was special" says nothing without the line
# that named him. ("her" is left out: it is as often "her garden" as "told her".)
_DANGLING_OBJECT = {"him", "them", "it"}
_UNCLEAR = {
    "it",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "he",
    "she",
    "they",
    "his",
    "her",
    "their",
    "it's",
    "that's",
    "there's",
    "here's",
    "he's",
    "she's",
    "they're",
    "they've",
    "they'll",
    "he'll",
    "she'll",
    "it'll",
    "which",
    "what",
    "who",
    "whose",
    "where",
    "when",
    "why",
    "how",
    "one",
    "someone",
    "something",
    "everyone",
    "everything",
    "nothing",
    "anyone",
    "anything",
    "its",
    "them",
    "such",
}
_QUESTION_START = {
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "can",
    "could",
    "would",
    "will",
    "should",
    "have",
    "has",
    "had",
    "shall",
    "may",
    "might",
    "am",
    "isn't",
    "aren't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
}
_DETERMINERS = {"the", "a", "an", "both", "all", "every", "each", "some", "most", "many", "two", "three"}
_POSSESSIVE = {"my", "our"}
_PRONOUN_SUBJECT = {"i", "we"}


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _norm(w: str) -> str:
    return w.casefold().replace("\u2019", "'")


def _is_verb_like(w: str) -> bool:
    """A word that can be the finite verb right after a clear subject."""
    low = _norm(w)
    if low in _AUX or _CONTRACTED.match(low):
        return True
    return low.isalpha() and w[:1].islower() and low not in _NOT_VERBS and len(low) > 1


def _inflected_verb(low: str) -> bool:
    """A past or third-person form ("lives", "painted", "went")."""
    return low in _IRREGULAR_PAST or (
        len(low) > 3 and (low.endswith(("ed", "es")) or (low.endswith("s") and not low.endswith(("ss", "us", "is"))))
    )


def _verb_after_name(ws: list[str]) -> bool:
    """Whether a name ("Anna", "Dr Wu", "Anna and Tom") is followed by its verb: an auxiliary or
    a past or third-person form ("Anna lives", "Gina lost"); a base form only after "and"
    ("Anna and Tom love hiking"). "Sorry to hear that" and "Long time no see" have none."""
    i, plural = 0, False
    while i < len(ws) and i < 2 and ws[i][:1].isupper():
        i += 1
    if i + 1 < len(ws) and _norm(ws[i]) == "and":
        i, plural = i + 2, True
    while i < len(ws) and _norm(ws[i]) in _ADVERBS:
        i += 1
    if i >= len(ws):
        return False
    low = _norm(ws[i])
    return bool(
        low in _AUX
        or _CONTRACTED.match(low)
        or (ws[i][:1].islower() and low.isalpha() and (_inflected_verb(low) or (plural and low in _BASE_VERBS)))
    )


def _finite_verb_after_np(ws: list[str], noun_first: bool) -> bool:
    """Whether a noun phrase subject is followed by a verb within a few words: an auxiliary, a
    past or third-person form, a common verb, or an adverb then a verb. ``ws`` starts after the
    subject's first word; ``noun_first``: the next word is still part of the subject ("My kids")."""
    start = 1 if noun_first else 0
    for i, w in enumerate(ws[:7]):
        low = _norm(w)
        if low in _AUX or _CONTRACTED.match(low):
            return True
        if i < start or not w[:1].islower() or not low.isalpha() or low in _NOT_VERBS:
            continue
        if i > 0 and _norm(ws[i - 1]) in _NOT_VERBS and low not in _BASE_VERBS:
            continue  # "the moments", "my plans": a noun after a determiner or preposition
        if low in _BASE_VERBS or _inflected_verb(low):
            return True
        if i > 0 and _norm(ws[i - 1]) in _ADVERBS and low not in _ADVERBS:
            return True
    return False


_IS_AFTER = {"a", "an", "the", "so", "very", "really", "not", "always", "never", "still", "my", "our", "too", "been"}
_TIME_WORDS = set(
    """yesterday today tomorrow tonight monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december weekend week month
    year morning evening night""".split()
)
_WISH = {"should", "could", "might", "shall", "ought", "gonna", "wanna", "gotta"}
_TO_LISTENER = {
    "let's",
    "lets",
    "please",
    "thanks",
    "thank",
    "sorry",
    "congrats",
    "congratulations",
    "cheers",
    "welcome",
    "bye",
    "goodbye",
    "imagine",
    "look",
    "see",
    "check",
    "remember",
    "keep",
}
# Words that say nothing on their own ("I'm gonna make it happen"), and intensifiers ("incredibly").
_WEAK = set(
    """gonna wanna gotta kinda sorta stuff lot lots way happen happens happened happening going doing done
    getting imagine pretty em ya""".split()
)
_INTENSIFIER_ENDINGS = ("ally", "ibly", "ably", "tely", "ously", "ssly")
_PREFERENCE = {"like", "likes", "liked", "want", "wants", "wanted", "need", "needs", "needed"}
_DANGLING = {"and", "or", "but", "to", "the", "a", "an", "of", "with", "because", "so", "my", "our", "for", "that"}
_PREPOSITIONS = {
    "in",
    "on",
    "at",
    "for",
    "with",
    "from",
    "by",
    "about",
    "after",
    "before",
    "during",
    "since",
    "over",
    "when",
    "while",
    "because",
    "if",
    "as",
    "to",
    "of",
    "into",
    "through",
    "around",
}


def _strip_lead(ws: list[str]) -> list[str]:
    """Drop interjections, a leading time adverbial and a leading phrase before the subject
    ("Oh, yesterday I ..." / "After work I ..." -> "I ...")."""
    i = 0
    while i < len(ws) and _norm(ws[i]) in _FILLER:
        i += 1
    if i < len(ws) and _norm(ws[i]) in _PREPOSITIONS:
        j = next(
            (
                k
                for k in range(i + 1, min(len(ws), i + 7))
                if _norm(ws[k]) in _PRONOUN_SUBJECT | _POSSESSIVE or _CONTRACTED.match(_norm(ws[k]))
            ),
            None,
        )
        return ws[j:] if j is not None else []
    if i < len(ws) and _norm(ws[i]) in _LEAD_ADVERBS:
        j = i + 1
        while (
            j < min(len(ws), i + 4) and _norm(ws[j]) not in _PRONOUN_SUBJECT | _POSSESSIVE and not ws[j][:1].isupper()
        ):
            j += 1
        if j < len(ws) and (_norm(ws[j]) in _PRONOUN_SUBJECT | _POSSESSIVE or ws[j][:1].isupper()):
            i = j
    return ws[i:]


def statement_problem(text: str) -> str | None:
    """Why ``text`` cannot be a fact, in a few words; None when it is a complete statement."""
    s = " ".join(text.split())
    if not s:
        return "empty"
    if len(s) > MAX_CHARS:
        return "too long for one fact"
    if _STRUCTURE.match(s) or s.count("|") >= 2:
        return "a heading, table row or other Markdown structure"
    if _LINK.search(s):
        return "a link"
    if _CODE.search(s):
        return "code"
    if _KEY_VALUE.match(s):
        return "a key: value line (front matter or settings)"
    bare = _URL.sub(" ", s)
    letters = sum(c.isalpha() for c in bare)
    visible = sum(not c.isspace() for c in s)
    if visible == 0 or letters / visible < 0.6:
        return "mostly symbols or numbers"
    if "?" in s:
        return "a question"
    if s.rstrip().endswith((":", ",", ";", "-", "\u2013", "\u2014", "(", "...", "\u2026")):
        return "an unfinished sentence"
    s = _LEAD_PHRASE.sub("", _VOCATIVE.sub("", s))
    ws = _words(_ENUM.sub("", s))
    if len(ws) < MIN_WORDS:
        return "a fragment"
    if _norm(ws[-1]) in _DANGLING and s.rstrip()[-1:] not in ".!":
        return "an unfinished sentence"
    parts = [p for p in s.rstrip(".!").split(",") if p.strip()]
    if len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts) and not any(_norm(w) in _AUX for w in ws):
        return "a list, not a sentence"
    lows = [_norm(w) for w in ws]
    if any(w in _SECOND_PERSON for w in lows):
        return "addressed to the listener, not about someone"
    content = {
        t
        for t in content_tokens(s)
        if t not in _FIRST_PERSON
        and t not in _WEAK
        and not _CONTRACTED.match(t)
        and not t.endswith(_INTENSIFIER_ENDINGS)
    }
    content |= {w for w in lows if w in _PREFERENCE}  # "I like coffee" says something
    if len(content) < MIN_CONTENT_WORDS and not (content - _FEELINGS and _IDENTITY.search(s)):
        return "too little said to be a fact"
    if not content - _FEELINGS:
        return "a passing feeling, not a fact"
    if sum(w[:1].isupper() for w in ws) == len(ws) and len(ws) > 2:
        return "a title"
    core = _strip_lead(ws)
    if len(core) < 2:
        return "a fragment"
    named = any(w[:1].isupper() and _norm(w) not in _FIRST_PERSON for w in ws[1:])
    if not named and any(w in _DANGLING_OBJECT for w in lows[1:]):
        return "it points at someone or something named only in the lines around it"
    first, low = core[0], _norm(core[0])
    if low.removesuffix("'s") in _TIME_WORDS:
        return "about a day, not about someone"
    if low in _QUESTION_START:
        return "a question"
    if low in _TO_LISTENER:
        return "a remark to the listener, not a fact"
    if low in _UNCLEAR:
        return "its subject is unclear without the lines around it"
    if low in _PRONOUN_SUBJECT or (_CONTRACTED.match(low) and low.split("'")[0] in _PRONOUN_SUBJECT):
        if len(core) > 1 and _norm(core[1]) in _WISH:
            return "a wish or a suggestion, not a fact"
        if _CONTRACTED.match(low):
            return None
        rest = [w for w in core[1:] if _norm(w) not in _ADVERBS] or core[1:]
        return None if rest and _is_verb_like(rest[0]) else "has no verb (a fragment)"
    about_user = any(_norm(w) in _FIRST_PERSON for w in core)
    if (low in _GENERIC or low in _DETERMINERS or low.endswith("ing")) and not about_user:
        return "a general remark, not about you or someone you know"
    if low.endswith("'s") and len(core) > 1 and _norm(core[1]) in _IS_AFTER:
        return None  # "Painting's a fun way ...", "Anna's not coming": 's is "is"
    if low in _POSSESSIVE or low in _DETERMINERS or low.endswith("'s") or low in _GENERIC or low.endswith("ing"):
        if _finite_verb_after_np(core[1:], low in _POSSESSIVE or low in _DETERMINERS or low.endswith("'s")):
            return None
        return "has no verb (a fragment)"
    if low in _BASE_VERBS:
        return "an instruction, not a fact"  # "Stay motivated", "Keep going": a name is never a verb
    if first[:1].isupper():
        return None if _verb_after_name(core) else "no subject and verb (an instruction or a fragment)"
    return "no subject (an instruction or a fragment)"


def is_statement(text: str) -> bool:
    """A complete statement, with a subject and a predicate, that may become a fact."""
    return statement_problem(text) is None


def mentions_first_person(text: str) -> bool:
    return any(_norm(w) in _FIRST_PERSON for w in _words(text))


_FENCE = re.compile(r"^\s*(?:```|~~~)")


def prose_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` that are prose: fenced code, front matter, tables, headings, link
    lists and indented code are left out."""
    lines = text.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        end = next((j for j in range(1, len(lines)) if lines[j].strip() in ("---", "...")), None)
        if end is not None:
            i = end + 1
    fenced = False
    for line in lines[i:]:
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")) or not line.strip():
            continue
        if _STRUCTURE.match(line) or line.count("|") >= 2 or _KEY_VALUE.match(line):
            continue
        if _ENUM.match(line) and _LINK.search(line):
            continue
        yield line


def prose_sentences(text: str) -> list[str]:
    """The sentences of the prose in ``text`` (see ``prose_lines``)."""
    return [s for line in prose_lines(text) for s in sentences(line)]


_NEGATION = re.compile(r"\b(?:not|never|no|nobody|nothing|neither|nor|without)\b|n['\u2019]t\b", re.IGNORECASE)


def negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


def same_polarity(claim: str, source: str) -> bool:
    """A claim drawn from ``source`` keeps its negation: "I don't like coffee" never becomes
    "I like coffee" (nor the other way round)."""
    return negated(claim) == negated(source)
