"""Evidence from outside the audit that weighs the plan: events and customer feedback.

Kept apart from the pure plan so the plan can be computed (and tested) from plain dicts:
:func:`event_signals` runs the analytics on the events table, :func:`negative_shares`
asks the voice-of-the-customer package when it has the function.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from touchpath.audit.plan import Signals

if TYPE_CHECKING:
    import ibis
    import pandas as pd
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def event_signals(events: ibis.Table, *, lookback: str | None = "30d") -> Signals:
    """Markov attribution share, reach and drop-off per touchpoint from the events.

    Attribution: order-1 Markov removal effects on touchpoint paths (paths cut at the
    conversion, ``lookback`` before it), as shares of all attributed conversions.
    Reach and drop-off: :func:`touchath.analytics.touchpoint_stats.touchpoint_stats`.
    """
    from touchpath.analytics.touchpoint_stats import touchpoint_stats
    from touchpath.attribution import paths_from_events

    paths = paths_from_events(events, unit="touchpoint", lookback=lookback)
    return signals_from(touchpoint_stats(events).stats, paths)


def signals_from(stats: pd.DataFrame, paths: pd.DataFrame) -> Signals:
    """:func:`event_signals` from its two tables, for callers that have them cached.

    ``stats``: :attr:`TouchpointStats.stats` (repeats collapsed); ``paths``: touchpoint
    paths of :func:`touchpath.attribution.paths_from_events`.
    """
    from touchpath.analytics.paths import UNMAPPED
    from touchpath.attribution import MarkovModel

    stats = stats[stats.touchpoint != UNMAPPED]
    reach = {str(r["touchpoint"]): float(r["reach"]) for r in stats.to_dict("records")}
    dropoff = {str(r["touchpoint"]): float(r["dropoff_rate"]) for r in stats.to_dict("records")}
    attribution: dict[str, float] | None = None
    if float(paths["conversions"].sum()) > 0:
        model = MarkovModel().fit(paths)
        frame = model.attribution_
        total = float(frame["conversions"].sum())
        attribution = {
            str(r["channel"]): float(r["conversions"]) / total
            for r in frame.to_dict("records")
            if str(r["channel"]) != UNMAPPED
        }
    return Signals(attribution=attribution, reach=reach or None, dropoff=dropoff or None)


def negative_shares(*, session: Session) -> dict[str, float] | None:
    """Share of negative reactions per touchpoint from customer feedback, or None.

    None (negativity neutral) when :mod:`touchpath.voc` does not offer ``negative_shares``
    yet, or has no feedback: the plan then ranks by importance and gap alone.
    """
    try:
        from touchpath import voc
    except ImportError:
        return None
    fn: Any = getattr(voc, "negative_shares", None)
    if fn is None:
        return None
    shares = fn(session=session)
    if not shares:
        return None
    return {str(k): min(1.0, max(0.0, float(v))) for k, v in dict(shares).items()}
