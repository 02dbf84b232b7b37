"""The language of a request, and numbers and dates written the way its reader writes them.

The language is the user's setting (kept in the session cookie once logged in, and in
the user's row), else the browser's ``Accept-Language``, else English. A middleware puts
it into :mod:`touchpath.i18n`'s context variable for the length of the request, so ``_()``
in templates, labels and messages all speak it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import numbers
from babel.dates import format_date, format_datetime
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from touchpath.i18n import DEFAULT_LANGUAGE, get_language, normalise, reset_language, set_language


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


# -- formatting in the current language (Jinja filters) --------------------------------------


def fmt_number(value: Any, digits: int = 0) -> str:
    """``1234567`` → ``1,234,567`` (en) or ``1 234 567`` (ru); None → an em dash."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, format=pattern, locale=get_language())


def fmt_percent(value: Any, digits: int = 1) -> str:
    """A share (0.163) as a percentage in the reader's style (16.3% / 16,3 %)."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return numbers.format_percent(value, format=pattern, locale=get_language())


def fmt_money(value: Any, currency: str) -> str:
    """Money with its currency sign, in whole units: ``393 230 ₽``."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if not currency:
        return fmt_number(value)
    return numbers.format_currency(
        value, currency, format="#,##0\xa0¤", locale=get_language(), currency_digits=False
    )


def fmt_date(value: date | datetime | None, timezone: str | None = None) -> str:
    """A day, e.g. ``Jan 1, 2025`` / ``1 янв. 2025 г.``; a datetime is shown in ``timezone``."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        if timezone and value.tzinfo is not None:
            value = value.astimezone(ZoneInfo(timezone))
        value = value.date()
    return format_date(value, format="medium", locale=get_language())


def fmt_datetime(value: datetime | None, timezone: str | None = None) -> str:
    if value is None:
        return "—"
    if timezone and value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(timezone))
    return format_datetime(value, format="short", locale=get_language())
