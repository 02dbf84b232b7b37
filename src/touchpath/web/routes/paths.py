"""Paths: the journeys customers really take, as top variants, a Sankey and per touchpoint.

A GET form over :mod:`touchpath.analytics.paths` (top variants of all, converted or
dropped customers, by touchpoint, channel or stage, with collapsed repeats, a length cap
and anchors) and :mod:`touchpath.analytics.touchpoint_stats` (reach, conversion,
position, first and last touch, drop-off per touchpoint).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from touchpath.analytics.paths import (
    KEEPS,
    KINDS,
    UNITS,
    PathsResult,
    SankeyResult,
    sankey,
    stage_of,
    top_paths,
)
from touchpath.analytics.touchpoint_stats import TouchpointStats, touchpoint_stats
from touchpath.charts.paths import sankey_chart
from touchpath.charts.touchpoint_stats import touchpoint_stats_chart
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.model import Catalogue
from touchpath.store import crud
from touchpath.web.deps import Ctx, Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import (
    Params,
    analysis,
    chart,
    events_state,
    for_plotly,
    rows,
    short,
    unit_namer,
    view,
)
from touchpath.web.templating import render

router = APIRouter()
NAV = [NavEntry("paths", N_("Paths"), N_("Analytics"), 210)]

MAX_TOP = 100
MAX_SANKEY = 8
MAX_LENGTH = 50
LABELLED = 6  # touchpoints named on the reach/conversion chart


def read_options(params: Params, catalogue: Catalogue) -> dict[str, Any]:
    """Every parameter of the page, checked (problems go to ``params.errors``)."""
    known = {tp.id for tp in catalogue.touchpoints}
    values: dict[str, Any] = {
        "kind": params.choice("kind", _("Customers"), KINDS, "all"),
        "by": params.choice("by", _("Step"), UNITS, "touchpoint"),
        "collapse": params.flag("collapse", _("Collapse repeats"), True),
        "max_length": params.integer("max_length", _("Longest path"), None, 1, MAX_LENGTH),
        "keep": params.choice("keep", _("Keep"), KEEPS, "first"),
        "top": params.integer("top", _("Top paths"), 20, 1, MAX_TOP),
        "steps": params.integer("steps", _("Sankey steps"), 5, 1, MAX_SANKEY),
    }
    for name, field_label in (("from", _("From")), ("to", _("To"))):
        anchor = params.text(name) or None
        if anchor is not None and anchor not in known:
            params.fail(
                _("{field}: there is no touchpoint {value} in the catalogue").format(
                    field=field_label, value=anchor[:60]
                )
            )
            anchor = None
        values[name] = anchor
    return values


@router.get("/w/{ws}/paths")
def paths_page(ctx: Viewer) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    params = Params(ctx.request)
    o = read_options(params, catalogue)
    data, problem = events_state(ctx)
    context: dict[str, Any] = {
        "form": params.values,
        "touchpoints": [(tp.id, tp.name) for tp in catalogue.touchpoints],
        "kinds": [
            ("all", _("all customers")),
            ("converted", _("who converted")),
            ("dropped", _("who dropped off")),
        ],
        "units": [
            ("touchpoint", _("touchpoint")),
            ("channel", _("channel")),
            ("stage", _("stage")),
        ],
        "errors": params.errors,
        "problem": problem,
        "data": data,
        "result": None,
    }
    if params.errors:
        return render(ctx.request, "paths.html", context, ctx=ctx, status_code=400)
    if data is None or not data.events:
        return render(ctx.request, "paths.html", context, ctx=ctx)

    stages = tuple(sorted(stage_of(catalogue).items())) if o["by"] == "stage" else ()
    cleaning = (o["by"], o["collapse"], o["from"], o["to"], stages)
    top_key = (*cleaning, o["kind"], o["top"], o["max_length"], o["keep"])
    sankey_key = (*cleaning, o["kind"], o["steps"])
    try:
        top = analysis(
            ctx,
            "paths.top",
            top_key,
            lambda events: top_paths(
                events,
                o["top"],
                o["kind"],
                by=o["by"],
                collapse=o["collapse"],
                max_length=o["max_length"],
                keep=o["keep"],
                from_=o["from"],
                to=o["to"],
                catalogue=catalogue,
            ),
        )
        flows = analysis(
            ctx,
            "paths.sankey",
            sankey_key,
            lambda events: sankey(
                events,
                o["steps"],
                kind=o["kind"],
                by=o["by"],
                collapse=o["collapse"],
                from_=o["from"],
                to=o["to"],
                catalogue=catalogue,
            ),
        )
    except TouchpathError as exc:
        context["errors"] = [str(exc)]
        return render(ctx.request, "paths.html", context, ctx=ctx, status_code=400)
    stats = touchpoint_table(ctx, collapse=o["collapse"])
    context["result"] = view(
        ctx,
        "paths",
        (top_key, sankey_key),
        catalogue,
        lambda: draw(top, flows, stats, o["by"], catalogue),
    )
    return render(ctx.request, "paths.html", context, ctx=ctx)


def touchpoint_table(ctx: Ctx, *, collapse: bool) -> TouchpointStats:
    """Touchpoint statistics, once per data version (the plan shares them)."""
    return analysis(
        ctx,
        "paths.touchpoints",
        (collapse,),
        lambda events: touchpoint_stats(events, collapse=collapse),
    )


def draw(
    top: PathsResult,
    flows: SankeyResult,
    stats: TouchpointStats,
    by: str,
    catalogue: Catalogue,
) -> dict[str, Any]:
    """Tables and charts of the page in the reader's language, with the catalogue's names."""
    name = unit_namer(by, catalogue)
    variants = [{**r, "names": [name(str(u)) for u in r["steps"]]} for r in rows(top.paths)]
    largest = max((r["share"] for r in variants), default=0.0) or 1.0
    units: list[Any] = [
        None if u is None else for_plotly(short(name(str(u)))) for u in flows.nodes["unit"]
    ]
    nodes = flows.nodes.assign(unit=units)
    sankey_json = None
    if len(flows.links):
        height = max(460, 44 * _tallest(flows) + 140)
        sankey_json = chart(sankey_chart(replace(flows, nodes=nodes)), height=height)
    tp_name = unit_namer("touchpoint", catalogue)
    stat_rows = [{**r, "name": tp_name(str(r["touchpoint"]))} for r in rows(stats.stats)]
    shown = stats.stats.assign(
        touchpoint=[for_plotly(short(tp_name(str(t)), 24)) for t in stats.stats["touchpoint"]]
    )
    scatter = None
    if len(stats.stats):
        figure = touchpoint_stats_chart(replace(stats, stats=shown))
        # only the busiest touchpoints are named on the chart; hovering names every one
        named = [i < LABELLED for i in range(len(shown))]
        figure.update_traces(texttemplate=["%{text}" if n else "" for n in named])
        scatter = chart(figure, height=520)
    return {
        "paths": variants,
        "largest": largest,
        "customers": top.customers,
        "variants": top.variants,
        "kind": top.kind,
        "sankey_chart": sankey_json,
        "sankey_customers": flows.customers,
        "beyond": flows.beyond,
        "steps": flows.steps,
        "stats": stat_rows,
        "stats_customers": stats.customers,
        "stats_chart": scatter,
    }


def _tallest(flows: SankeyResult) -> int:
    """Nodes in the busiest column of the Sankey (to give it room).

    Plotly puts the nodes without outgoing flows — the last step shown, conversion,
    drop-off — in the rightmost column together, so that column counts them all.
    """
    steps = flows.nodes[flows.nodes["kind"] == "step"]
    if not len(steps):
        return 1
    per_step = steps.groupby("step").size()
    last = int(per_step.iloc[-1]) + int((flows.nodes["kind"] != "step").sum())
    return max(int(per_step.max()), last)
