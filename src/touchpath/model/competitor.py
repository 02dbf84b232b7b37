"""Competitors whose paths we walk (путь конкурента, тайный покупатель)."""

from __future__ import annotations

from pydantic import Field

from touchpath.model.base import Domain, Name, Slug


class Competitor(Domain):
    """A competitor and the touchpoints (catalogue ids) we have seen it offer."""

    id: Slug
    name: Name
    website: str | None = None
    notes: str | None = None
    touchpoints: list[Slug] = Field(default_factory=list)
