"""The journey map as a graph, and conformance to the designed chains as lines.

:func:`journey_map` draws the directly-follows graph left to right: nodes are ordered by
the average position of their events in the customers' paths (starts on the left, final
chords on the right), one column each, in lanes that keep their labels apart.
Edges are arrows whose width grows with the transitions; hovering an edge's dot shows its
counts and times, hovering a node its touches, starts, ends and repeats (``a → a``
transitions are not drawn). Pass the edges already filtered (``JourneyMap.top_edges``):
a graph with more than a few dozen arrows is no longer readable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

from touchpath.i18n import _

_NODE_COLOUR = "#1f77b4"
_EDGE_COLOUR = "rgba(90, 90, 90, 0.55)"
_MAX_WIDTH = 9.0


def duration(seconds: float | None) -> str:
    """A time span for people: 45 s, 12 min, 5.5 h, 3.2 d."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "—"
    if seconds < 90:
        return _("{n} s").format(n=f"{seconds:.0f}")
    if seconds < 90 * 60:
        return _("{n} min").format(n=f"{seconds / 60:.0f}")
    if seconds < 36 * 3600:
        return _("{n} h").format(n=f"{seconds / 3600:.1f}")
    return _("{n} d").format(n=f"{seconds / 86400:.1f}")


def layout_nodes(nodes: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """x = rank by average position (evenly spaced columns, so close nodes never pile up);
    y = a lane, cycling so that neighbours differ in lane and their labels do not collide.
    """
    ordered = nodes.sort_values(["avg_position", "node"]).reset_index(drop=True)
    lanes = max(1, round(math.sqrt(len(ordered))))
    return {
        str(row.node): (float(i), float((i % lanes) - (lanes - 1) / 2))
        for i, row in enumerate(ordered.itertuples(index=False))
    }


def journey_map(
    edges: pd.DataFrame,
    nodes: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """A readable directly-follows graph of ``edges`` over ``nodes`` (see the module doc)."""
    labels = labels or {}
    drawn = edges[edges["source"] != edges["target"]]
    shown = set(drawn["source"]) | set(drawn["target"])
    if not shown:
        shown = set(nodes["node"])
    node_rows = nodes[nodes["node"].isin(shown)].sort_values(["avg_position", "node"])
    where = layout_nodes(node_rows)
    figure = go.Figure()
    top = float(drawn["count"].max()) if len(drawn) else 1.0
    pairs = set(zip(drawn["source"], drawn["target"], strict=True))
    mid_x: list[float] = []
    mid_y: list[float] = []
    hover: list[str] = []
    for row in drawn.to_dict("records"):
        source = labels.get(str(row["source"]), str(row["source"]))
        target = labels.get(str(row["target"]), str(row["target"]))
        (x0, y0), (x1, y1) = where[str(row["source"])], where[str(row["target"])]
        if (row["target"], row["source"]) in pairs:  # both directions: shift each to its side
            dx, dy = x1 - x0, y1 - y0
            norm = math.hypot(dx, dy) or 1.0
            ox, oy = -dy / norm * 0.06, dx / norm * 0.06
            x0, y0, x1, y1 = x0 + ox, y0 + oy, x1 + ox, y1 + oy
        width = 1.0 + (_MAX_WIDTH - 1.0) * float(row["count"]) / top
        figure.add_annotation(
            x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
            showarrow=True, arrowhead=2, arrowsize=0.6, arrowwidth=width,
            arrowcolor=_EDGE_COLOUR, standoff=12, startstandoff=12, text="",
        )  # fmt: skip
        mid_x.append(x0 + (x1 - x0) * 0.45)
        mid_y.append(y0 + (y1 - y0) * 0.45)
        hover.append(
            "<br>".join(
                [
                    f"{source} → {target}",
                    _("transitions: {n}").format(n=f"{int(row['count']):,}"),
                    _("customers: {n}").format(n=f"{int(row['customers']):,}"),
                    _("median time: {t}").format(t=duration(row["median_seconds"])),
                    _("mean time: {t}").format(t=duration(row["mean_seconds"])),
                ]
            )
        )
    figure.add_trace(
        go.Scatter(
            x=mid_x, y=mid_y, mode="markers", hoverinfo="text", hovertext=hover,
            marker={"size": 7, "color": _EDGE_COLOUR}, showlegend=False, name=_("Transitions"),
        )
    )  # fmt: skip
    biggest = float(node_rows["touches"].max()) if len(node_rows) else 1.0
    node_hover = [
        "<br>".join(
            [
                labels.get(str(r["node"]), str(r["node"])),
                _("touches: {n}").format(n=f"{int(r['touches']):,}"),
                _("starts here: {n}").format(n=f"{int(r['starts']):,}"),
                _("ends here: {n}").format(n=f"{int(r['ends']):,}"),
                _("repeats: {n}").format(n=f"{int(r['repeats']):,}"),
                _("average position: {n}").format(n=f"{float(r['avg_position']):.1f}"),
            ]
        )
        for r in node_rows.to_dict("records")
    ]
    figure.add_trace(
        go.Scatter(
            x=[where[str(n)][0] for n in node_rows["node"]],
            y=[where[str(n)][1] for n in node_rows["node"]],
            mode="markers+text",
            text=[labels.get(str(n), str(n)) for n in node_rows["node"]],
            textposition=[
                "top center" if i % 2 == 0 else "bottom center" for i in range(len(node_rows))
            ],
            hoverinfo="text",
            hovertext=node_hover,
            marker={
                "size": [12 + 28 * math.sqrt(float(t) / biggest) for t in node_rows["touches"]],
                "color": _NODE_COLOUR,
                "line": {"width": 1, "color": "white"},
            },
            showlegend=False,
            name=_("Touchpoints"),
        )
    )
    xs = [x for x, _y in where.values()] or [1.0]
    lanes = max(1, round(math.sqrt(len(node_rows))))
    figure.update_layout(
        title=_("Journey map: what customers do next"),
        xaxis={
            "title": _("Earlier in the path → later (by average position)"),
            "zeroline": False,
            "showticklabels": False,
            "showgrid": False,
            "range": [min(xs) - 1.0, max(xs) + 1.0],
        },
        yaxis={"visible": False, "range": [-(lanes + 1) / 2, (lanes + 1) / 2]},
        plot_bgcolor="white",
        hovermode="closest",
        height=max(480, 150 * lanes),
    )
    return figure


def chain_conformance(
    steps: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    chain_names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Per chain, the share of its entrants who reached each step in order (one line each).

    ``steps`` is :attr:`touchpath.analytics.conformance.Conformance.steps`; ``labels``
    name touchpoints and ``chain_names`` chains (ids otherwise).
    """
    labels = labels or {}
    chain_names = chain_names or {}
    figure = go.Figure()
    for chain, rows in steps.groupby("chain", sort=False):
        figure.add_trace(
            go.Scatter(
                x=rows["step"].tolist(),
                y=rows["reached_share"].tolist(),
                mode="lines+markers",
                name=chain_names.get(str(chain), str(chain)),
                text=[labels.get(str(t), str(t)) for t in rows["touchpoint"]],
                customdata=rows[["reached", "left_here", "deviated"]].to_numpy(),
                hovertemplate="<br>".join(
                    [
                        _("step {step}: {touchpoint}").format(step="%{x}", touchpoint="%{text}"),
                        _("reached in order: {n}").format(n="%{customdata[0]:,} (%{y:.0%})"),
                        _("left here: {n}").format(n="%{customdata[1]:,}"),
                        _("first deviated here: {n}").format(n="%{customdata[2]:,}"),
                    ]
                )
                + "<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        title=_("Designed chains: customers still on the chain at each step"),
        xaxis={"title": _("Step of the chain"), "dtick": 1},
        yaxis={"title": _("Share of customers who entered the chain"), "tickformat": ".0%"},
        legend_title_text=_("Chain"),
    )
    return figure
