"""The journey map: stages as columns, touchpoints as cards, gaps where one is missing.

A card's colour is its state: active with touches, active but never touched in the
data, planned, or missing (a gap — dashed, with the competitors that have it). A stage
without any active touchpoint is a gap of its own. The designed chains are listed
beside the map; the discovered journey (directly-follows graph) joins them when the
journey-discovery module is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from touchpath.labels import N_
from touchpath.model import Catalogue, Stage, Status, Touchpoint
from touchpath.store import crud
from touchpath.web.data import try_events_overview
from touchpath.web.deps import Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.templating import render

router = APIRouter()
NAV = [NavEntry("journey", N_("Journey map"), N_("Design"), 120)]

NO_STATS = {"touches": 0, "customers": 0, "conversions": 0}


@dataclass(frozen=True)
class Card:
    """A touchpoint on the map with what the data says about it."""

    tp: Touchpoint
    state: str  # live, silent, planned, missing
    stats: dict[str, int]
    competitors: list[str]


@dataclass(frozen=True)
class Column:
    stage: Stage | None  # None: touchpoints without a stage
    cards: list[Card]

    @property
    def is_gap(self) -> bool:
        """No active touchpoint serves this stage."""
        return not any(c.tp.status is Status.ACTIVE for c in self.cards)


def card_state(tp: Touchpoint, touches: int, have_data: bool) -> str:
    """The colour of a card: see the module docstring."""
    if tp.status is Status.MISSING:
        return "missing"
    if tp.status is Status.PLANNED:
        return "planned"
    return "live" if touches > 0 or not have_data else "silent"


def journey_columns(
    catalogue: Catalogue, stats: dict[str, dict[str, int]], *, have_data: bool
) -> list[Column]:
    """One column per stage in journey order (plus one for unstaged touchpoints)."""
    offered: dict[str, list[str]] = {}
    for comp in catalogue.competitors:
        for tp_id in comp.touchpoints:
            offered.setdefault(tp_id, []).append(comp.name)

    def card(tp: Touchpoint) -> Card:
        counts = stats.get(tp.id, NO_STATS)
        return Card(
            tp, card_state(tp, counts["touches"], have_data), counts, offered.get(tp.id, [])
        )

    columns = [
        Column(stage, [card(tp) for tp in catalogue.touchpoints if stage.id in tp.stages])
        for stage in catalogue.stages_in_order()
    ]
    unstaged = [card(tp) for tp in catalogue.touchpoints if not tp.stages]
    if unstaged:
        columns.append(Column(None, unstaged))
    return columns


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
