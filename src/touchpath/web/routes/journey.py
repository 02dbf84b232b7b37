"""The journey map: stages as columns, touchpoints as cards, gaps where one is missing.

A card's colour is its state: active with touches, active but never touched in the
data, planned, or missing (a gap — dashed, with the competitors that have it). A stage
without any active touchpoint is a gap of its own. The designed chains are listed
beside the map; the discovered journey (directly-follows graph) joins them when the
journey-discovery module is installed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from touchpath.catalogue.journey_map import NO_STATS, journey_columns
from touchpath.labels import N_
from touchpath.store import crud
from touchpath.web.data import try_events_overview
from touchpath.web.deps import Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.templating import render

router = APIRouter()
NAV = [NavEntry("journey", N_("Journey map"), N_("Design"), 120)]


@router.get("/w/{ws}/journey")
def journey_map(ctx: Viewer) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    data, problem = try_events_overview(ctx.cache, ctx.member)
    stats = data.touchpoint_stats() if data else {}
    have_data = bool(data and data.events)
    known = {tp.id for tp in catalogue.touchpoints}
    context: dict[str, Any] = {
        "catalogue": catalogue,
        "columns": journey_columns(catalogue, stats, have_data=have_data),
        "stats": stats,
        "names": {tp.id: tp.name for tp in catalogue.touchpoints},
        "problem": problem,
        "have_data": have_data,
        "unmapped": stats.get("", NO_STATS)["touches"],
        "unknown": sorted(k for k in stats if k and k not in known),
        "graph_ready": any(e.slug == "journey-graph" for e in _served(ctx.request.app)),
    }
    return render(ctx.request, "journey.html", context, ctx=ctx)


def _served(app: Any) -> list[Any]:
    """Navigation entries of pages a module serves (not placeholders)."""
    pages = app.state.pages
    waiting = {p.entry.slug for p in pages.placeholders}
    return [e for e in pages.nav if e.slug not in waiting]
