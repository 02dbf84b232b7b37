"""What an audit is: a dated walk of one subject's touchpoints, scored parameter by parameter.

``subject`` is :data:`OURS` for our own touchpoints or a competitor's catalogue id
(mystery shopping, путь конкурента). A score's ``value`` is the raw number on the
parameter's scale (yes/no as 1/0); None means the auditor could not check it, which the
scoring shows as missing rather than zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

OURS = "ours"
"""The subject of an audit of our own touchpoints."""


@dataclass(frozen=True)
class Score:
    """One parameter of one touchpoint, as the auditor found it."""

    touchpoint: str
    parameter: str
    value: float | None
    evidence: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class Audit:
    """An audit with its scores; ``id`` is None until the store gives it one."""

    date: dt.date
    auditor: str
    subject: str
    notes: str | None = None
    scores: tuple[Score, ...] = field(default_factory=tuple)
    id: int | None = None

    @property
    def key(self) -> tuple[dt.date, str, str]:
        """What makes an audit the same one again: when, who, of whom."""
        return (self.date, self.auditor, self.subject)
