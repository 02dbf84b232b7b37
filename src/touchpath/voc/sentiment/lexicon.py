"""The lexicon model: word polarities, negation, intensifiers and "but", per language.

The lexicons are data files shipped with the package (``data/lexicon_<lang>.tsv``), one
entry a line, ``term<TAB>value``; ``#`` starts a comment. A value is a polarity from −2
to +2, or a rule word:

* ``NEG``: negates the next polar word within :data:`SCOPE` tokens ("не понравилось",
  "not good", "nije dobro"); ``POST``: negates the polar word just before it ("ұнаған жоқ",
  "жақсы емес"); ``BOTH``: before if a polar word is there, else after ("проблем нет" /
  "нет ответа"). Punctuation ends a negation's scope. A negated polarity is multiplied by
  :data:`FLIP` (−0.8: "not bad" is milder than "good"); a negated *weak* positive (a verb
  of service such as "ответить", "work", below 0.75) counts at least :data:`UNMET`.
* An **unmet expectation**: a negation with no polar word in its scope but a word after it
  ("не перезвонили", "didn't show up", "келген жоқ") counts :data:`UNMET` (−0.6). In
  feedback a negated action is nearly always something the customer expected and did not
  get; negated *negative* verbs are in the lexicon ("не торопил" → торопить −1 → positive).
* ``INT``: multiplies the next polar word by 1.5 ("очень", "very", "jako", "өте").
* ``SKIP``: a function word a negation reaches across ("not *the* best", "nije *baš*
  dobro"); any other word in between ends the negation's scope.
* ``BUT``: a contrast; words before it count 0.5, after it 1.5 ("…, но доставка долгая").

Terms are normalised like the text (ru lemmas, en/sr stems, kk stems), so one entry
covers all word forms; a term of two or three words matches as a phrase.

A text's score is the sum of its weighted polarities; score ≥ :data:`THRESHOLD` is
positive, ≤ −THRESHOLD negative, anything between neutral (including texts with no polar
word at all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from touchpath.errors import TouchpathError
from touchpath.voc.sentiment.text import (
    BOUNDARIES,
    LANGUAGES,
    detect_language,
    kk_stem,
    normal,
    raw_tokens,
)

SCOPE = 3
FLIP = -0.8
INTENSITY = 1.5
BEFORE_BUT, AFTER_BUT = 0.5, 1.5
THRESHOLD = 0.5
UNMET = -0.6
RULES = ("NEG", "POST", "BOTH", "INT", "BUT", "SKIP")
EMOJI = {
    "👍": 1.5, "🙂": 1.0, "😊": 1.5, "😀": 1.5, "😍": 2.0, "❤": 2.0, "🔥": 1.0, "👏": 1.5,
    "👎": -1.5, "😡": -2.0, "😠": -2.0, "🙁": -1.0, "😞": -1.5, "😢": -1.0, "🤬": -2.0,
}  # fmt: skip


class LexiconError(TouchpathError):
    """A lexicon file with a bad line; the message names the file and the line."""


@dataclass(frozen=True)
class Lexicon:
    """One language's normalised entries: polarities, rule words, phrases (as tuples)."""

    language: str
    polarity: dict[tuple[str, ...], float]
    rules: dict[str, str]
    stems: frozenset[str]

    @property
    def longest(self) -> int:
        return max((len(k) for k in self.polarity), default=1)


def parse_lexicon(text: str, language: str, *, name: str = "lexicon") -> Lexicon:
    """Entries from the TSV text; terms normalised for ``language``."""
    raw: list[tuple[list[str], str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        parts = body.split("\t")
        if len(parts) != 2 or not parts[0].strip():
            raise LexiconError(f"{name}:{number}: expected term<TAB>value")
        raw.append(([w for w in raw_tokens(parts[0], language) if w[0].isalpha()], parts[1]))
        value = parts[1].strip()
        if value not in RULES:
            try:
                float(value)
            except ValueError:
                raise LexiconError(
                    f"{name}:{number}: value {value!r}: a number or one of {', '.join(RULES)}"
                ) from None
    # Kazakh stems are found by suffix stripping against the lexicon's own words
    stems = frozenset(w for words, _v in raw for w in words) if language == "kk" else frozenset()
    polarity: dict[tuple[str, ...], float] = {}
    rules: dict[str, str] = {}
    for words, value in raw:
        forms = tuple(
            kk_stem(w, stems)[0] if language == "kk" else normal(w, language) for w in words
        )
        if not forms:
            continue
        value = value.strip()
        if value in RULES:
            rules[forms[0]] = value
        else:
            polarity[forms] = float(value)
    return Lexicon(language, polarity, rules, stems)


@cache
def load_lexicon(language: str) -> Lexicon:
    """The shipped lexicon of ``language`` (ru, en, sr, kk)."""
    if language not in LANGUAGES:
        raise LexiconError(f"no lexicon for language {language!r} ({', '.join(LANGUAGES)})")
    name = f"lexicon_{language}.tsv"
    text = files("touchpath.voc.sentiment").joinpath("data", name).read_text(encoding="utf-8")
    return parse_lexicon(text, language, name=name)


@dataclass(frozen=True)
class Scored:
    """A text's score and the words that made it (for explanations and tests)."""

    score: float
    hits: tuple[tuple[str, float], ...]

    @property
    def label(self) -> str:
        if self.score >= THRESHOLD:
            return "positive"
        if self.score <= -THRESHOLD:
            return "negative"
        return "neutral"


def score_text(text: str, lexicon: Lexicon) -> Scored:
    """Score one text with one lexicon (the rules in the module docstring)."""
    lang = lexicon.language
    words: list[str] = []
    negated_form: list[bool] = []
    for token in raw_tokens(text, lang):
        if not token[0].isalpha():
            words.append(token)
            negated_form.append(False)
        elif lang == "kk":
            stem, neg = kk_stem(token, lexicon.stems)
            words.append(stem)
            negated_form.append(neg)
        else:
            words.append(normal(token, lang))
            negated_form.append(False)
    # (position, polarity) of each polar word or phrase, longest phrase first
    polar: list[list[float | int | bool]] = []  # [start, end, value, negated]
    unmet: list[int] = []  # negations with no polar word: "не перезвонили", "didn't show up"
    i = 0
    longest = lexicon.longest
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            key = tuple(words[i : i + size])
            if key in lexicon.polarity:
                polar.append([i, i + size, lexicon.polarity[key], any(negated_form[i : i + size])])
                i += size
                break
        else:
            if words[i] in EMOJI:
                polar.append([i, i + 1, EMOJI[words[i]], False])
            elif negated_form[i]:
                unmet.append(i)  # a Kazakh negated verb of no known stem
            i += 1
    weights = [1.0] * len(words)
    contrast = [k for k, w in enumerate(words) if lexicon.rules.get(w) == "BUT"]
    if contrast:
        last = contrast[-1]
        for k in range(len(words)):
            weights[k] = BEFORE_BUT if k < last else AFTER_BUT
    for k, w in enumerate(words):
        rule = lexicon.rules.get(w)
        if rule in ("NEG", "BOTH"):
            before = [p for p in polar if p[1] == k] if rule == "BOTH" else []
            after = [
                p
                for p in polar
                if k < int(p[0]) <= k + SCOPE and _reaches(words, k, int(p[0]), lexicon.rules)
            ]
            target = before or after[:1]
            for p in target:
                p[3] = not p[3]
            if not target and _word_follows(words, k):
                unmet.append(k)
        elif rule == "POST":
            target = [p for p in polar if k - 2 <= int(p[1]) - 1 < k][-1:]
            for p in target:
                p[3] = not p[3]
            if not target and k > 0 and words[k - 1][0].isalpha():
                unmet.append(k)
        elif rule == "INT":
            for p in [p for p in polar if k < int(p[0]) <= k + 2][:1]:
                p[2] = float(p[2]) * INTENSITY
    hits = []
    total = 0.0
    for entry in polar:
        start, end, v, neg = int(entry[0]), int(entry[1]), float(entry[2]), bool(entry[3])
        if neg:
            v = min(v * FLIP, UNMET) if v > 0 else v * FLIP
        v *= weights[start]
        hits.append((" ".join(words[start:end]), v))
        total += v
    for k in unmet:
        hits.append((f"{words[k]} …", UNMET * weights[k]))
        total += UNMET * weights[k]
    return Scored(total, tuple(hits))


def _word_follows(words: Sequence[str], k: int) -> bool:
    return k + 1 < len(words) and words[k + 1][0].isalpha()


def _reaches(words: Sequence[str], neg: int, target: int, rules: dict[str, str]) -> bool:
    """Whether a negation at ``neg`` reaches the word at ``target``: only intensifiers and
    ``SKIP`` words (articles, "be", particles) may stand between them, never punctuation
    or another content word ("не спешил и ответил" does not negate "ответил")."""
    between = words[neg + 1 : target]
    return all(w not in BOUNDARIES and rules.get(w) in ("INT", "SKIP") for w in between)


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float
    language: str | None


class LexiconModel:
    """The default sentiment model: the shipped lexicons (no training, no downloads)."""

    name = "lexicon"

    def __init__(self, *, default_language: str | None = None) -> None:
        self.default_language = default_language

    def get_params(self) -> dict[str, object]:
        return {"default_language": self.default_language}

    def predict(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[Prediction]:
        out = []
        for text, language in zip(texts, languages, strict=True):
            lang = language if language in LANGUAGES else None
            lang = lang or self.default_language or detect_language(text)
            scored = score_text(text, load_lexicon(lang))
            out.append(Prediction(scored.label, scored.score, lang))
        return out
