"""Closed vocabularies of the methodology (glossary in DESIGN.md).

They are string enums so that YAML, SQL and JSON carry plain readable words.
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """Where a touchpoint lives: the medium the customer meets the company through."""

    SITE = "site"
    SOCIAL = "social"
    EMAIL = "email"
    SMS = "sms"
    MESSENGER = "messenger"
    PHONE = "phone"
    CHAT_BOT = "chat_bot"
    ONLINE_CHAT = "online_chat"
    MOBILE_APP = "mobile_app"
    CONTEXT_ADS = "context_ads"
    BANNER_ADS = "banner_ads"
    SEARCH = "search"
    THIRD_PARTY_SITE = "third_party_site"
    REVIEWS = "reviews"
    STORE = "store"
    OFFICE = "office"
    EVENT = "event"
    PRINT = "print"
    OUTDOOR = "outdoor"
    PACKAGING = "packaging"
    DELIVERY = "delivery"
    CRM = "crm"
    OTHER = "other"


class Mode(StrEnum):
    """онлайн / офлайн / гибрид."""

    ONLINE = "online"
    OFFLINE = "offline"
    HYBRID = "hybrid"


class Role(StrEnum):
    """A regular touchpoint, a capture (conversion) point, or the final chord of a chain."""

    REGULAR = "regular"
    CAPTURE = "capture"
    FINAL_CHORD = "final_chord"


class Attention(StrEnum):
    """краткосрочная (seconds, an ad) / долгосрочная (the site)."""

    SHORT = "short"
    LONG = "long"


class Lifetime(StrEnum):
    """моментальная (one offer) / повторяющаяся (a blog, a mailing)."""

    MOMENTARY = "momentary"
    REPETITIVE = "repetitive"


class Status(StrEnum):
    """Whether we have the touchpoint, plan it, or lack it (a gap competitors may fill)."""

    ACTIVE = "active"
    PLANNED = "planned"
    MISSING = "missing"


class StageGroup(StrEnum):
    """The three periods of the methodology: before, during and after the purchase."""

    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


class Reaction(StrEnum):
    """позитивная / негативная / нейтральная."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"


class ChannelGroup(StrEnum):
    """Default channel grouping of an event's traffic, as web analytics tools define it."""

    ORGANIC_SEARCH = "organic_search"
    PAID_SEARCH = "paid_search"
    EMAIL = "email"
    SOCIAL = "social"
    PAID_SOCIAL = "paid_social"
    REFERRAL = "referral"
    DIRECT = "direct"
    SMS = "sms"
    MESSENGER = "messenger"
    DISPLAY = "display"
    OFFLINE = "offline"
    UNASSIGNED = "unassigned"
