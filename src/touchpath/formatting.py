"""Numbers, money and dates written the way the reader writes them (Babel, current language).

Shared by the web pages and the reports; the language is :func:`touchpath.i18n.get_language`.

>>> from touchpath.i18n import set_language
>>> _t = set_language("ru")
>>> fmt_number(1234567)
'1\xa0234\xa0567'
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import numbers
from babel.dates import format_date, format_datetime

from touchpath.i18n import get_language


def fmt_number(value: Any, digits: int = 0) -> str:
    """``1234567`` → ``1,234,567`` (en) or ``1 234 567`` (ru); None → an em dash."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(
        _no_minus_zero(value, digits), format=pattern, locale=get_language()
    )


def fmt_percent(value: Any, digits: int = 1) -> str:
    """A share (0.163) as a percentage in the reader's style (16.3% / 16,3 %)."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return numbers.format_percent(
        _no_minus_zero(value, digits + 2), format=pattern, locale=get_language()
    )


def _no_minus_zero(value: Any, digits: int) -> Any:
    """0 for a value that shows as zero: an interval bound of -0.3 reads ``0``, not ``-0``."""
    try:
        return 0 if round(float(value), digits) == 0 else value
    except (TypeError, ValueError):
        return value


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
