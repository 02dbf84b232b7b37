"""The shipped demo catalogues: valid, complete, and in the users' language."""

from __future__ import annotations

import re

import pytest

from touchpath.demo import businesses, load_catalogue
from touchpath.model import Mode, Role, StageGroup, Status

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


@pytest.fixture(params=["clinic", "shop"])
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_businesses() -> None:
    assert businesses() == ["clinic", "shop"]


def test_unknown_business_names_the_choices() -> None:
    with pytest.raises(ValueError, match="clinic, shop"):
        load_catalogue("bakery")


def test_valid_and_consistent(name: str) -> None:
    cat = load_catalogue(name)
    assert cat.problems() == []
    assert (cat.language, cat.currency) == ("ru", "RUB")
    assert CYRILLIC.search(cat.business)
    assert all(CYRILLIC.search(t.name) for t in cat.touchpoints)
    assert all(CYRILLIC.search(c.name) for c in cat.chains + cat.competitors)


def test_every_attribute_of_the_methodology_is_filled(name: str) -> None:
    cat = load_catalogue(name)
    for tp in cat.touchpoints:
        assert tp.stages, tp.id
        assert tp.attention is not None, tp.id
        assert tp.lifetime is not None, tp.id
        assert tp.description, tp.id
        if tp.status is Status.ACTIVE:
            assert not tp.unattended, tp.id
    assert {t.mode for t in cat.touchpoints} == set(Mode)
    assert {t.status for t in cat.touchpoints} == set(Status)
    assert {Role.CAPTURE, Role.FINAL_CHORD} <= {t.role for t in cat.touchpoints}
    assert {t.wow for t in cat.touchpoints} == {True, False}
    assert {t.automated for t in cat.touchpoints} == {True, False}
    groups = {s.group for s in cat.stages}
    assert groups == set(StageGroup)


def test_chains_lead_into_new_chains(name: str) -> None:
    cat = load_catalogue(name)
    assert len(cat.chains) >= 3
    for chain in cat.chains:
        assert chain.next_chain is not None
        roles = [cat.touchpoint(step).role for step in chain.steps]
        assert Role.CAPTURE in roles, chain.id
        assert roles[-1] is Role.FINAL_CHORD, chain.id
        for step in chain.steps:
            assert cat.touchpoint(step).status is Status.ACTIVE


def test_missing_touchpoints_that_competitors_have(name: str) -> None:
    cat = load_catalogue(name)
    assert len(cat.competitors) == 2
    missing = {t.id for t in cat.touchpoints if t.status is Status.MISSING}
    assert len(missing) >= 3
    assert {t.id for t in cat.missing_touchpoints()} == missing


def test_audience_is_where_we_are_absent(name: str) -> None:
    cat = load_catalogue(name)
    ours = {t.channel for t in cat.touchpoints if t.status is Status.ACTIVE}
    absent = set(cat.audience_channels) - ours
    assert absent, "the demo should show a missed channel"


def test_clinic_chain_is_the_seed_chain() -> None:
    chain = next(c for c in load_catalogue("clinic").chains if c.id == "first_visit")
    assert chain.steps == [
        "context_ad",
        "site_page",
        "online_chat",
        "phone_booking",
        "reception",
        "questionnaire",
        "doctor",
        "review",
        "mailing",
    ]


def test_shop_has_a_hybrid_chain() -> None:
    cat = load_catalogue("shop")
    chain = next(c for c in cat.chains if c.id == "click_collect")
    modes = {cat.touchpoint(s).mode for s in chain.steps}
    assert {Mode.ONLINE, Mode.HYBRID} <= modes


def test_load_returns_a_fresh_copy() -> None:
    first = load_catalogue("shop")
    first.touchpoints.clear()
    assert load_catalogue("shop").touchpoints
