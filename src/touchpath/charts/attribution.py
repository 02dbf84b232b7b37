"""Attribution models side by side: grouped bars per channel, one colour per model.

Takes the tidy table of :func:`touchpath.attribution.compare.compare`; when it carries
bootstrap bounds (``conversions_low``/``conversions_high``), the bars get error bars.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

from touchpath.errors import TouchpathError
from touchpath.i18n import _

Metric = Literal["conversions", "share", "value", "value_share"]


def _axis_title(metric: Metric) -> str:
    titles = {
        "conversions": _("Attributed conversions"),
        "share": _("Share of conversions"),
        "value": _("Attributed conversion value"),
        "value_share": _("Share of conversion value"),
    }
    return titles[metric]


def comparison_chart(table: pd.DataFrame, *, metric: Metric = "conversions") -> go.Figure:
    """Grouped bar chart: channels on the x axis, one bar per model.

    Error bars show the bootstrap interval (``{metric}_low`` to ``{metric}_high``) when
    the table has them (only for ``conversions`` and ``value``).
    """
    if metric not in ("conversions", "share", "value", "value_share"):
        raise TouchpathError(_("unknown chart metric {metric!r}").format(metric=metric))
    low, high = f"{metric}_low", f"{metric}_high"
    with_bounds = low in table.columns and high in table.columns
    figure = go.Figure()
    for model in pd.unique(table["model"]):
        rows = table[table["model"] == model]
        error = None
        if with_bounds:
            error = {
                "type": "data",
                "symmetric": False,
                "array": (rows[high] - rows[metric]).clip(lower=0).tolist(),
                "arrayminus": (rows[metric] - rows[low]).clip(lower=0).tolist(),
            }
        figure.add_trace(
            go.Bar(
                name=str(model),
                x=rows["channel"].astype(str).tolist(),
                y=rows[metric].tolist(),
                error_y=error,
            )
        )
    figure.update_layout(
        barmode="group",
        title=_("Attribution by model"),
        xaxis_title=_("Channel"),
        yaxis_title=_axis_title(metric),
        legend_title_text=_("Model"),
    )
    if metric in ("share", "value_share"):
        figure.update_yaxes(tickformat=".0%")
    return figure
