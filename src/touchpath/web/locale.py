"""The language of a request, and numbers and dates written the way its reader writes them.

The language is the user's setting (kept in the session cookie once logged in, and in
the user's row), else the browser's ``Accept-Language``, else English. A middleware puts
it into :mod:`touchpath.i18n`'s context variable for the length of the request, so ``_()``
in templates, labels and messages all speak it.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from touchpath.formatting import fmt_money, fmt_number, fmt_percent
from touchpath.i18n import DEFAULT_LANGUAGE, normalise, reset_language, set_language


def negotiate(accept_language: str | None) -> str | None:
    """The best language we speak from an ``Accept-Language`` header, or None.

    >>> negotiate("de-DE,de;q=0.9,ru;q=0.8,en;q=0.5")
    'ru'
    """
    if not accept_language:
        return None
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = normalise(tag.strip())
        if language and quality > 0:
            choices.append((-quality, index, language))
    return min(choices)[2] if choices else None


def request_language(scope: Scope) -> str:
    session = scope.get("session") or {}
    chosen = normalise(session.get("lang")) if isinstance(session.get("lang"), str) else None
    return chosen or negotiate(Headers(scope=scope).get("accept-language")) or DEFAULT_LANGUAGE


class LanguageMiddleware:
    """Sets the language of each request (must run inside ``SessionMiddleware``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = set_language(request_language(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            reset_language(token)


__all__ = [
    "LanguageMiddleware",
    "fmt_money",
    "fmt_number",
    "fmt_percent",
    "negotiate",
    "request_language",
]
