"""The collector in one process: validation, limits, idempotency, merging, quarantine."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from touchpath.ingest import staging
from touchpath.ingest.collector import merge
from touchpath.web.api import MAX_BODY
from touchpath.workspace import find_workspace

from .conftest import Keys

Call = Callable[..., Any]


def event(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": f"col-{i}",
        "customer_id": f"web-{i % 3}",
        "ts": f"2026-02-01T10:{i % 60:02d}:00+03:00",
        "touchpoint": "product_page",
        "source": "yandex",
        "medium": "cpc",
        **extra,
    }


def stored(root: Path, member: str, where: str = "event_id LIKE 'col-%'") -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(root / member / "events.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT event_id, customer_id, ts, touchpoint, channel, is_conversion, value, "
            f"currency, attributes FROM events WHERE {where} ORDER BY seq"
        ).fetchall()
    finally:
        con.close()


def waiting(root: Path, member: str) -> int:
    path = staging.staging_path(root / member)
    if not path.exists():
        return 0
    con = staging.connect(path)
    try:
        return sum(staging.backlog(con).waiting.values())
    finally:
        con.close()


def test_a_batch_is_stored_once_however_often_it_is_sent(
    call: Call, site: tuple[Path, Keys]
) -> None:
    root = site[0]
    batch = {"events": [event(i) for i in range(5)]}
    first = call("POST", "shop", "collector", "/collect", json=batch)
    assert first.status_code == 202
    assert first.json() == {"received": 5, "stored": 5, "duplicates": 0}
    again = call("POST", "shop", "collector", "/collect", json=batch)
    assert again.json() == {"received": 5, "stored": 0, "duplicates": 5}
    assert waiting(root, "shop") == 5
    report = merge(find_workspace(root / "shop"))
    assert (report.merged, report.imported, report.quarantined) == (5, 5, 0)
    rows = stored(root, "shop")
    assert [r[0] for r in rows] == [f"col-{i}" for i in range(5)]
    # 10:00 at +03:00 is 07:00 UTC; yandex/cpc is paid search (the import's channel rules)
    assert rows[0][2].isoformat() == "2026-02-01T07:00:00+00:00"
    assert {r[4] for r in rows} == {"paid_search"}
    # sent again after the merge: recognised in staging, nothing new reaches the store
    late = call("POST", "shop", "collector", "/collect", json=batch)
    assert late.json()["stored"] == 0
    assert merge(find_workspace(root / "shop")).merged == 0
    assert len(stored(root, "shop")) == 5
    assert stored(root, "clinic") == []


def test_fields_reach_the_events_store_as_sent(call: Call, site: tuple[Path, Keys]) -> None:
    sale = event(
        7,
        is_conversion=True,
        value=1250.5,
        currency="RUB",
        event_name="purchase",
        attributes={"order": "A-17", "items": 2},
    )
    assert call("POST", "shop", "analyst", "/collect", json={"events": [sale]}).status_code == 202
    merge(find_workspace(site[0] / "shop"))
    [row] = stored(site[0], "shop")
    assert row[5:8] == (True, 1250.5, "RUB")
    assert json.loads(row[8]) == {"order": "A-17", "items": 2}


def test_an_unknown_touchpoint_is_quarantined_not_lost(call: Call, site: tuple[Path, Keys]) -> None:
    good, odd = event(1), event(2, touchpoint="hologram")
    call("POST", "shop", "collector", "/collect", json={"events": [good, odd]})
    report = merge(find_workspace(site[0] / "shop"))
    assert (report.imported, report.quarantined) == (1, 1)
    con = duckdb.connect(str(site[0] / "shop" / "events.duckdb"), read_only=True)
    try:
        [(field, reason, raw)] = con.execute(
            "SELECT field, reason, raw FROM quarantine WHERE raw LIKE '%col-2%'"
        ).fetchall()
    finally:
        con.close()
    assert field == "touchpoint" and "hologram" in reason
    assert json.loads(raw)["event_id"] == "col-2"


BAD_ITEMS: list[tuple[dict[str, Any], str]] = [
    ({"ts": "2026-02-01T10:00:00"}, "ts"),  # no time zone
    ({"customer_id": ""}, "customer_id"),
    ({"event_id": "a\x00b"}, "event_id"),
    ({"value": 10}, ""),  # money without its currency: a whole-item error
    ({"attributes": {"ts": "x"}}, "attributes"),
    ({"currency": "rub", "value": 1}, "currency"),
    ({"colour": "red"}, "colour"),
    ({"value": "NaN", "currency": "RUB"}, "value"),
]


def test_every_bad_item_is_listed_with_index_and_field_and_nothing_is_stored(
    call: Call, site: tuple[Path, Keys]
) -> None:
    items = [event(100)] + [event(i, **change) for i, (change, _f) in enumerate(BAD_ITEMS)]
    response = call("POST", "shop", "collector", "/collect", json={"events": items})
    assert response.status_code == 422
    found = {
        (e["loc"][2], e["loc"][3] if len(e["loc"]) > 3 else "") for e in response.json()["detail"]
    }
    assert {i for i, _f in found} == set(range(1, len(BAD_ITEMS) + 1))
    for i, (_change, field) in enumerate(BAD_ITEMS, start=1):
        assert any(j == i and f == field for j, f in found), (i, field, found)
    assert waiting(site[0], "shop") == 0


@pytest.mark.parametrize(
    "body",
    [b"", b"[]", b'{"events": []}', b'{"events": {}}', b"\xff\xfe", b"null", b'{"events":[1]}'],
)
def test_malformed_bodies_are_422(call: Call, body: bytes) -> None:
    response = call("POST", "shop", "collector", "/collect", content=body)
    assert response.status_code == 422, response.text


def test_the_snippets_text_plain_body_is_accepted(call: Call) -> None:
    body = json.dumps({"events": [event(1)]})
    response = call(
        "POST",
        "shop",
        "collector",
        "/collect",
        content=body,
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 202
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_body_over_the_limit_is_413_announced_or_streamed(
    call: Call, site: tuple[Path, Keys]
) -> None:
    padding = "x" * 1000
    items = [event(i, event_name=padding[:400]) for i in range(MAX_BODY // 400)]
    body = json.dumps({"events": items}).encode()
    assert len(body) > MAX_BODY
    assert call("POST", "shop", "collector", "/collect", content=body).status_code == 413

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 1 << 20):
            yield body[start : start + (1 << 20)]

    streamed = call("POST", "shop", "collector", "/collect", content=chunks())
    assert streamed.status_code == 413
    assert waiting(site[0], "shop") == 0


def test_too_many_items_is_a_field_error(call: Call) -> None:
    items = [{"event_id": str(i)} for i in range(10_001)]
    response = call("POST", "shop", "collector", "/collect", json={"events": items})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "events"]


def test_merged_events_show_in_the_analyses(call: Call, site: tuple[Path, Keys]) -> None:
    before = call("GET", "shop", "viewer", "/funnel?steps=context_ad").json()["steps"][0]
    new = [
        {
            "event_id": "fresh-1",
            "customer_id": "fresh",
            "ts": "2026-03-01T09:00:00Z",
            "touchpoint": "context_ad",
        },
    ]
    call("POST", "shop", "collector", "/collect", json={"events": new})
    merge(find_workspace(site[0] / "shop"))
    after = call("GET", "shop", "viewer", "/funnel?steps=context_ad").json()["steps"][0]
    assert after["customers"] == before["customers"] + 1


def test_feedback_rides_along_and_reaches_the_feedback_store(
    call: Call, site: tuple[Path, Keys]
) -> None:
    from touchpath.store.db import create_engine, session_factory
    from touchpath.store.feedback import FeedbackRow

    answers = [
        {
            "feedback_id": "fb-1",
            "customer_id": "web-1",
            "ts": "2026-02-02T12:00:00+03:00",
            "touchpoint": "delivery",
            "kind": "nps",
            "score": 9,
        },
        {
            "feedback_id": "fb-2",
            "ts": "2026-02-02T13:00:00Z",
            "kind": "text",
            "text": "Курьер опоздал на два часа",
            "touchpoint": "delivery",
        },
        {
            "feedback_id": "fb-3",
            "ts": "2026-02-02T14:00:00Z",
            "kind": "nps",
            "score": 5,
            "touchpoint": "teleport",
        },
    ]
    body = {"events": [event(1)], "feedback": answers}
    first = call("POST", "shop", "collector", "/collect", json=body)
    assert first.json() == {"received": 4, "stored": 4, "duplicates": 0}
    assert call("POST", "shop", "collector", "/collect", json=body).json()["stored"] == 0
    report = merge(find_workspace(site[0] / "shop"))
    assert report.imported == 1
    assert report.feedback == {"imported": 2, "duplicates": 0, "quarantined": 1}  # teleport
    engine = create_engine(find_workspace(site[0] / "shop").metadata_url)
    try:
        with session_factory(engine)() as db:
            rows = {
                r.feedback_id: r
                for r in db.query(FeedbackRow).filter(
                    FeedbackRow.feedback_id.in_(["fb-1", "fb-2", "fb-3"])
                )
            }
    finally:
        engine.dispose()
    assert set(rows) == {"fb-1", "fb-2"}
    assert rows["fb-1"].score == 9 and rows["fb-1"].customer_id == "web-1"
    assert rows["fb-2"].text == "Курьер опоздал на два часа"


def test_a_bad_feedback_item_names_its_index_and_field(call: Call) -> None:
    bad = {"feedback_id": "fb-9", "ts": "2026-02-02T12:00:00Z", "kind": "stars", "score": "x"}
    response = call("POST", "shop", "collector", "/collect", json={"feedback": [bad]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "feedback", 0, "score"]
    empty = call("POST", "shop", "collector", "/collect", json={"events": [], "feedback": []})
    assert empty.status_code == 422


def test_a_cors_preflight_is_answered_without_a_key(client: Any) -> None:
    response = client.options(
        "/api/v1/w/shop/collect",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Authorization" in response.headers["access-control-allow-headers"]
