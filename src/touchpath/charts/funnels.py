"""Funnel figures: the funnel itself and the time customers take to convert.

Both take the tidy tables of :class:`touchpath.analytics.funnels.FunnelResult`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

from touchpath.i18n import _


def funnel_figure(
    steps: pd.DataFrame, breakdown: pd.DataFrame | None = None, *, top: int = 6
) -> go.Figure:
    """Customers at each step; with a breakdown, one funnel per group (biggest ``top``)."""
    fig = go.Figure()
    if breakdown is None or breakdown.empty:
        fig.add_trace(
            go.Funnel(
                y=steps["label"].tolist(),
                x=steps["customers"].tolist(),
                textinfo="value+percent initial",
                name=_("All customers"),
            )
        )
    else:
        firsts = breakdown[breakdown["step"] == 1].sort_values("customers", ascending=False)
        for group in firsts["group"].head(top):
            rows = breakdown[_same_group(breakdown["group"], group)]
            fig.add_trace(
                go.Funnel(
                    y=rows["label"].tolist(),
                    x=rows["customers"].tolist(),
                    textinfo="value+percent initial",
                    name=_("(none)") if group is None else str(group),
                )
            )
    fig.update_layout(
        title=_("Funnel"),
        yaxis_title=_("Step"),
        legend_title=_("Group"),
        template="plotly_white",
    )
    return fig


def _same_group(column: pd.Series, group: object) -> pd.Series:
    return column.isna() if group is None else column == group


def time_to_convert_figure(histogram: pd.DataFrame) -> go.Figure:
    """Customers per time bin from step 1 to each later step (one bar series per step)."""
    fig = go.Figure()
    for step, rows in histogram.groupby("step", sort=True):
        fig.add_trace(
            go.Bar(
                x=rows["bin_label"].tolist(),
                y=rows["customers"].tolist(),
                name=_("{n}. {label}").format(n=step, label=rows["label"].iloc[0]),
            )
        )
    fig.update_layout(
        title=_("Time to convert from the first step"),
        xaxis_title=_("Time from the first step"),
        yaxis_title=_("Customers"),
        legend_title=_("Step reached"),
        barmode="group",
        template="plotly_white",
    )
    return fig
