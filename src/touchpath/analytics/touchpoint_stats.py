"""How each touchpoint figures in customers' journeys: reach, conversion, position, exits.

Computed over every customer's **whole history** (not cut at the conversion, so
post-purchase touchpoints count too), ordered by ``ts``, then ``seq``, then ``event_id``.
An event without a touchpoint counts as the touchpoint :data:`~touchpath.analytics.paths.UNMAPPED`,
so first-touch and last-touch shares add up to 1 over the rows.

Per touchpoint T (all shares are plain ratios of integer counts):

- ``customers``: customers with at least one event at T; ``reach`` = customers / all
  customers; ``touches``: events at T (every event, repeats included);
- ``converted``: T's customers with any conversion event (before or after touching T);
  ``conversion_rate`` = converted / customers;
- ``avg_position``: the mean, over T's customers, of the 1-based position of their
  *first* touch of T in their path (so a customer counts once, however often they come
  back). With ``collapse`` (the default) consecutive repeats of a touchpoint are one
  step, as in :func:`~touchpath.analytics.paths.top_paths`; without it every event is a step;
- ``first_touch`` / ``last_touch``: customers whose path starts / ends at T;
  ``first_share`` / ``last_share`` = those / all customers;
- ``dropped_after``: customers whose last touch is T and who never converted;
  ``dropoff_rate`` = dropped_after / customers (of T's customers, how many left right after it).

>>> import ibis
>>> from touchpath.demo.generate import generate
>>> events = ibis.duckdb.connect().create_table("e", generate("shop", customers=50, seed=1).events)
>>> round(float(touchpoint_stats(events).stats.first_share.sum()), 6)
1.0
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import ibis
import pandas as pd

from touchpath.analytics.paths import UNMAPPED, collapse_repeats, numbered, records, renumber

STAT_COLUMNS = [
    "touchpoint",
    "customers",
    "reach",
    "touches",
    "converted",
    "conversion_rate",
    "avg_position",
    "first_touch",
    "first_share",
    "last_touch",
    "last_share",
    "dropped_after",
    "dropoff_rate",
]


def touchpoint_counts(events: ibis.Table, *, collapse: bool = True) -> ibis.Table:
    """Integer counts per touchpoint; :func:`touchpoint_stats` turns them into rates.

    Columns: touchpoint, customers, touches, converted, position_sum (sum of first
    positions), first_touch, last_touch, dropped_after, total (all customers, on every row).
    """
    unit = events.touchpoint.fill_null(UNMAPPED)
    t = numbered(events, unit)
    t = t.mutate(
        converted=t.is_conversion.cast("int64").max().over(ibis.window(group_by="customer_id"))
    )
    if collapse:
        t = collapse_repeats(t)
    t = renumber(t)
    per = t.group_by(["customer_id", "unit"]).aggregate(
        first_pos=t.step.min(),
        last_pos=t.step.max(),
        length=t.length.max(),
        converted=t.converted.max(),
    )
    is_first = (per.first_pos == 1).cast("int64")
    is_last = (per.last_pos == per.length).cast("int64")
    stats = per.group_by("unit").aggregate(
        customers=per.count(),
        converted=per.converted.sum(),
        position_sum=per.first_pos.sum(),
        first_touch=is_first.sum(),
        last_touch=is_last.sum(),
        dropped_after=(is_last * (1 - per.converted)).sum(),
    )
    # every customer has exactly one first touch: their sum is the number of customers
    stats = stats.mutate(total=stats.first_touch.sum().over(ibis.window()))
    touches = events.group_by(unit=unit).aggregate(touches=events.count())
    joined = stats.join(touches, "unit")
    return joined.select(
        touchpoint=joined.unit,
        customers=joined.customers,
        touches=joined.touches,
        converted=joined.converted,
        position_sum=joined.position_sum,
        first_touch=joined.first_touch,
        last_touch=joined.last_touch,
        dropped_after=joined.dropped_after,
        total=joined.total,
    )


@dataclass(frozen=True)
class TouchpointStats:
    """One row per touchpoint (columns :data:`STAT_COLUMNS`), most customers first."""

    stats: pd.DataFrame
    customers: int
    collapse: bool

    def to_json(self) -> dict[str, Any]:
        rows = [
            {k: v if isinstance(v, str) else _number(v) for k, v in r.items()}
            for r in records(self.stats)
        ]
        return {"customers": self.customers, "collapse": self.collapse, "touchpoints": rows}


def _number(value: Any) -> int | float:
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def touchpoint_stats(events: ibis.Table, *, collapse: bool = True) -> TouchpointStats:
    """Reach, touches, conversion, position, first/last touch and drop-off per touchpoint."""
    raw = touchpoint_counts(events, collapse=collapse).to_pandas()
    if raw.empty:
        return TouchpointStats(pd.DataFrame(columns=STAT_COLUMNS), 0, collapse)
    ints = ["customers", "touches", "converted", "position_sum", "first_touch", "last_touch"]
    raw = raw.astype({c: "int64" for c in [*ints, "dropped_after", "total"]})
    total = int(raw.total.iloc[0])
    c = raw.customers
    frame = pd.DataFrame(
        {
            "touchpoint": raw.touchpoint.astype(object),
            "customers": c,
            "reach": c / total,
            "touches": raw.touches,
            "converted": raw.converted,
            "conversion_rate": raw.converted / c,
            "avg_position": raw.position_sum / c,
            "first_touch": raw.first_touch,
            "first_share": raw.first_touch / total,
            "last_touch": raw.last_touch,
            "last_share": raw.last_touch / total,
            "dropped_after": raw.dropped_after,
            "dropoff_rate": raw.dropped_after / c,
        }
    )
    frame = frame.assign(_o=-frame.customers).sort_values(["_o", "touchpoint"], kind="stable")
    return TouchpointStats(frame.drop(columns="_o").reset_index(drop=True), total, collapse)
