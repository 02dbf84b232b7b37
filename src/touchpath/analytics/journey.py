"""The discovered journey map: which touchpoint customers go to next, how often, how fast.

The map is the **directly-follows graph** (DFG) of process mining: a customer's events in
order — by ``ts``, then ``seq`` (the ingestion order breaks ties in time, used as is),
then ``event_id`` (only so that a repeated ``seq`` still gives one answer) — and every
pair of consecutive events is one transition ``source → target``. Per edge:

- ``count``: transitions; ``customers``: distinct customers with at least one;
- ``median_seconds`` / ``mean_seconds``: time from the source event to the target event
  (exact median, interpolated between the two middle values like ``pandas.median``).

A customer's first event is a **start**, their last an **end** (every customer has one
of each). Repeats (``a → a``) are edges like any other, as in pm4py.

The unit of a step is the event's ``touchpoint`` or its ``channel`` group. Events without a
touchpoint are **skipped** by default — the map joins the touchpoints around them, and a
customer with no mapped event is not on the map; with ``keep_unmapped`` they become the
node :data:`UNMAPPED` instead.

Everything runs in the engine as one windowed scan: ``lead``/``row_number`` over a window
per customer ordered by (ts, seq, event_id), then one ``GROUP BY (source, target)`` whose
``target IS NULL`` rows are the ends. Only the edges (at most nodes² rows) come back.

>>> import ibis
>>> from touchpath.demo.generate import generate
>>> data = generate("shop", customers=100, seed=1)
>>> events = ibis.duckdb.connect().create_table("events", data.events)
>>> jm = directly_follows(events)
>>> jm.edges.columns.tolist()
['source', 'target', 'count', 'customers', 'median_seconds', 'mean_seconds']
>>> int(jm.starts.customers.sum()) == int(jm.ends.customers.sum()) == jm.customers
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from touchpath.analytics.timeline import epoch_us
from touchpath.errors import TouchpathError
from touchpath.i18n import _

if TYPE_CHECKING:
    import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

UNMAPPED = "(unmapped)"
"""The node of events without a touchpoint when ``keep_unmapped`` is set."""

UNITS: tuple[str, ...] = ("touchpoint", "channel")

EDGE_COLUMNS = ["source", "target", "count", "customers", "median_seconds", "mean_seconds"]
NODE_COLUMNS = ["node", "touches", "starts", "ends", "repeats", "avg_position"]

_US = 1_000_000


def check_unit(unit: str) -> None:
    """Raise a one-line :class:`TouchpathError` for a unit the map does not know."""
    if unit not in UNITS:
        raise TouchpathError(
            _("unknown unit {value!r}; choose one of: {choices}").format(
                value=unit, choices=", ".join(UNITS)
            )
        )


def ordered_window(events: ibis.Table) -> Any:
    """A customer's events in journey order: ts, then seq, then event_id."""
    return ibis.window(
        group_by=events.customer_id, order_by=[events.ts, events.seq, events.event_id]
    )


def transitions(
    events: ibis.Table, *, unit: str = "touchpoint", keep_unmapped: bool = False
) -> ibis.Table:
    """One row per event: its node, the next node, the gap to it (µs) and its position.

    ``target`` and ``gap_us`` are null on a customer's last event; ``position`` counts
    from 0 (0 is the customer's start).
    """
    check_unit(unit)
    if keep_unmapped:
        steps = events.mutate(node=events[unit].fill_null(UNMAPPED))
    else:
        steps = events.filter(events[unit].notnull())
        steps = steps.mutate(node=steps[unit])
    w = ordered_window(steps)
    us = epoch_us(steps.ts)
    return steps.select(
        "customer_id",
        source=steps.node,
        target=steps.node.lead().over(w),
        gap_us=us.lead().over(w) - us,
        position=ibis.row_number().over(w),
    )


def directly_follows_table(
    events: ibis.Table, *, unit: str = "touchpoint", keep_unmapped: bool = False
) -> ibis.Table:
    """The DFG as one Ibis expression: a row per (source, target), target null for ends.

    Columns: ``count``, ``customers``, ``median_us``, ``mean_us``, ``starts`` (events at
    position 0) and ``position_sum`` (for each node's average position).
    """
    t = transitions(events, unit=unit, keep_unmapped=keep_unmapped)
    return t.group_by(["source", "target"]).aggregate(
        count=t.count(),
        customers=t.customer_id.nunique(),
        median_us=t.gap_us.median(),
        mean_us=t.gap_us.mean(),
        starts=(t.position == 0).cast("int64").sum(),
        position_sum=t.position.sum(),
    )


@dataclass(frozen=True)
class JourneyMap:
    """The directly-follows graph of one events table.

    ``edges``: source, target, count, customers, median_seconds, mean_seconds (biggest
    first). ``starts``/``ends``: node, customers (starting / ending there). ``nodes``:
    node, touches, starts, ends, repeats (``node → node`` transitions) and avg_position
    (mean 1-based position of its events in the customers' paths).
    """

    unit: str
    edges: pd.DataFrame
    starts: pd.DataFrame
    ends: pd.DataFrame
    nodes: pd.DataFrame

    @property
    def customers(self) -> int:
        """Customers on the map (each starts exactly once)."""
        return int(self.starts["customers"].sum())

    def top_edges(self, *, min_count: int = 1, max_edges: int | None = None) -> pd.DataFrame:
        """Edges with at least ``min_count`` transitions, at most ``max_edges`` of the biggest."""
        kept = self.edges[self.edges["count"] >= min_count]
        return kept if max_edges is None else kept.head(max_edges)

    def figure(
        self,
        *,
        min_count: int = 1,
        max_edges: int = 40,
        labels: Mapping[str, str] | None = None,
    ) -> go.Figure:
        """The map as a left-to-right graph (see :func:`touchpath.charts.journey.journey_map`)."""
        from touchpath.charts.journey import journey_map

        return journey_map(
            self.top_edges(min_count=min_count, max_edges=max_edges),
            self.nodes,
            labels=labels,
        )


def directly_follows(
    events: ibis.Table, *, unit: str = "touchpoint", keep_unmapped: bool = False
) -> JourneyMap:
    """Run the DFG in the engine and shape its few rows into a :class:`JourneyMap`."""
    raw = directly_follows_table(events, unit=unit, keep_unmapped=keep_unmapped).to_pandas()
    return journey_map_from_rows(raw, unit=unit)


def journey_map_from_rows(raw: pd.DataFrame, *, unit: str) -> JourneyMap:
    """Shape the rows of :func:`directly_follows_table` (pure pandas; no engine)."""
    is_end = raw["target"].isna()
    edge_rows = raw[~is_end]
    edges = pd.DataFrame(
        {
            "source": edge_rows["source"].astype(str),
            "target": edge_rows["target"].astype(str),
            "count": edge_rows["count"].astype("int64"),
            "customers": edge_rows["customers"].astype("int64"),
            "median_seconds": edge_rows["median_us"].astype("float64") / _US,
            "mean_seconds": edge_rows["mean_us"].astype("float64") / _US,
        }
    )
    edges = edges.sort_values(
        ["count", "source", "target"], ascending=[False, True, True]
    ).reset_index(drop=True)

    by_node = raw.groupby("source", sort=True).agg(
        touches=("count", "sum"), starts=("starts", "sum"), position_sum=("position_sum", "sum")
    )
    ends_count = raw[is_end].groupby("source")["count"].sum()
    loops = edges[edges["source"] == edges["target"]].set_index("source")["count"]
    nodes = pd.DataFrame(
        {
            "node": by_node.index.astype(str),
            "touches": by_node["touches"].astype("int64").to_numpy(),
            "starts": by_node["starts"].astype("int64").to_numpy(),
            "ends": ends_count.reindex(by_node.index, fill_value=0).astype("int64").to_numpy(),
            "repeats": loops.reindex(by_node.index, fill_value=0).astype("int64").to_numpy(),
            "avg_position": (
                by_node["position_sum"].astype("float64") / by_node["touches"] + 1
            ).to_numpy(),
        }
    )
    nodes = nodes.sort_values(["avg_position", "node"]).reset_index(drop=True)
    return JourneyMap(
        unit=unit,
        edges=edges,
        starts=_node_counts(nodes, "starts"),
        ends=_node_counts(nodes, "ends"),
        nodes=nodes,
    )


def _node_counts(nodes: pd.DataFrame, column: str) -> pd.DataFrame:
    kept = nodes[nodes[column] > 0]
    frame = pd.DataFrame({"node": kept["node"], "customers": kept[column].astype("int64")})
    return frame.sort_values(["customers", "node"], ascending=[False, True]).reset_index(drop=True)
