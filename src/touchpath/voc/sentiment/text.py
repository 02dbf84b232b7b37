"""Tokens, language guess and word normal forms for ru, en, sr and kk.

* **ru**: pymorphy3 lemmas (``понравилось`` → ``понравиться``), ``ё`` read as ``е``.
* **en**: the Snowball English (Porter 2) stemmer, after ``n't`` is split off as ``not``;
  words in ``-ly`` are kept whole (``friendly`` is not ``friend``).
* **sr**: Cyrillic is transliterated to Latin (Вук Караџић ↔ Gaj's alphabet, one to one
  except љ → lj, њ → nj, џ → dž), then the Snowball Serbian stemmer.
* **kk**: Snowball has no Kazakh, so :func:`kk_stem` strips the common inflection suffixes
  (plural, possessive, case, tense, person; longest first, keeping at least three letters)
  and reports a negative verb infix ``-ма/-ме/-ба/-бе/-па/-пе`` (``ұнамады`` → ``ұна``,
  negated). Documented in docs/voc.md with its limits.

>>> tokens("Не понравилось! 👎", "ru")
['не', 'понравиться', '!', '👎']
>>> tokens("Not good, sorry", "en")
['not', 'good', ',', 'sorri']
>>> kk_stem("ұнамады", frozenset({"ұна"}))
('ұна', True)
>>> latin("Није добро")
'Nije dobro'
"""

from __future__ import annotations

import re
from functools import cache

import snowballstemmer  # type: ignore[import-untyped, unused-ignore]

LANGUAGES: tuple[str, ...] = ("ru", "en", "sr", "kk")

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|[!?,;:.]|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
BOUNDARIES = frozenset("!?,;:.")
"""Punctuation tokens: they end a negation's scope."""
_KK_LETTERS = set("әғқңөұүһі")
_SR_CYRILLIC = set("ђјљњћџ")
_SR_LATIN = set("šđčćž")
_SR_WORDS = frozenset(
    [
        "je",
        "nije",
        "sam",
        "nisam",
        "smo",
        "su",
        "bio",
        "bila",
        "bilo",
        "da",
        "ne",
        "i",
        "u",
        "na",
        "se",
        "mi",
        "sve",
        "jako",
        "veoma",
        "vrlo",
        "ali",
        "dobro",
        "loše",
        "lose",
        "odlično",
        "odlicno",
        "super",
        "hvala",
        "preporučujem",
        "preporucujem",
        "nema",
    ]
)
_EN_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "is",
        "was",
        "were",
        "are",
        "it",
        "this",
        "that",
        "not",
        "and",
        "but",
        "very",
        "with",
        "to",
        "of",
        "for",
        "my",
        "i",
        "we",
        "they",
        "you",
        "have",
        "had",
        "no",
    ]
)

_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip


def latin(text: str) -> str:
    """Serbian Cyrillic → Latin, keeping capitals."""
    out = []
    for ch in text:
        low = ch.lower()
        lat = _CYR_TO_LAT.get(low)
        if lat is None:
            out.append(ch)
        else:
            out.append(lat.capitalize() if ch != low else lat)
    return "".join(out)


def detect_language(text: str) -> str:
    """A guess from the letters: Kazakh and Serbian letters, else Cyrillic → ru; Latin: sr
    when Serbian diacritics or common Serbian words outnumber English ones (on a tie,
    typical letter pairs: lj, nj, ije vs th, ing, wh), else en."""
    letters = set(text.lower())
    if letters & _KK_LETTERS:
        return "kk"
    if letters & _SR_CYRILLIC:
        return "sr"
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    latin_letters = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if cyrillic > latin_letters:
        return "ru"
    if letters & _SR_LATIN:
        return "sr"
    words = re.findall(r"[a-z]+", text.lower())
    sr = sum(w in _SR_WORDS for w in words)
    en = sum(w in _EN_WORDS for w in words)
    if sr == en:  # no function words either way: letter pairs typical of each language
        low = " ".join(words)
        sr = sum(low.count(g) for g in ("lj", "nj", "dj", "ije", "vr", "ao "))
        en = sum(low.count(g) for g in ("th", "ing", "wh", "ea", "ou", "ck", "w"))
    return "sr" if sr > en else "en"


@cache
def _morph() -> object:
    import pymorphy3  # type: ignore[import-untyped, unused-ignore]

    return pymorphy3.MorphAnalyzer(lang="ru")


@cache
def _ru_lemma(word: str) -> str:
    parsed = _morph().parse(word)  # type: ignore[attr-defined]
    return str(parsed[0].normal_form).replace("ё", "е") if parsed else word


@cache
def _stemmer(language: str) -> object:
    return snowballstemmer.stemmer({"en": "english", "sr": "serbian"}[language])


@cache
def _stem(language: str, word: str) -> str:
    return str(_stemmer(language).stemWord(word))  # type: ignore[attr-defined]


_KK_SUFFIXES = sorted(
    [
        "лар",
        "лер",
        "дар",
        "дер",
        "тар",
        "тер",
        "ым",
        "ім",
        "ың",
        "ің",
        "сы",
        "сі",
        "мыз",
        "міз",
        "ңыз",
        "ңіз",
        "сыз",
        "сіз",
        "ға",
        "ге",
        "қа",
        "ке",
        "на",
        "не",
        "да",
        "де",
        "та",
        "те",
        "нда",
        "нде",
        "дан",
        "ден",
        "тан",
        "тен",
        "нан",
        "нен",
        "ның",
        "нің",
        "дың",
        "дің",
        "тың",
        "тің",
        "ны",
        "ні",
        "ды",
        "ді",
        "ты",
        "ті",
        "мен",
        "бен",
        "пен",
        "ған",
        "ген",
        "қан",
        "кен",
        "атын",
        "етін",
        "йтын",
        "йтін",
        "ушы",
        "уші",
        "ып",
        "іп",
        "йды",
        "йді",
        "ады",
        "еді",
        "мын",
        "мін",
        "сың",
        "сің",
        "дық",
        "дік",
        "тық",
        "тік",
        "лық",
        "лік",
        "шы",
        "ші",
        "ла",
        "ле",
        "лы",
        "лі",
    ],
    key=len,
    reverse=True,
)
_KK_NEGATION = ("ма", "ме", "ба", "бе", "па", "пе")
_KK_NEGATED_VERB = re.compile(
    r"(?:[мбп][ае])(?:ды|ді|йды|йді|ған|ген|с|йтын|йтін|й|ңыз|ңіз|ймын|ймін|ймыз|йміз)$"
)
"""A negated verb form whose stem is not in the lexicon: "болмады", "өтпеді", "түсінбейді"."""


def kk_stem(word: str, known: frozenset[str] = frozenset()) -> tuple[str, bool]:
    """(stem, negated): strip Kazakh suffixes while three letters remain.

    Every way of stripping is tried, fewest suffixes first (a breadth-first search, at
    most six deep); the first form found in ``known`` (the lexicon) wins, so a word is
    never cut below a known stem (``жақсы`` stays ``жақсы``). ``negated`` is True when that form
    is a known stem followed by a negative verb infix -ма/-ме/-ба/-бе/-па/-пе
    (``ұнамады`` → ``ұнама`` → ``ұна`` + ``ма``). A word with no known stem is still
    ``negated`` when it ends like a negated verb (``болмады``, ``өтпеді``).
    """
    frontier = [word]
    for _depth in range(6):
        following: list[str] = []
        for form in frontier:
            if form in known:
                return form, False
            for marker in _KK_NEGATION:
                if form.endswith(marker) and form[: -len(marker)] in known:
                    return form[: -len(marker)], True
            following.extend(
                form[: -len(suffix)]
                for suffix in _KK_SUFFIXES
                if form.endswith(suffix) and len(form) - len(suffix) >= 3
            )
        if not following:
            break
        frontier = list(dict.fromkeys(following))
    return (frontier[-1] if frontier else word), bool(_KK_NEGATED_VERB.search(word))


def normal(word: str, language: str) -> str:
    """The lexicon form of one lower-case word: lemma (ru) or stem (en, sr, kk)."""
    if language == "ru":
        return _ru_lemma(word.replace("ё", "е"))
    if language == "en":
        # adverbs in -ly keep their form: Snowball would make "friendly" "friend"
        return word if word.endswith("ly") and len(word) > 4 else _stem("en", word)
    if language == "sr":
        return _stem("sr", latin(word))
    if language == "kk":
        return kk_stem(word)[0]
    return word


_EN_CONTRACTIONS = re.compile(r"(\w+)n[’']t\b", re.IGNORECASE)
_EN_FIXED = {"can't": "can not", "cannot": "can not", "won't": "will not", "ain't": "is not"}


def raw_tokens(text: str, language: str) -> list[str]:
    """Lower-case word tokens, ``!``/``?`` and emoji, with English ``n't`` split off."""
    low = text.lower().replace("’", "'")
    if language == "en":
        for fixed, repl in _EN_FIXED.items():
            low = low.replace(fixed, repl)
        low = _EN_CONTRACTIONS.sub(r"\1 not", low)
    if language == "sr":
        low = latin(low)
    return _WORD.findall(low)


def tokens(text: str, language: str) -> list[str]:
    """Normal forms of the tokens of ``text`` (punctuation and emoji kept as they are)."""
    return [normal(t, language) if t[0].isalpha() else t for t in raw_tokens(text, language)]
