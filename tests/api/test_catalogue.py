"""Catalogue routes: what a PUT stores is what the store and a GET give back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from touchpath.store import crud
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import find_workspace

from .conftest import Keys

Call = Callable[..., Any]


def stored(root: Path, member: str) -> Any:
    """The catalogue as the store holds it, read on a connection of its own."""
    engine = create_engine(find_workspace(root / member).metadata_url)
    try:
        with session_factory(engine)() as db:
            return crud.load_catalogue(session=db)
    finally:
        engine.dispose()


def test_a_touchpoint_round_trips_and_lands_in_that_workspace_only(
    call: Call, site: tuple[Path, Keys]
) -> None:
    body = {
        "id": "api_tp",
        "name": "Виджет обратного звонка",
        "channel": "site",
        "stages": ["purchase", "search"],
        "role": "capture",
        "owner": "Анна",
    }
    put = call("PUT", "shop", "analyst", "/touchpoints/api_tp", json=body)
    assert put.status_code == 200, put.text
    got = call("GET", "shop", "viewer", "/touchpoints/api_tp").json()
    assert {k: got[k] for k in body} == body
    shop = stored(site[0], "shop")
    assert shop.touchpoints[-1].id == "api_tp" and shop.touchpoints[-1].owner == "Анна"
    assert "api_tp" not in {t.id for t in stored(site[0], "clinic").touchpoints}
    ids = [t["id"] for t in call("GET", "shop", "viewer", "/touchpoints").json()]
    assert ids == [t.id for t in shop.touchpoints]
    # replace, then delete
    body["name"] = "Callback widget"
    assert call("PUT", "shop", "admin", "/touchpoints/api_tp", json=body).json()["name"] == (
        "Callback widget"
    )
    assert call("DELETE", "shop", "analyst", "/touchpoints/api_tp").status_code == 204
    assert call("GET", "shop", "viewer", "/touchpoints/api_tp").status_code == 404
    assert call("DELETE", "shop", "analyst", "/touchpoints/api_tp").status_code == 404


def test_writes_that_would_break_the_catalogue_are_409_and_change_nothing(
    call: Call, site: tuple[Path, Keys]
) -> None:
    before = stored(site[0], "shop")
    unknown_stage = {"id": "x1", "name": "X", "channel": "site", "stages": ["nowhere"]}
    r = call("PUT", "shop", "analyst", "/touchpoints/x1", json=unknown_stage)
    assert r.status_code == 409 and "nowhere" in r.json()["detail"]
    in_chain = before.chains[0].steps[0]
    r = call("DELETE", "shop", "analyst", f"/touchpoints/{in_chain}")
    assert r.status_code == 409 and "chain" in r.json()["detail"]
    bad_chain = {"id": "c9", "name": "C", "steps": ["context_ad", "ghost"]}
    assert call("PUT", "shop", "analyst", "/chains/c9", json=bad_chain).status_code == 409
    assert stored(site[0], "shop") == before


def test_bad_bodies_are_422_with_the_field(call: Call) -> None:
    r = call("PUT", "shop", "analyst", "/touchpoints/x2", json={"id": "x2", "name": "X"})
    assert r.status_code == 422
    missing = {tuple(e["loc"]) for e in r.json()["detail"]}
    assert ("body", "channel") in missing
    r = call(
        "PUT",
        "shop",
        "analyst",
        "/touchpoints/x3",
        json={"id": "other", "name": "X", "channel": "site", "stages": ["purchase"]},
    )
    assert r.status_code == 422 and "other" in r.json()["detail"]
    r = call("PUT", "shop", "analyst", "/stages/BAD%20ID", json={})
    assert r.status_code == 422
    r = call("PUT", "shop", "analyst", "/touchpoints/x4", content=b"{not json")
    assert r.status_code == 422
    extra = {"id": "x5", "name": "X", "channel": "site", "stages": ["purchase"], "evil": 1}
    r = call("PUT", "shop", "analyst", "/touchpoints/x5", json=extra)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "evil"]


def test_stages_chains_and_competitors_are_written_through(
    call: Call, site: tuple[Path, Keys]
) -> None:
    stage = {"id": "advocacy", "name": "Advocacy", "group": "after", "order": 6}
    assert call("PUT", "clinic", "analyst", "/stages/advocacy", json=stage).status_code == 200
    chain = {"id": "api_chain", "name": "Chain", "steps": ["context_ad", "site_page"]}
    assert call("PUT", "clinic", "analyst", "/chains/api_chain", json=chain).status_code == 200
    rival = {"id": "rival", "name": "Rival", "touchpoints": ["context_ad", "site_page"]}
    assert call("PUT", "clinic", "analyst", "/competitors/rival", json=rival).status_code == 200
    clinic = stored(site[0], "clinic")
    assert clinic.stages[-1].id == "advocacy"
    assert next(c for c in clinic.chains if c.id == "api_chain").steps == [
        "context_ad",
        "site_page",
    ]
    assert next(c for c in clinic.competitors if c.id == "rival").touchpoints == [
        "context_ad",
        "site_page",
    ]
    assert call("DELETE", "clinic", "analyst", "/competitors/rival").status_code == 204
    assert "rival" not in {c.id for c in stored(site[0], "clinic").competitors}
