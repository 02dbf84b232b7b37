"""English and Russian for every text a person reads.

Messages are marked with ``_()`` and translated from gettext catalogues under
``touchpath/locale`` (edited with Babel, see docs/i18n.md). The language lives in a
context variable so a web request and a CLI run each have their own.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Mapping
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

DOMAIN = "touchpath"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES: tuple[str, ...] = ("en", "ru")
DEFAULT_LANGUAGE = "en"

_language: ContextVar[str] = ContextVar("touchpath_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def normalise(language: str | None) -> str | None:
    """``ru_RU.UTF-8`` → ``ru``; None for languages we do not speak."""
    if not language:
        return None
    code = language.replace("-", "_").split(".")[0].split("_")[0].lower()
    return code if code in LANGUAGES else None


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """The language a terminal user expects: TOUCHPATH_LANG, then the POSIX locale."""
    env = os.environ if environ is None else environ
    for var in ("TOUCHPATH_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        found = normalise(env.get(var))
        if found:
            return found
    return DEFAULT_LANGUAGE


def set_language(language: str) -> Token[str]:
    lang = normalise(language)
    if lang is None:
        raise ValueError(f"unsupported language {language!r}; choose one of {LANGUAGES}")
    return _language.set(lang)


def reset_language(token: Token[str]) -> None:
    _language.reset(token)


def get_language() -> str:
    return _language.get()


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)
