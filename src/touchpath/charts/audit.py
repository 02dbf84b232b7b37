"""Audit charts: a radar of ours against competitors and a touchpoints × subjects heatmap.

Pure functions of the comparison table of :func:`touchpath.audit.scoring.comparison_table`
(one row per touchpoint, one score column per subject, NaN where not audited). Missing
scores stay gaps in the figures (the heatmap shows them blank with "—" on hover), never 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

from touchpath.i18n import _


def _labels(frame: pd.DataFrame, names: Mapping[str, str] | None) -> list[str]:
    return [str((names or {}).get(t, t)) for t in frame["touchpoint"]]


def radar_chart(
    comparison: pd.DataFrame,
    *,
    subjects: Sequence[str],
    names: Mapping[str, str] | None = None,
    subject_names: Mapping[str, str] | None = None,
) -> go.Figure:
    """One closed line per subject over the touchpoints *we* have a score for (0..1).

    A competitor's missing score on a touchpoint leaves a gap in its line.
    """
    rows = comparison[comparison[subjects[0]].notna()] if len(comparison) else comparison
    labels = _labels(rows, names)
    figure = go.Figure()
    for subject in subjects:
        values = (
            [None if pd.isna(v) else float(v) for v in rows[subject]] if subject in rows else []
        )
        if not any(v is not None for v in values):
            continue
        figure.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*labels, labels[0]],
                name=str((subject_names or {}).get(subject, subject)),
                connectgaps=False,
                hovertemplate="%{theta}: %{r:.0%}<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        polar={"radialaxis": {"range": [0, 1], "tickformat": ".0%"}},
        title=_("Audit scores: ours against competitors"),
        legend={"orientation": "h"},
        margin={"l": 40, "r": 40, "t": 60, "b": 40},
    )
    return figure


def heatmap_chart(
    comparison: pd.DataFrame,
    *,
    subjects: Sequence[str],
    names: Mapping[str, str] | None = None,
    subject_names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Touchpoints (rows) × subjects (columns), coloured by score; blank where not audited."""
    z = (
        np.array(
            [[np.nan if pd.isna(v) else float(v) for v in comparison[s]] for s in subjects],
            dtype=float,
        ).T
        if len(comparison)
        else np.zeros((0, len(subjects)))
    )
    text = [["—" if np.isnan(v) else f"{v:.0%}" for v in row] for row in z]
    columns = [str((subject_names or {}).get(s, s)) for s in subjects]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=_labels(comparison, names),
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            zmin=0,
            zmax=1,
            colorscale="RdYlGn",
            colorbar={"tickformat": ".0%"},
            hoverongaps=False,
        )
    )
    figure.update_layout(
        title=_("Audit scores by touchpoint and subject"),
        yaxis={"autorange": "reversed"},
        height=max(320, 26 * len(comparison) + 140),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )
    return figure


def history_chart(
    history: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    touchpoints: Sequence[str] | None = None,
) -> go.Figure:
    """Our score per touchpoint after each audit (the table of ``score_history``)."""
    figure = go.Figure()
    shown = (
        list(touchpoints) if touchpoints is not None else list(dict.fromkeys(history["touchpoint"]))
    )
    for tp in shown:
        rows = history[history["touchpoint"] == tp].sort_values("date")
        if rows.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=[str(d) for d in rows["date"]],
                y=[None if pd.isna(v) else float(v) for v in rows["score"]],
                mode="lines+markers",
                name=str((names or {}).get(tp, tp)),
                hovertemplate="%{x}: %{y:.0%}<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        title=_("Our audit scores over time"),
        yaxis={"range": [0, 1.02], "tickformat": ".0%"},
        xaxis={"type": "category"},
    )
    return figure
