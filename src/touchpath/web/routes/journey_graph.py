"""The discovered journey: the directly-follows graph beside conformance to the designed chains.

A GET form over :func:`touchpath.analytics.journey.directly_follows` (by touchpoint or
channel, events without a touchpoint skipped or kept, edges with at least ``min_count``
transitions) and :func:`touchpath.analytics.conformance.conformance` (how many customers
who entered each designed chain followed it, where they left or deviated).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter
from fastapi.responses import Response

from touchpath.analytics.conformance import Conformance, conformance
from touchpath.analytics.journey import UNITS, JourneyMap, directly_follows
from touchpath.charts.journey import chain_conformance, journey_map
from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.model import Catalogue
from touchpath.store import crud
from touchpath.web.deps import Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import (
    Params,
    analysis,
    chart,
    duration,
    events_state,
    for_plotly,
    plotly_names,
    rows,
    short,
    unit_namer,
    view,
)
from touchpath.web.templating import render

router = APIRouter()
NAV = [NavEntry("journey-graph", N_("Discovered journey"), N_("Analytics"), 220)]

MAX_EDGES = 200  # drawn at most; the chart is unreadable long before
MAX_COUNT = 1_000_000_000
TABLE_EDGES = 100
SHOWN_DEVIATIONS = 8


@router.get("/w/{ws}/journey-graph")
def journey_graph_page(ctx: Viewer) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    params = Params(ctx.request)
    unit = params.choice("unit", _("Nodes"), UNITS, "touchpoint")
    min_count = params.integer("min_count", _("At least"), 1, 1, MAX_COUNT) or 1
    max_edges = params.integer("max_edges", _("Arrows drawn"), 40, 1, MAX_EDGES) or 40
    unmapped = params.flag("unmapped", _("Events without a touchpoint"), False)
    data, problem = events_state(ctx)
    context: dict[str, Any] = {
        "form": params.values,
        "units": [("touchpoint", _("touchpoints")), ("channel", _("channels"))],
        "errors": params.errors,
        "problem": problem,
        "data": data,
        "result": None,
        "chains_designed": bool(catalogue.chains),
    }
    if params.errors:
        return render(ctx.request, "journey_graph.html", context, ctx=ctx, status_code=400)
    if data is None or not data.events:
        return render(ctx.request, "journey_graph.html", context, ctx=ctx)

    graph = analysis(
        ctx,
        "journey.dfg",
        (unit, unmapped),
        lambda events: directly_follows(events, unit=unit, keep_unmapped=unmapped),
    )
    chains_key = tuple((c.id, c.name, tuple(c.steps)) for c in catalogue.chains)
    fit = analysis(
        ctx, "journey.conformance", chains_key, lambda events: conformance(events, catalogue)
    )
    key = (unit, unmapped, min_count, max_edges)
    context["result"] = view(
        ctx,
        "journey-graph",
        key,
        catalogue,
        lambda: draw(graph, fit, unit, min_count, max_edges, catalogue),
    )
    return render(ctx.request, "journey_graph.html", context, ctx=ctx)


def draw(
    graph: JourneyMap,
    fit: Conformance,
    unit: str,
    min_count: int,
    max_edges: int,
    catalogue: Catalogue,
) -> dict[str, Any]:
    """The graph, its edges and the conformance tables in the reader's language."""
    name = unit_namer(unit, catalogue)
    kept = graph.top_edges(min_count=min_count)
    drawn = kept.head(max_edges)
    labels = {n: for_plotly(short(name(n), 24)) for n in graph.nodes["node"].astype(str)}
    graph_chart = None
    if len(drawn):
        figure = journey_map(drawn, graph.nodes, labels=labels)
        figure.update_traces(cliponaxis=False)  # names at the edges stay whole
        height = max(560, int(figure.layout.height or 560))
        graph_chart = chart(figure, height=height, margin={"l": 90, "r": 90})
    edges = [
        {
            **r,
            "source_name": name(str(r["source"])),
            "target_name": name(str(r["target"])),
            "median": duration(r["median_seconds"]),
            "mean": duration(r["mean_seconds"]),
        }
        for r in rows(kept.head(TABLE_EDGES))
    ]
    tp = unit_namer("touchpoint", catalogue)
    chains = []
    for c in rows(fit.chains):
        steps = fit.steps[fit.steps["chain"] == c["chain"]]
        deviations = fit.deviations[fit.deviations["chain"] == c["chain"]]
        chains.append(
            {
                **c,
                "name": _chain_name(catalogue, str(c["chain"]), str(c["name"])),
                "steps_table": [{**s, "name": tp(str(s["touchpoint"]))} for s in rows(steps)],
                "deviations": [
                    {
                        **d,
                        "expected_name": tp(str(d["expected"])),
                        "instead_name": tp(str(d["instead"])),
                    }
                    for d in rows(deviations.head(SHOWN_DEVIATIONS))
                ],
                "more_deviations": max(0, len(deviations) - SHOWN_DEVIATIONS),
            }
        )
    conformance_chart = None
    if len(fit.steps) and int(fit.chains["entered"].sum()) > 0:
        names = {str(c["chain"]): for_plotly(c["name"]) for c in chains}
        tp_labels = plotly_names(tp, fit.steps["touchpoint"].astype(str))
        conformance_chart = chart(
            chain_conformance(fit.steps, labels=tp_labels, chain_names=names),
            height=380,
            legend="top",
        )
    return {
        "graph_chart": graph_chart,
        "edges": edges,
        "edges_kept": len(kept),
        "edges_all": len(graph.edges),
        "edges_drawn": len(drawn),
        "edges_hidden_in_table": max(0, len(kept) - TABLE_EDGES),
        "customers": graph.customers,
        "starts": _named(graph.starts, name),
        "ends": _named(graph.ends, name),
        "chains": chains,
        "conformance_chart": conformance_chart,
        "undesigned": [{**u, "name": tp(str(u["touchpoint"]))} for u in rows(fit.undesigned)],
    }


def _chain_name(catalogue: Catalogue, chain_id: str, fallback: str) -> str:
    return next((c.name for c in catalogue.chains if c.id == chain_id), fallback)


def _named(frame: pd.DataFrame, name: Any, n: int = 5) -> list[dict[str, Any]]:
    return [{**r, "name": name(str(r["node"]))} for r in rows(frame.head(n))]
