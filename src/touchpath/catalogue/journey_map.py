"""The designed journey map: stages as columns, touchpoints as cards, gaps where one is missing.

A card's colour is its state: active with touches, active but never touched in the data,
planned, or missing (a gap, with the competitors that have it). A stage without any
active touchpoint is a gap of its own. Pure: the web page and the report draw the same
columns from a catalogue and per-touchpoint counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from touchpath.model import Catalogue, Stage, Status, Touchpoint

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
