"""A designed chain of touchpoints (цепочка контакта) for one business process."""

from __future__ import annotations

import itertools

from pydantic import Field, field_validator

from touchpath.model.base import Domain, Name, Slug


class Chain(Domain):
    """Ordered touchpoints the business designed, e.g. ad → site → chat → phone booking.

    ``next_chain`` names the chain the final chord should lead into (a new purchase cycle).
    """

    id: Slug
    name: Name
    description: str | None = None
    steps: list[Slug] = Field(min_length=1)
    next_chain: Slug | None = None

    @field_validator("steps")
    @classmethod
    def _no_immediate_repeat(cls, steps: list[str]) -> list[str]:
        for a, b in itertools.pairwise(steps):
            if a == b:
                raise ValueError(f"touchpoint {a!r} follows itself")
        return steps
