"""Paths as pictures: a Sankey of the first steps and a bar chart of the top variants.

Both take the results of :mod:`touchpath.analytics.paths` and never touch the engine.
"""

from __future__ import annotations

import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

from touchpath.analytics.paths import CONVERSION, DROP_OFF, PathsResult, SankeyResult, records
from touchpath.i18n import _

_TERMINAL_COLOURS = {CONVERSION: "#2ca02c", DROP_OFF: "#d62728"}
_STEP_COLOUR = "#1f77b4"


def _kind_title(kind: str) -> str:
    titles = {
        "all": _("Top paths"),
        "converted": _("Top paths to conversion"),
        "dropped": _("Top paths to drop-off"),
    }
    return titles.get(kind, _("Top paths"))


def sankey_chart(result: SankeyResult) -> go.Figure:
    """Plotly Sankey: a node per (step, unit), flowing into "conversion" and "drop-off"."""
    labels: list[str] = []
    colours: list[str] = []
    hover: list[str] = []
    for node in records(result.nodes):
        kind = str(node["kind"])
        if kind == "step":
            labels.append(str(node["unit"]))
            colours.append(_STEP_COLOUR)
            hover.append(_("step {step}").format(step=int(node["step"])))
        else:
            labels.append(_("conversion") if kind == CONVERSION else _("drop-off"))
            colours.append(_TERMINAL_COLOURS[kind])
            hover.append(labels[-1])
    links = result.links
    link_colours = [
        "rgba(44,160,44,0.35)"
        if str(result.nodes["kind"].iloc[t]) == CONVERSION
        else "rgba(214,39,40,0.25)"
        if str(result.nodes["kind"].iloc[t]) == DROP_OFF
        else "rgba(31,119,180,0.25)"
        for t in links["target"].tolist()
    ]
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": labels,
                "color": colours,
                "customdata": hover,
                "hovertemplate": "%{label} (%{customdata}): %{value}<extra></extra>",
                "pad": 12,
            },
            link={
                "source": links["source"].tolist(),
                "target": links["target"].tolist(),
                "value": links["customers"].tolist(),
                "color": link_colours,
            },
        )
    )
    figure.update_layout(
        title=_("Paths: the first {steps} steps ({customers} customers)").format(
            steps=result.steps, customers=result.customers
        )
    )
    return figure


def top_paths_chart(result: PathsResult) -> go.Figure:
    """Horizontal bars: customers per path variant, coloured by its conversion rate."""
    frame = result.paths.iloc[::-1]  # the most common path on top
    figure = go.Figure(
        go.Bar(
            x=frame["customers"].tolist(),
            y=frame["path"].astype(str).tolist(),
            orientation="h",
            marker={
                "color": frame["conversion_rate"].tolist(),
                "colorscale": "RdYlGn",
                "cmin": 0.0,
                "cmax": 1.0,
                "colorbar": {"title": {"text": _("Conversion rate")}, "tickformat": ".0%"},
            },
            customdata=frame["conversion_rate"].tolist(),
            hovertemplate="%{y}<br>%{x}<br>%{customdata:.1%}<extra></extra>",
        )
    )
    figure.update_layout(
        title=_kind_title(result.kind),
        xaxis_title=_("Customers"),
        yaxis_title=_("Path"),
        height=max(400, 28 * len(frame) + 160),
        margin={"l": 20},
    )
    figure.update_yaxes(automargin=True)
    return figure
