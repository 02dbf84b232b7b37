"""The customer whose touches we record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, Field

from touchpath.model.base import Domain


class Customer(Domain):
    """A customer as the events store knows one; personal fields are optional."""

    id: str = Field(min_length=1, max_length=200)
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    segment: str | None = None
    first_seen: AwareDatetime | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)

    def seen_before(self, moment: datetime) -> bool:
        """Whether the customer was known at ``moment`` (for new-vs-returning splits)."""
        return self.first_seen is not None and self.first_seen < moment
