"""The catalogue of one business: stages, touchpoints, chains, competitors.

Structure is checked by pydantic; cross-references (a chain step naming an unknown
touchpoint, ...) by :func:`Catalogue.problems`, which returns each problem with its
location so the YAML loader can point at the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import Field

from touchpath.model.base import Domain, Name
from touchpath.model.chain import Chain
from touchpath.model.competitor import Competitor
from touchpath.model.stage import DEFAULT_STAGES, Stage
from touchpath.model.touchpoint import Touchpoint
from touchpath.model.vocab import Channel, Role, Status

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalogue, at a location such as ``("chains", 0, "steps", 2)``."""

    loc: Loc
    message: str

    @property
    def field(self) -> str:
        return ".".join(str(part) for part in self.loc)


class Catalogue(Domain):
    """Everything designed about one business's touchpoints.

    ``audience_channels`` lists where the audience is (for the "missed channels" check).
    """

    business: Name
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    stages: list[Stage] = Field(default_factory=lambda: [s.model_copy() for s in DEFAULT_STAGES])
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    chains: list[Chain] = Field(default_factory=list)
    competitors: list[Competitor] = Field(default_factory=list)
    audience_channels: list[Channel] = Field(default_factory=list)

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        for tp in self.touchpoints:
            if tp.id == touchpoint_id:
                return tp
        raise KeyError(touchpoint_id)

    def stages_in_order(self) -> list[Stage]:
        return sorted(self.stages, key=lambda s: s.order)

    def problems(self) -> list[Problem]:
        """Cross-reference problems; an empty list means the catalogue is consistent."""
        return list(self._problems())

    def _problems(self) -> Iterator[Problem]:
        yield from _duplicates("stages", (s.id for s in self.stages))
        yield from _duplicates("touchpoints", (t.id for t in self.touchpoints))
        yield from _duplicates("chains", (c.id for c in self.chains))
        yield from _duplicates("competitors", (c.id for c in self.competitors))
        stage_ids = {s.id for s in self.stages}
        tp_ids = {t.id for t in self.touchpoints}
        chain_ids = {c.id for c in self.chains}
        for i, tp in enumerate(self.touchpoints):
            for j, stage in enumerate(tp.stages):
                if stage not in stage_ids:
                    yield Problem(("touchpoints", i, "stages", j), f"unknown stage {stage!r}")
        for i, chain in enumerate(self.chains):
            for j, step in enumerate(chain.steps):
                if step not in tp_ids:
                    yield Problem(("chains", i, "steps", j), f"unknown touchpoint {step!r}")
            if chain.next_chain is not None and chain.next_chain not in chain_ids:
                yield Problem(("chains", i, "next_chain"), f"unknown chain {chain.next_chain!r}")
        for i, comp in enumerate(self.competitors):
            for j, tp_id in enumerate(comp.touchpoints):
                if tp_id not in tp_ids:
                    yield Problem(
                        ("competitors", i, "touchpoints", j), f"unknown touchpoint {tp_id!r}"
                    )

    def missing_touchpoints(self) -> list[Touchpoint]:
        """Touchpoints some competitor has and we mark as missing."""
        offered = {tp for c in self.competitors for tp in c.touchpoints}
        return [t for t in self.touchpoints if t.status is Status.MISSING and t.id in offered]

    def capture_points(self) -> list[Touchpoint]:
        return [t for t in self.touchpoints if t.role is Role.CAPTURE]


def _duplicates(section: str, ids: Iterable[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, key in enumerate(ids):
        if key in seen:
            yield Problem((section, i, "id"), f"duplicate id {key!r}")
        seen.add(key)
