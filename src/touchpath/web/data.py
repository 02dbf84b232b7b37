"""The analytics the pages show, run on the workspace's engine through the result cache.

Pages ask here, never the engine directly: each query runs once per data version (see
:mod:`touchpath.web.cache`), on a read-only connection that is closed straight after,
so imports by other processes are never blocked for long.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import ibis
import pandas as pd

from touchpath.analytics import overview
from touchpath.errors import TouchpathError
from touchpath.web.cache import ResultCache, data_version, metadata_version
from touchpath.web.site import Member

T = TypeVar("T")


@dataclass(frozen=True)
class EventsOverview:
    """The workspace's events at a glance (see :mod:`touchpath.analytics.overview`)."""

    events: int
    customers: int
    converted_customers: int
    conversions: int
    first_event: datetime | None
    last_event: datetime | None
    revenue: pd.DataFrame
    channels: pd.DataFrame
    touchpoints: pd.DataFrame

    @property
    def conversion_rate(self) -> float | None:
        return self.converted_customers / self.customers if self.customers else None

    def touchpoint_stats(self) -> dict[str, dict[str, int]]:
        """Touches, customers, conversions per touchpoint id ('' holds unmapped events)."""
        return {
            str(row["touchpoint"]): {
                "touches": int(row["touches"]),
                "customers": int(row["customers"]),
                "conversions": int(row["conversions"]),
            }
            for row in self.touchpoints.to_dict("records")
        }


def cached(
    cache: ResultCache,
    member: Member,
    name: str,
    compute: Callable[[ibis.Table], T],
    params: tuple[Any, ...] = (),
) -> T:
    """``compute(events)`` for ``member``, once per data version, query name and params."""
    ws = member.workspace
    key = (str(ws.root), data_version(ws), name, params)

    def run() -> T:
        con = ws.engine.connect(read_only=True)
        try:
            return compute(ws.engine.events(con))
        finally:
            con.disconnect()

    return cache.get(key, run)


def metadata_cached(
    cache: ResultCache,
    member: Member,
    name: str,
    compute: Callable[[], T],
    params: tuple[Any, ...] = (),
) -> T:
    """``compute()`` once per metadata version, data version, name and params.

    For results read from the metadata DB (audits, feedback, the plan), which may also use
    the events: ``compute`` reads through the request's session. The value is shared
    between requests, so callers copy before changing it.
    """
    ws = member.workspace
    key = (str(ws.root), "metadata", metadata_version(member), data_version(ws), name, params)
    return cache.get(key, compute)


def events_overview(cache: ResultCache, member: Member) -> EventsOverview:
    """Totals, revenue, channels and per-touchpoint counts, in one connection."""

    def compute(events: ibis.Table) -> EventsOverview:
        row = overview.totals(events).execute().to_dict("records")[0]
        return EventsOverview(
            events=int(row["events"]),
            customers=int(row["customers"]),
            converted_customers=int(row["converted_customers"]),
            conversions=int(row["conversions"]),
            first_event=_datetime(row["first_ts"]),
            last_event=_datetime(row["last_ts"]),
            revenue=overview.revenue_by_currency(events).execute(),
            channels=overview.by_channel(events).execute(),
            touchpoints=overview.by_touchpoint(events).execute(),
        )

    return cached(cache, member, "overview", compute)


def try_events_overview(cache: ResultCache, member: Member) -> tuple[EventsOverview | None, str]:
    """The overview, or None and the reason (a missing or busy store) for a page banner."""
    try:
        return events_overview(cache, member), ""
    except TouchpathError as exc:
        return None, str(exc)


def _datetime(value: Any) -> datetime | None:
    if value is None or value != value:  # NaT is unequal to itself
        return None
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value  # type: ignore[no-any-return]
