"""Retention as pictures: the cohort heatmap, CRR and repeat rate per period, RFM segments.

Every function takes the frames of :class:`touchpath.analytics.retention.Retention` and never
touches the engine; :func:`retention_chart` puts them on one page for ``--html``.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]
from plotly.subplots import make_subplots  # type: ignore[import-untyped, unused-ignore]

from touchpath.analytics.retention import Retention
from touchpath.i18n import _


def segment_labels() -> dict[str, str]:
    """RFM segment ids (stable, in JSON) and the names people read."""
    return {
        "champions": _("Champions"),
        "loyal": _("Loyal customers"),
        "potential_loyalists": _("Potential loyalists"),
        "new": _("New customers"),
        "promising": _("Promising"),
        "need_attention": _("Need attention"),
        "about_to_sleep": _("About to sleep"),
        "cannot_lose": _("Can't lose them"),
        "at_risk": _("At risk"),
        "hibernating": _("Hibernating"),
    }


def _heatmap(cohorts: pd.DataFrame) -> go.Heatmap:
    grid = cohorts.pivot(index="cohort", columns="offset", values="share").sort_index()
    sizes = cohorts.groupby("cohort")["cohort_size"].first().reindex(grid.index)
    counts = cohorts.pivot(index="cohort", columns="offset", values="customers").reindex(
        index=grid.index, columns=grid.columns
    )
    text = [[("" if pd.isna(v) else f"{v:.0%}") for v in row] for row in grid.to_numpy()]
    custom = [
        [[int(sizes[c]), (None if pd.isna(n) else int(n))] for n in counts.loc[c]]
        for c in grid.index
    ]
    hover = _("cohort {cohort}, +{offset}: {share} of {size} ({customers} customers)").format(
        cohort="%{y}",
        offset="%{x}",
        share="%{z:.1%}",
        size="%{customdata[0]}",
        customers="%{customdata[1]}",
    )
    return go.Heatmap(
        z=grid.to_numpy(),
        x=[str(o) for o in grid.columns],
        y=[str(c) for c in grid.index],
        text=text,
        texttemplate="%{text}",
        customdata=custom,
        hovertemplate=hover + "<extra></extra>",
        colorscale="Blues",
        zmin=0.0,
        zmax=1.0,
        colorbar={"tickformat": ".0%", "len": 0.45, "y": 0.5},
    )


def cohort_heatmap(cohorts: pd.DataFrame) -> go.Figure:
    """Rows are cohorts (first purchase period), columns periods since; cells the share."""
    figure = go.Figure(_heatmap(cohorts))
    figure.update_layout(
        title=_("Cohort retention: share buying again"),
        xaxis_title=_("Periods since the first purchase"),
        yaxis_title=_("Cohort (first purchase)"),
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category"},
        template="plotly_white",
    )
    return figure


def _rate_traces(periods: pd.DataFrame) -> list[go.Scatter]:
    return [
        go.Scatter(
            x=periods["period"],
            y=periods["crr"],
            mode="lines+markers",
            name=_("Customer retention rate (CRR)"),
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        ),
        go.Scatter(
            x=periods["period"],
            y=periods["repeat_rate"],
            mode="lines+markers",
            name=_("Repeat purchase rate"),
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        ),
    ]


def retention_rates(periods: pd.DataFrame) -> go.Figure:
    """CRR and the repeat purchase rate per period as two lines."""
    figure = go.Figure(_rate_traces(periods))
    figure.update_layout(
        title=_("Retention per period"),
        xaxis_title=_("Period"),
        yaxis={"tickformat": ".0%", "title": _("Rate")},
        template="plotly_white",
    )
    return figure


def _segment_bars(segments: pd.DataFrame) -> go.Bar:
    names = segment_labels()
    return go.Bar(
        x=[names.get(s, s) for s in segments["segment"]],
        y=segments["customers"],
        customdata=segments[["share", "revenue_share"]].to_numpy(),
        name=_("Customers"),
        showlegend=False,
        hovertemplate=_("{segment}: {customers} customers ({share}), {revenue} of revenue").format(
            segment="%{x}",
            customers="%{y}",
            share="%{customdata[0]:.1%}",
            revenue="%{customdata[1]:.1%}",
        )
        + "<extra></extra>",
    )


def rfm_segments_chart(segments: pd.DataFrame) -> go.Figure:
    """Customers per RFM segment, in the segments' fixed order."""
    figure = go.Figure(_segment_bars(segments))
    figure.update_layout(
        title=_("RFM segments"),
        yaxis_title=_("Customers"),
        template="plotly_white",
    )
    return figure


def retention_chart(result: Retention) -> go.Figure:
    """One page: rates per period, the cohort heatmap and (with RFM) the segments."""
    titles = [_("Retention per period"), _("Cohort retention: share buying again")]
    rows = 2
    if result.segments is not None:
        titles.append(_("RFM segments"))
        rows = 3
    heights = [0.28, 0.47, 0.25][:rows]
    figure = make_subplots(
        rows=rows, cols=1, subplot_titles=titles, row_heights=heights, vertical_spacing=0.08
    )
    for trace in _rate_traces(result.periods):
        figure.add_trace(trace, row=1, col=1)
    figure.add_trace(_heatmap(result.cohorts), row=2, col=1)
    figure.update_yaxes(tickformat=".0%", row=1, col=1)
    figure.update_xaxes(type="category", row=1, col=1)
    figure.update_xaxes(type="category", title_text=_("Periods since the first purchase"), row=2)
    figure.update_yaxes(type="category", autorange="reversed", row=2, col=1)
    if result.segments is not None:
        figure.add_trace(_segment_bars(result.segments), row=3, col=1)
    end = result.end.isoformat()
    figure.update_layout(
        title=_("Retention and loyalty up to {end}").format(end=end),
        height=420 * rows,
        template="plotly_white",
        legend={"orientation": "h", "y": 1.04},
    )
    return figure
