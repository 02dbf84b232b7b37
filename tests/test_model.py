"""Domain types: what they accept, what they refuse, and the cross-reference checks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from touchpath.model import (
    DEFAULT_STAGES,
    Catalogue,
    Chain,
    Competitor,
    Role,
    StageGroup,
    Status,
    TouchEvent,
    Touchpoint,
)


def tp(key: str, **kw: object) -> Touchpoint:
    return Touchpoint.model_validate({"id": key, "name": key.title(), "channel": "site", **kw})


def test_default_stages_are_the_five_of_the_methodology() -> None:
    assert [s.id for s in DEFAULT_STAGES] == [
        "awareness",
        "search",
        "comparison",
        "purchase",
        "post_purchase",
    ]
    assert [s.group for s in DEFAULT_STAGES] == [
        StageGroup.BEFORE,
        StageGroup.BEFORE,
        StageGroup.BEFORE,
        StageGroup.DURING,
        StageGroup.AFTER,
    ]
    assert Catalogue(business="b").stages == list(DEFAULT_STAGES)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "Has Space"),
        ("channel", "telepathy"),
        ("mode", "astral"),
        ("role", "boss"),
        ("attention", "medium"),
        ("lifetime", "eternal"),
        ("status", "lost"),
        ("name", ""),
    ],
)
def test_touchpoint_refuses_bad_values(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as info:
        tp("site", **{field: value})
    assert info.value.errors()[0]["loc"][0] == field


def test_touchpoint_refuses_unknown_fields_and_repeated_stages() -> None:
    with pytest.raises(ValidationError, match="colour"):
        tp("site", colour="red")
    with pytest.raises(ValidationError, match="twice"):
        tp("site", stages=["search", "search"])


def test_unattended_means_active_without_owner_or_robot() -> None:
    assert tp("a").unattended
    assert not tp("b", owner="Анна").unattended
    assert not tp("c", automated=True).unattended
    assert not tp("d", status="missing").unattended


def test_chain_refuses_a_step_following_itself() -> None:
    with pytest.raises(ValidationError, match="follows itself"):
        Chain(id="c", name="C", steps=["a", "a"])
    assert Chain(id="c", name="C", steps=["a", "b", "a"]).steps == ["a", "b", "a"]


def test_catalogue_problems_point_at_the_field() -> None:
    cat = Catalogue(
        business="Клиника",
        touchpoints=[
            tp("ad", stages=["awareness"]),
            tp("form", stages=["buying"]),
            tp("ad", role=Role.CAPTURE),
        ],
        chains=[Chain(id="first", name="First", steps=["ad", "chat"], next_chain="nope")],
        competitors=[Competitor(id="rival", name="Rival", touchpoints=["ghost"])],
    )
    found = {(p.field, p.message) for p in cat.problems()}
    assert found == {
        ("touchpoints.2.id", "duplicate id 'ad'"),
        ("touchpoints.1.stages.0", "unknown stage 'buying'"),
        ("chains.0.steps.1", "unknown touchpoint 'chat'"),
        ("chains.0.next_chain", "unknown chain 'nope'"),
        ("competitors.0.touchpoints.0", "unknown touchpoint 'ghost'"),
    }


def test_missing_touchpoints_are_those_a_competitor_has() -> None:
    cat = Catalogue(
        business="b",
        touchpoints=[
            tp("chat", status=Status.MISSING),
            tp("bot", status=Status.MISSING),
            tp("site"),
        ],
        competitors=[Competitor(id="r", name="R", touchpoints=["chat", "site"])],
    )
    assert [t.id for t in cat.missing_touchpoints()] == ["chat"]
    assert cat.problems() == []


def test_touch_event_needs_a_time_zone_and_a_currency_for_money() -> None:
    aware = datetime(2025, 3, 1, 12, tzinfo=timezone(timedelta(hours=3)))
    event = TouchEvent(event_id="1", customer_id="c", ts=aware, value=10, currency="RUB")
    assert event.ts.utcoffset() == timedelta(hours=3)
    with pytest.raises(ValidationError, match="timezone"):
        TouchEvent(event_id="1", customer_id="c", ts=datetime(2025, 3, 1, 12))
    with pytest.raises(ValidationError, match="currency"):
        TouchEvent(event_id="1", customer_id="c", ts=aware, value=10)
    with pytest.raises(ValidationError):
        TouchEvent(event_id="1", customer_id="c", ts=aware, channel="carrier_pigeon")
