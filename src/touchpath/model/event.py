"""One touch: a customer met a touchpoint at a moment."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field, model_validator

from touchpath.model.base import Domain
from touchpath.model.vocab import ChannelGroup


class TouchEvent(Domain):
    """A touch event as it lies in the events store.

    ``channel`` is the traffic channel group of the touch (paid search, email, direct ...),
    ``touchpoint`` the catalogue id the mapping rules gave it (None when no rule matched).
    Timestamps must carry a time zone: a naive time is ambiguous and is rejected.
    """

    event_id: str = Field(min_length=1, max_length=200)
    customer_id: str = Field(min_length=1, max_length=200)
    ts: AwareDatetime
    event_name: str | None = None
    touchpoint: str | None = None
    channel: ChannelGroup = ChannelGroup.UNASSIGNED
    campaign: str | None = None
    source: str | None = None
    medium: str | None = None
    is_conversion: bool = False
    value: float | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    attributes: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _value_has_currency(self) -> TouchEvent:
        if self.value is not None and self.value != 0 and self.currency is None:
            raise ValueError("value: a money value needs its currency")
        return self
