"""The designed journey map: stages as columns, touchpoints as cards, gaps where one is missing.

A card's colour is its state: active with touches, active but never touched in the data,
planned, or missing (a gap, with the competitors that have it). A stage without any
active touchpoint is a gap of its own. A card also carries the touchpoint's latest audit
score (0..1) and its customers' reactions when the audits and the feedback have them; a
card is *negative* when at least :data:`NEGATIVE_SHARE` of at least
:data:`MIN_REACTIONS` reactions are negative, or its audit score is below
:data:`WEAK_SCORE`. Pure: the web page and the report draw the same
columns from a catalogue and per-touchpoint counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from touchpath.model import Catalogue, Stage, Status, Touchpoint

NO_STATS = {"touches": 0, "customers": 0, "conversions": 0}
NEGATIVE_SHARE = 0.3
MIN_REACTIONS = 10
WEAK_SCORE = 0.5


@dataclass(frozen=True)
class Reactions:
    """Shares of positive, negative and neutral reactions among ``n`` pieces of feedback."""

    positive: float
    negative: float
    neutral: float
    n: int


@dataclass(frozen=True)
class Card:
    """A touchpoint on the map with what the data says about it."""

    tp: Touchpoint
    state: str  # live, silent, planned, missing
    stats: dict[str, int]
    competitors: list[str]
    audit: float | None = None
    reactions: Reactions | None = None

    @property
    def negative(self) -> bool:
        """Customers dislike it, or the audit found it weak (see the module docstring)."""
        r = self.reactions
        disliked = r is not None and r.n >= MIN_REACTIONS and r.negative >= NEGATIVE_SHARE
        return disliked or (self.audit is not None and self.audit < WEAK_SCORE)


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
    catalogue: Catalogue,
    stats: dict[str, dict[str, int]],
    *,
    have_data: bool,
    audit: Mapping[str, float] | None = None,
    reactions: Mapping[str, Reactions] | None = None,
) -> list[Column]:
    """One column per stage in journey order (plus one for unstaged touchpoints).

    ``audit`` maps touchpoint ids to their latest audit score, ``reactions`` to their
    feedback's reaction shares; touchpoints absent from them show none.
    """
    audit = audit or {}
    reactions = reactions or {}
    offered: dict[str, list[str]] = {}
    for comp in catalogue.competitors:
        for tp_id in comp.touchpoints:
            offered.setdefault(tp_id, []).append(comp.name)

    def card(tp: Touchpoint) -> Card:
        counts = stats.get(tp.id, NO_STATS)
        return Card(
            tp,
            card_state(tp, counts["touches"], have_data),
            counts,
            offered.get(tp.id, []),
            audit.get(tp.id),
            reactions.get(tp.id),
        )

    columns = [
        Column(stage, [card(tp) for tp in catalogue.touchpoints if stage.id in tp.stages])
        for stage in catalogue.stages_in_order()
    ]
    unstaged = [card(tp) for tp in catalogue.touchpoints if not tp.stages]
    if unstaged:
        columns.append(Column(None, unstaged))
    return columns
