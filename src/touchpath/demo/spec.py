"""How demo customers behave: the parameters behind the generated journeys.

The catalogue (YAML) says what the business *designed*; a :class:`Behaviour` says how
people *actually* move through it — who enters where, how often they skip, loop, wander
off-chain, pause and come back, or leave, how long they wait between touches, and how
the seasons move demand. Keeping the two apart lets analytics compare designed chains
with observed journeys, which is the point of the demo.

All probabilities are per visit of a touchpoint. Times are seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from touchpath.model.vocab import ChannelGroup

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0


@dataclass(frozen=True)
class Gap:
    """A log-normal waiting time: half the gaps are shorter than ``median`` seconds.

    Log-normal because waits are positive and right-skewed: most people call back within
    minutes, a few days later.
    """

    median: float
    sigma: float = 1.0


@dataclass(frozen=True)
class Source:
    """Where a touch came from, utm-style, with its channel group and a sampling weight."""

    channel: ChannelGroup
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    weight: float = 1.0


def offline(source: str) -> tuple[Source, ...]:
    """Tags of an offline touch (a call, a visit, a delivery), as CRM exports label them:
    medium ``offline``, so the default channel grouping puts them where we do."""
    return (Source(ChannelGroup.OFFLINE, source, "offline"),)


DIRECT = Source(ChannelGroup.DIRECT, "(direct)", "(none)")
"""A new session without a referrer, as web analytics label it."""


@dataclass(frozen=True)
class Detour:
    """An off-chain touchpoint customers wander to (reviews on maps, the social page...)."""

    touchpoint: str
    weight: float
    gap: Gap


@dataclass(frozen=True)
class Return:
    """How a customer who paused comes back days later.

    ``touchpoint`` None is a direct visit: the customer types the address and lands on
    the step where they left off.
    """

    touchpoint: str | None
    weight: float
    gap: Gap
    source: Source
    bounce: float = 0.2


@dataclass(frozen=True)
class Step:
    """Behaviour at one touchpoint, wherever it occurs (in a chain, as a detour, on return).

    Probabilities, each per visit: ``repeat`` touch it again at once (another page,
    another chat message); otherwise ``drop`` leave for good, ``pause`` leave and come
    back later (see :class:`Return`), ``back`` go back one chain step (a loop),
    ``detour`` wander off-chain; the rest moves on. ``optional`` is the chance that
    customers jump over this step when arriving from the previous one. ``sources``
    empty means the touch belongs to the ongoing session and inherits its channel.
    ``hours`` are the local opening hours of an offline touch.
    """

    event: str
    gap: Gap
    sources: tuple[Source, ...] = ()
    repeat: float = 0.0
    repeat_gap: Gap = Gap(60.0, 0.8)
    drop: float = 0.0
    pause: float = 0.0
    resume: int = 0
    back: float = 0.0
    detour: float = 0.0
    detours: tuple[Detour, ...] | None = None
    optional: float = 0.0
    hours: tuple[int, int] | None = None
    pages: tuple[str, ...] = ()
    attributes: bool = True


@dataclass(frozen=True)
class Entry:
    """Where new customers first meet the business, the chain they then follow, and their
    share of new customers.

    ``drop_factor`` multiplies the drop probability before the purchase: warm traffic
    (maps, price aggregators) drops less than cold traffic (banners), so conversion rates
    differ by entry channel and attribution has something real to find.
    The entry touchpoint stands in for the chain's first step.
    """

    touchpoint: str
    chain: str
    share: float
    drop_factor: float = 1.0


@dataclass(frozen=True)
class Value:
    """Log-normal order value rounded like a price list (``ending`` -10 gives 12 990)."""

    median: float
    sigma: float
    round_to: float = 50.0
    ending: float = 0.0


@dataclass(frozen=True)
class Peak:
    """Days ``first``..``last`` of ``month`` get ``factor`` times the usual new customers."""

    month: int
    first: int
    last: int
    factor: float


@dataclass(frozen=True)
class Location:
    """A customer's city and the branch or store they use offline."""

    city: str
    branch: str
    weight: float


@dataclass(frozen=True)
class Behaviour:
    """Everything the generator needs about one demo business besides its catalogue.

    ``loyal_drop_factor`` replaces the entry's drop factor once a customer has bought and
    follows a next chain: returning customers know the way and leave less often.
    ``waking_hours`` bound online touches that come hours after the previous one (an
    e-mail click, a return visit), which would otherwise land at any hour of the night.
    """

    catalogue: str
    entries: tuple[Entry, ...]
    steps: Mapping[str, Step]
    detours_before: tuple[Detour, ...]
    detours_after: tuple[Detour, ...]
    returns: tuple[Return, ...]
    repeat: Mapping[str, float]
    restart_gap: Gap
    values: Mapping[str, Value]
    months: tuple[float, ...]
    weekdays: tuple[float, ...]
    hours: tuple[float, ...]
    locations: tuple[Location, ...]
    segments: Mapping[str, float]
    loyal_drop_factor: float = 0.5
    waking_hours: tuple[int, int] = (8, 23)
    after_detour: tuple[float, float, float] = (0.5, 0.35, 0.15)
    detour_return_gap: Gap = Gap(8 * MINUTE, 1.0)
    peaks: tuple[Peak, ...] = ()
    devices: Mapping[str, float] = field(
        default_factory=lambda: {"mobile": 0.62, "desktop": 0.34, "tablet": 0.04}
    )
    email_share: float = 0.8
    phone_share: float = 0.9
    english_share: float = 0.04
    utc_offset_hours: int = 3
