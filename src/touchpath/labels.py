"""Human labels for the closed vocabularies, in the reader's language.

The enums stay plain words in files and databases; people see these labels.
"""

from __future__ import annotations

from enum import StrEnum

from touchpath.i18n import _
from touchpath.model.vocab import (
    Attention,
    Channel,
    ChannelGroup,
    Lifetime,
    Mode,
    Reaction,
    Role,
    StageGroup,
    Status,
)


def N_(message: str) -> str:  # noqa: N802  (the gettext name for "mark, translate later")
    return message


_PAIRS: list[tuple[StrEnum, str]] = [
    (Channel.SITE, N_("Website")),
    (Channel.SOCIAL, N_("Social networks")),
    (Channel.EMAIL, N_("Email")),
    (Channel.SMS, N_("SMS")),
    (Channel.MESSENGER, N_("Messenger")),
    (Channel.PHONE, N_("Phone")),
    (Channel.CHAT_BOT, N_("Chat-bot")),
    (Channel.ONLINE_CHAT, N_("Online chat")),
    (Channel.MOBILE_APP, N_("Mobile app")),
    (Channel.CONTEXT_ADS, N_("Context ads")),
    (Channel.BANNER_ADS, N_("Banner ads")),
    (Channel.SEARCH, N_("Search results")),
    (Channel.THIRD_PARTY_SITE, N_("Third-party site")),
    (Channel.REVIEWS, N_("Review sites")),
    (Channel.STORE, N_("Store")),
    (Channel.OFFICE, N_("Office")),
    (Channel.EVENT, N_("Event")),
    (Channel.PRINT, N_("Print")),
    (Channel.OUTDOOR, N_("Outdoor ads")),
    (Channel.PACKAGING, N_("Packaging")),
    (Channel.DELIVERY, N_("Delivery")),
    (Channel.CRM, N_("CRM")),
    (Channel.OTHER, N_("Other")),
    (Mode.ONLINE, N_("online")),
    (Mode.OFFLINE, N_("offline")),
    (Mode.HYBRID, N_("hybrid")),
    (Role.REGULAR, N_("regular")),
    (Role.CAPTURE, N_("capture point")),
    (Role.FINAL_CHORD, N_("final chord")),
    (Attention.SHORT, N_("short attention")),
    (Attention.LONG, N_("long attention")),
    (Lifetime.MOMENTARY, N_("momentary")),
    (Lifetime.REPETITIVE, N_("repetitive")),
    (Status.ACTIVE, N_("active")),
    (Status.PLANNED, N_("planned")),
    (Status.MISSING, N_("missing")),
    (StageGroup.BEFORE, N_("before purchase")),
    (StageGroup.DURING, N_("during purchase")),
    (StageGroup.AFTER, N_("after purchase")),
    (Reaction.POSITIVE, N_("positive")),
    (Reaction.NEGATIVE, N_("negative")),
    (Reaction.NEUTRAL, N_("neutral")),
    (ChannelGroup.ORGANIC_SEARCH, N_("Organic search")),
    (ChannelGroup.PAID_SEARCH, N_("Paid search")),
    (ChannelGroup.EMAIL, N_("Email")),
    (ChannelGroup.SOCIAL, N_("Organic social")),
    (ChannelGroup.PAID_SOCIAL, N_("Paid social")),
    (ChannelGroup.REFERRAL, N_("Referral")),
    (ChannelGroup.DIRECT, N_("Direct")),
    (ChannelGroup.SMS, N_("SMS")),
    (ChannelGroup.MESSENGER, N_("Messenger")),
    (ChannelGroup.DISPLAY, N_("Display")),
    (ChannelGroup.OFFLINE, N_("Offline")),
    (ChannelGroup.UNASSIGNED, N_("Unassigned")),
]


# Keyed by (enum, value): members of different enums with the same value (Channel.SOCIAL
# and ChannelGroup.SOCIAL are both "social") are equal as strings and would collide.
LABELS: dict[tuple[type[StrEnum], str], str] = {}
for _member, _text in _PAIRS:
    LABELS[(type(_member), _member.value)] = _text


def label(value: StrEnum | str, kind: type[StrEnum] | None = None) -> str:
    """The translated label of an enum member; unknown strings come back as they are.

    A plain string is looked up in ``kind`` when given (``label("social", ChannelGroup)``),
    else in the first vocabulary that has it.
    """
    if isinstance(value, StrEnum):
        kind = type(value)
    text = LABELS.get((kind, str(value))) if kind is not None else None
    if text is None and kind is None:
        text = next((t for (_k, v), t in LABELS.items() if v == value), None)
    return _(text) if text is not None else str(value)


def group_label(value: str) -> str:
    """The label of an events ``channel`` value (a channel group such as "social")."""
    return label(value, ChannelGroup)
