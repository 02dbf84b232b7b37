"""Customer feedback; the voice-of-the-customer issue fills in KPIs and sentiment."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from touchpath.model.base import Domain
from touchpath.model.vocab import Reaction


class FeedbackKind(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    STARS = "stars"
    TEXT = "text"


class Feedback(Domain):
    """A survey answer or a review about a touchpoint or a stage."""

    feedback_id: str = Field(min_length=1, max_length=200)
    customer_id: str | None = None
    ts: AwareDatetime
    touchpoint: str | None = None
    stage: str | None = None
    kind: FeedbackKind
    score: float | None = None
    text: str | None = None
    language: str | None = None
    reaction: Reaction | None = None
