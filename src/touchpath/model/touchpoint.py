"""The touchpoint (точка контакта) with every attribute of the methodology."""

from __future__ import annotations

from pydantic import Field, model_validator

from touchpath.model.base import Domain, Name, Slug
from touchpath.model.vocab import Attention, Channel, Lifetime, Mode, Role, Status


class Touchpoint(Domain):
    """Any moment a customer meets the company.

    Every touchpoint should have a responsible person (``owner``) or be ``automated``;
    :attr:`unattended` tells which ones have neither, so audits can flag them.

    >>> Touchpoint(id="site_form", name="Order form", channel="site", stages=["purchase"],
    ...            role="capture", owner="Anna").role
    <Role.CAPTURE: 'capture'>
    """

    id: Slug
    name: Name
    description: str | None = None
    channel: Channel
    mode: Mode = Mode.ONLINE
    stages: list[Slug] = Field(default_factory=list)
    role: Role = Role.REGULAR
    wow: bool = False
    attention: Attention | None = None
    lifetime: Lifetime | None = None
    owner: Name | None = None
    automated: bool = False
    status: Status = Status.ACTIVE
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _stages_unique(self) -> Touchpoint:
        if len(set(self.stages)) != len(self.stages):
            raise ValueError("stages: a stage is listed twice")
        return self

    @property
    def unattended(self) -> bool:
        """Active, yet nobody answers for it and no robot runs it."""
        return self.status is Status.ACTIVE and self.owner is None and not self.automated
