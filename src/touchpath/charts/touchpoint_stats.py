"""Touchpoints on one map: reach against the conversion rate of the customers they reach.

Bubble size is the number of touches, colour the drop-off right after the touchpoint, so
a big red bubble low on the chart is a busy touchpoint that loses people.
"""

from __future__ import annotations

import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

from touchpath.analytics.touchpoint_stats import TouchpointStats
from touchpath.i18n import _


def touchpoint_stats_chart(result: TouchpointStats) -> go.Figure:
    """Scatter: x reach, y conversion rate, size touches, colour drop-off rate."""
    frame = result.stats
    touches = frame["touches"].astype(float)
    biggest = float(touches.max()) if len(frame) else 1.0
    hover = [
        _("position {position:.1f}, first touch {first:.0%}, last touch {last:.0%}").format(
            position=p, first=f, last=la
        )
        for p, f, la in zip(
            frame["avg_position"], frame["first_share"], frame["last_share"], strict=True
        )
    ]
    figure = go.Figure(
        go.Scatter(
            x=frame["reach"].tolist(),
            y=frame["conversion_rate"].tolist(),
            mode="markers+text",
            text=frame["touchpoint"].astype(str).tolist(),
            textposition="top center",
            customdata=hover,
            hovertemplate="%{text}<br>%{x:.1%} / %{y:.1%}<br>%{customdata}<extra></extra>",
            marker={
                "size": (10 + 40 * (touches / max(biggest, 1.0)) ** 0.5).tolist(),
                "color": frame["dropoff_rate"].tolist(),
                "colorscale": "Reds",
                "cmin": 0.0,
                "cmax": 1.0,
                "colorbar": {"title": {"text": _("Drop-off after")}, "tickformat": ".0%"},
                "line": {"width": 1, "color": "#444"},
            },
        )
    )
    figure.update_layout(
        title=_("Touchpoints: reach and conversion ({customers} customers)").format(
            customers=result.customers
        ),
        xaxis_title=_("Reach (share of customers)"),
        yaxis_title=_("Conversion rate of customers who touched it"),
    )
    figure.update_xaxes(tickformat=".0%", rangemode="tozero")
    figure.update_yaxes(tickformat=".0%", rangemode="tozero")
    return figure
