"""The journey map: stages as columns, touchpoints as cards, gaps where one is missing.

A card's colour is its state: active with touches, active but never touched in the
data, planned, or missing (a gap — dashed, with the competitors that have it). A stage
without any active touchpoint is a gap of its own. The designed chains are listed
beside the map with the discovered journey's most frequent transitions (its
directly-follows graph, cached with the journey-graph page's). Cards show the latest audit
score and the customers' reaction shares when audits and feedback exist, and turn red
when customers dislike the touchpoint or the audit found it weak.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from touchpath.analytics.journey import directly_follows
from touchpath.audit import latest_scores
from touchpath.catalogue.journey_map import NO_STATS, Reactions, journey_columns
from touchpath.labels import N_
from touchpath.store import crud
from touchpath.voc.reactions import reaction_shares
from touchpath.web.data import try_events_overview
from touchpath.web.deps import Ctx, Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import analysis, metadata_view
from touchpath.web.templating import render

router = APIRouter()
NAV = [NavEntry("journey", N_("Journey map"), N_("Design"), 120)]
DISCOVERED_EDGES = 8


@router.get("/w/{ws}/journey")
def journey_map(ctx: Viewer) -> Response:
    context = metadata_view(ctx, "journey", (), lambda: _context(ctx))
    return render(ctx.request, "journey.html", dict(context), ctx=ctx)


def _context(ctx: Ctx) -> dict[str, Any]:
    catalogue = crud.load_catalogue(session=ctx.db)
    data, problem = try_events_overview(ctx.cache, ctx.member)
    stats = data.touchpoint_stats() if data else {}
    have_data = bool(data and data.events)
    known = {tp.id for tp in catalogue.touchpoints}
    names = {tp.id: tp.name for tp in catalogue.touchpoints}
    audit, reactions = quality_signals(ctx.db)
    columns = journey_columns(
        catalogue, stats, have_data=have_data, audit=audit, reactions=reactions
    )
    return {
        "catalogue": catalogue,
        "columns": columns,
        "have_audit": bool(audit),
        "have_reactions": bool(reactions),
        "discovered": discovered_edges(ctx, names) if have_data else [],
        "stats": stats,
        "names": names,
        "problem": problem,
        "have_data": have_data,
        "unmapped": stats.get("", NO_STATS)["touches"],
        "unknown": sorted(k for k in stats if k and k not in known),
        "graph_ready": any(e.slug == "journey-graph" for e in _served(ctx.request.app)),
    }


def quality_signals(db: Session) -> tuple[dict[str, float], dict[str, Reactions]]:
    """Latest audit score and reaction shares per touchpoint (empty when none recorded)."""
    audit = latest_scores(session=db)
    table = reaction_shares(session=db)
    reactions = {
        str(r["touchpoint"]): Reactions(
            float(r["positive"]), float(r["negative"]), float(r["neutral"]), int(r["n"])
        )
        for r in table.to_dict("records")
    }
    return audit, reactions


def discovered_edges(ctx: Ctx, names: dict[str, str], top: int = DISCOVERED_EDGES) -> list[Any]:
    """The most frequent transitions of the discovered journey (shared with its page's cache)."""
    graph = analysis(
        ctx, "journey.dfg", ("touchpoint", False), lambda events: directly_follows(events)
    )
    return [
        {
            "source": names.get(r["source"], r["source"]),
            "target": names.get(r["target"], r["target"]),
            "count": int(r["count"]),
            "customers": int(r["customers"]),
        }
        for r in graph.top_edges(max_edges=top).to_dict("records")
    ]


def _served(app: Any) -> list[Any]:
    """Navigation entries of pages a module serves (not placeholders)."""
    pages = app.state.pages
    waiting = {p.entry.slug for p in pages.placeholders}
    return [e for e in pages.nav if e.slug not in waiting]
