"""Voice of the customer as pictures: KPI trends, the NPS distribution, reaction shares.

Pure: each function takes a table from :mod:`touchpath.voc.kpi` (or the feedback frame) and
returns a Plotly figure; nothing here reads a database.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]
from plotly.subplots import make_subplots  # type: ignore[import-untyped, unused-ignore]

from touchpath.i18n import _

REACTION_COLOURS = {"positive": "#2e7d32", "neutral": "#9e9e9e", "negative": "#c62828"}


def reaction_names() -> dict[str, str]:
    return {"positive": _("positive"), "neutral": _("neutral"), "negative": _("negative")}


def kpi_trend_figure(table: pd.DataFrame, *, metric: str = "nps") -> go.Figure:
    """One line per group of a KPI over periods, with its 95% interval as a band.

    ``table`` is :func:`touchpath.voc.kpi.kpi_table` with a ``period``.
    """
    titles = {"nps": "NPS", "csat": "CSAT, %", "ces": "CES"}
    fig = go.Figure()
    if not table.empty:
        for group, part in table.groupby(table["group"].fillna("—"), sort=True):
            part = part.loc[part[metric].notna()].sort_values("period")
            if part.empty:
                continue
            x = part["period"].astype(str).tolist()
            low, high = part[f"{metric}_low"], part[f"{metric}_high"]
            if low.notna().any():
                fig.add_trace(
                    go.Scatter(
                        x=x + x[::-1],
                        y=high.tolist() + low.tolist()[::-1],
                        fill="toself",
                        opacity=0.15,
                        line={"width": 0},
                        hoverinfo="skip",
                        showlegend=False,
                        legendgroup=str(group),
                    )
                )
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=part[metric],
                    mode="lines+markers",
                    name=str(group),
                    legendgroup=str(group),
                    customdata=part[[f"{metric}_n", f"{metric}_low", f"{metric}_high"]],
                    hovertemplate=(
                        f"{group} %{{x}}: %{{y:.1f}} [%{{customdata[1]:.1f}}; "
                        f"%{{customdata[2]:.1f}}], n=%{{customdata[0]}}<extra></extra>"
                    ),
                )
            )
    fig.update_layout(
        title=_("{metric} by period, with intervals (95%)").format(metric=titles[metric]),
        xaxis_title=_("period"),
        yaxis_title=titles[metric],
        template="plotly_white",
        height=420,
    )
    return fig


def kpi_trends_figure(table: pd.DataFrame) -> go.Figure:
    """NPS, CSAT and CES trends side by side (one legend entry per group)."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=("NPS", "CSAT, %", "CES"))
    for col, metric in enumerate(("nps", "csat", "ces"), start=1):
        single = kpi_trend_figure(table, metric=metric)
        for trace in single.data:
            trace.showlegend = col == 1 and trace.showlegend is not False
            fig.add_trace(trace, row=1, col=col)
    fig.update_layout(
        title=_("KPI trends with intervals (95%)"), template="plotly_white", height=420
    )
    return fig


def nps_distribution_figure(feedback: pd.DataFrame) -> go.Figure:
    """How many answered each NPS score 0–10, coloured detractor / passive / promoter."""
    scores = feedback.loc[feedback["kind"] == "nps", "score"].dropna().round().astype(int)
    counts = scores.value_counts().reindex(range(11), fill_value=0)
    colours = [
        REACTION_COLOURS["negative"]
        if s <= 6
        else REACTION_COLOURS["neutral"]
        if s <= 8
        else REACTION_COLOURS["positive"]
        for s in counts.index
    ]
    fig = go.Figure(
        go.Bar(
            x=[str(s) for s in counts.index],
            y=counts.to_numpy(),
            marker_color=colours,
            hovertemplate=_("score {score}: {n} answers").format(score="%{x}", n="%{y}")
            + "<extra></extra>",
        )
    )
    total = int(counts.sum())
    title = _("NPS answers by score (n = {n})").format(n=total)
    fig.update_layout(
        title=title,
        xaxis_title=_("score"),
        yaxis_title=_("answers"),
        template="plotly_white",
        height=380,
    )
    return fig


def reaction_share_figure(reactions: pd.DataFrame) -> go.Figure:
    """Stacked bars: the share of positive, neutral and negative reactions per touchpoint.

    ``reactions`` is :func:`touchpath.voc.kpi.reaction_table` (first column the group).
    """
    fig = go.Figure()
    names = reaction_names()
    if not reactions.empty:
        key = reactions.columns[0]
        ordered = reactions.sort_values("negative", ascending=True)
        labels = [str(v) if v is not None and not _nan(v) else "—" for v in ordered[key]]
        for reaction in ("negative", "neutral", "positive"):
            fig.add_trace(
                go.Bar(
                    y=labels,
                    x=ordered[reaction],
                    name=names[reaction],
                    orientation="h",
                    marker_color=REACTION_COLOURS[reaction],
                    customdata=ordered["n"],
                    hovertemplate="%{y}: %{x:.0%} (n=%{customdata})<extra></extra>",
                )
            )
    fig.update_layout(
        barmode="stack",
        title=_("Customers' reactions by touchpoint"),
        xaxis={"tickformat": ".0%", "range": [0, 1]},
        template="plotly_white",
        height=max(300, 40 * len(reactions) + 120),
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def _nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)
