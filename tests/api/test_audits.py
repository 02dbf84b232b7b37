"""Audit routes: what they answer is what the audit library computes from the same store."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from touchpath.audit import service
from touchpath.store import audits as store
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import find_workspace

from .conftest import Keys

Call = Callable[..., Any]
CSV = (
    "date,auditor,subject,touchpoint,parameter,value,evidence\n"
    "2030-01-02,API tester,ours,cart,convenience,4,checked by hand\n"
    "2030-01-02,API tester,ours,cart,design,2,\n"
)


@contextmanager
def session(root: Path, member: str) -> Iterator[Session]:
    engine = create_engine(find_workspace(root / member).metadata_url)
    try:
        with session_factory(engine)() as db:
            yield db
    finally:
        engine.dispose()


def _post(call: Call, body: str, role: str = "analyst", query: str = "?format=csv") -> Any:
    return call(
        "POST",
        "shop",
        role,
        f"/audits{query}",
        content=body.encode(),
        headers={"Content-Type": "text/plain"},
    )


def test_an_imported_file_is_listed_detailed_and_deleted(
    call: Call, site: tuple[Path, Keys]
) -> None:
    before = call("GET", "shop", "viewer", "/audits").json()
    done = _post(call, CSV)
    assert done.status_code == 201, done.text
    assert done.json()["audits"] == 1 and done.json()["scores"] == 2
    (new_id,) = done.json()["ids"]
    listed = call("GET", "shop", "viewer", "/audits").json()
    assert len(listed) == len(before) + 1
    assert listed[0]["id"] == new_id and listed[0]["date"] == "2030-01-02"  # newest first
    with session(site[0], "shop") as db:
        assert [a.id for a in store.list_audits(session=db)] == [a["id"] for a in listed]
    got = call("GET", "shop", "viewer", f"/audits/{new_id}").json()
    assert got["auditor"] == "API tester" and got["scores"] == 2
    assert [(s["parameter"], s["value"]) for s in got["items"]] == [
        ("convenience", 4.0),
        ("design", 2.0),
    ]
    assert got["items"][0]["evidence"] == "checked by hand"
    # the same file again is refused, then replaces with ?replace=true
    again = _post(call, CSV)
    assert again.status_code == 422 and "already stored" in again.json()["detail"]
    replaced = _post(call, CSV, query="?format=csv&replace=true")
    assert replaced.status_code == 201 and replaced.json()["ids"] == [new_id]
    assert call("DELETE", "shop", "analyst", f"/audits/{new_id}").status_code == 204
    assert call("GET", "shop", "viewer", f"/audits/{new_id}").status_code == 404
    assert call("DELETE", "shop", "analyst", f"/audits/{new_id}").status_code == 404
    assert len(call("GET", "shop", "viewer", "/audits").json()) == len(before)


def test_a_yaml_file_goes_in_too(call: Call) -> None:
    body = (
        "audits:\n- date: 2030-02-03\n  auditor: Y\n  subject: ours\n"
        "  scores:\n  - {touchpoint: cart, parameter: convenience, value: 5}\n"
    )
    done = _post(call, body, query="?format=yaml")
    assert done.status_code == 201, done.text
    assert done.json()["scores"] == 1


def test_a_bad_file_is_422_naming_the_row_and_stores_nothing(call: Call) -> None:
    before = call("GET", "shop", "viewer", "/audits").json()
    bad = CSV + "2030-01-02,API tester,ours,cart,speed_of_nothing,9,\n"
    response = _post(call, bad)
    assert response.status_code == 422
    assert "row 4" in response.json()["detail"] and "parameter" in response.json()["detail"]
    for body in ("", "\xff\xfe", "a,b\n1,2\n", "audits: 3"):
        assert _post(call, body).status_code == 422, body
    assert _post(call, "audits: [1]", query="?format=yaml").status_code == 422
    assert _post(call, CSV, query="?format=xls").status_code == 422
    assert call("GET", "shop", "viewer", "/audits").json() == before


def test_a_billion_laughs_file_is_refused_at_once(call: Call) -> None:
    lines = ['x0: &x0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"x{i}: &x{i} [" + ",".join([f"*x{i - 1}"] * 9) + "]" for i in range(1, 9)]
    for where in ("auditor: *x8, scores: []", "scores: [{touchpoint: cart, value: *x8}]"):
        bomb = "\n".join(lines) + f"\naudits:\n- {{date: 2030-01-01, subject: ours, {where}}}\n"
        started = time.monotonic()
        response = _post(call, bomb, query="?format=yaml")
        assert response.status_code == 422 and "aliases" in response.json()["detail"]
        assert time.monotonic() - started < 5


def test_scores_are_the_librarys(call: Call, site: tuple[Path, Keys]) -> None:
    _post(call, CSV)
    with session(site[0], "shop") as db:
        result = service.load(session=db).result
    for by, table, column in (
        ("touchpoint", result.touchpoints, "touchpoint"),
        ("stage", result.stages, "stage"),
        ("chain", result.chains, "chain"),
    ):
        doc = call("GET", "shop", "viewer", f"/audit-scores?by={by}&subject=ours").json()
        ours = table[table.subject == "ours"]
        want = {r[column]: r["score"] for r in ours.to_dict("records")}
        got = {r[column]: r["score"] for r in doc["rows"]}
        assert set(got) == set(want)
        for key, value in want.items():
            assert (got[key] is None) if math.isnan(value) else math.isclose(got[key], value)
    # cart's two new values: the weighted mean of their normalised scores (scale 1..5)
    cart = next(
        r
        for r in call("GET", "shop", "viewer", "/audit-scores?subject=ours").json()["rows"]
        if r["touchpoint"] == "cart"
    )
    assert cart["date"] == "2030-01-02"
    everyone = call("GET", "shop", "viewer", "/audit-scores").json()
    assert {r["subject"] for r in everyone["rows"]} == set(everyone["subjects"])
    unknown = call("GET", "shop", "viewer", "/audit-scores?subject=nobody")
    assert unknown.status_code == 422 and "nobody" in unknown.json()["detail"]
    assert call("GET", "shop", "viewer", "/audit-scores?by=planet").status_code == 422


def test_gaps_are_the_librarys(call: Call, site: tuple[Path, Keys]) -> None:
    doc = call("GET", "shop", "viewer", "/audit-gaps").json()
    with session(site[0], "shop") as db:
        found = service.gaps(session=db)
    assert [m["touchpoint"] for m in doc["missing_touchpoints"]] == [
        m.touchpoint for m in found.missing
    ]
    assert [c["chain"] for c in doc["chains"]] == [c.chain for c in found.chains]
    assert doc["unattended"] == found.unattended


def test_the_plan_is_the_librarys_and_its_items_can_be_assigned(
    call: Call, site: tuple[Path, Keys]
) -> None:
    doc = call("GET", "shop", "viewer", "/plan?data=false").json()
    with session(site[0], "shop") as db:
        items = service.plan(session=db)
    assert [i["key"] for i in doc["items"]] == [i.key for i in items]
    top = doc["items"][0]
    assert math.isclose(top["impact"], items[0].impact or 0)
    assert top["reason"] == items[0].reason and top["factors"]
    assert math.isclose(top["impact"], top["importance"] * top["gap"] * top["negativity"])
    assert len(call("GET", "shop", "viewer", "/plan?data=false&limit=2").json()["items"]) == 2
    with_data = call("GET", "shop", "viewer", "/plan").json()
    assert with_data["sources"]  # the demo has events: attribution, reach, drop-off
    key = top["key"]
    patched = call(
        "PATCH", "shop", "analyst", f"/plan/{key}", json={"owner": "Анна", "due": "2030-03-01"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json() == {
        "key": key,
        "owner": "Анна",
        "due": "2030-03-01",
        "status": "open",
        "note": None,
    }
    status = call("PATCH", "shop", "analyst", f"/plan/{key}", json={"status": "in_progress"})
    assert status.json()["owner"] == "Анна" and status.json()["status"] == "in_progress"
    again = call("GET", "shop", "viewer", "/plan?data=false").json()["items"][0]
    assert (again["owner"], again["due"], again["status"]) == ("Анна", "2030-03-01", "in_progress")
    with session(site[0], "shop") as db:
        assert store.plan_states(session=db)[key].owner == "Анна"
    assert call("PATCH", "shop", "analyst", "/plan/no:such", json={}).status_code == 404
    bad = call("PATCH", "shop", "analyst", f"/plan/{key}", json={"status": "later"})
    assert bad.status_code == 422
    assert call("PATCH", "shop", "analyst", f"/plan/{key}", json={"due": "soon"}).status_code == 422
