"""Rule, task and response-time routes against the CLI's output and hand computations."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from cli_support import run_json

from .conftest import Keys

Call = Callable[..., Any]


def _cli(site: tuple[Path, Keys], *args: str) -> Any:
    return run_json("-w", str(site[0] / "shop"), *args)


def test_rules_round_trip_like_the_cli(call: Call, site: tuple[Path, Keys]) -> None:
    listed = call("GET", "shop", "viewer", "/rules").json()
    assert [r["name"] for r in listed] == [r["name"] for r in _cli(site, "rules", "list")]
    assert listed, "the demo shop has rules"
    first = listed[0]["name"]
    one = call("GET", "shop", "viewer", f"/rules/{first}").json()
    assert one["rule"] == _cli(site, "rules", "show", first)["rule"]
    copy = {**one["rule"], "name": "api-copy", "title": "Copy via the API", "enabled": False}
    put = call("PUT", "shop", "analyst", "/rules/api-copy", json=copy)
    assert put.status_code == 200, put.text
    assert put.json()["enabled"] is False and put.json()["watermark"] == -1  # from now
    shown = _cli(site, "rules", "show", "api-copy")
    assert shown["title"] == "Copy via the API" and shown["enabled"] is False
    copy["title"] = "Replaced"
    assert call("PUT", "shop", "admin", "/rules/api-copy", json=copy).json()["rule"]["title"] == (
        "Replaced"
    )
    assert len(call("GET", "shop", "viewer", "/rules").json()) == len(listed) + 1
    assert call("DELETE", "shop", "analyst", "/rules/api-copy").status_code == 204
    assert call("GET", "shop", "viewer", "/rules/api-copy").status_code == 404
    assert call("DELETE", "shop", "analyst", "/rules/api-copy").status_code == 404
    assert [r["name"] for r in _cli(site, "rules", "list")] == [r["name"] for r in listed]


def test_bad_rules_are_422_with_the_field_and_store_nothing(
    call: Call, site: tuple[Path, Keys]
) -> None:
    first = call("GET", "shop", "viewer", "/rules").json()[0]["rule"]
    other = call("PUT", "shop", "analyst", "/rules/elsewhere", json={**first, "name": "x1"})
    assert other.status_code == 422 and "'x1'" in other.json()["detail"]
    empty = call("PUT", "shop", "analyst", "/rules/x1", json={**first, "name": "x1", "actions": []})
    assert empty.status_code == 422
    assert any(e["loc"][-1] == "actions" for e in empty.json()["detail"])
    trigger = call(
        "PUT",
        "shop",
        "analyst",
        "/rules/x1",
        json={**first, "name": "x1", "trigger": {"kind": "moon_phase"}},
    )
    assert trigger.status_code == 422
    assert call("PUT", "shop", "analyst", "/rules/x1", content=b"not json").status_code == 422
    assert call("GET", "shop", "viewer", "/rules/Bad%20Name").status_code == 422
    assert "x1" not in [r["name"] for r in _cli(site, "rules", "list")]


def test_tasks_filter_reply_and_close_like_the_cli(call: Call, site: tuple[Path, Keys]) -> None:
    listed = call("GET", "shop", "viewer", "/tasks").json()
    cli = _cli(site, "tasks", "list", "--limit", "500")
    assert [t["id"] for t in listed] == [t["id"] for t in cli]
    assert listed, "the demo shop has tasks"
    open_ = call("GET", "shop", "viewer", "/tasks?status=open").json()
    assert [t["id"] for t in open_] == [t["id"] for t in listed if t["status"] == "open"]
    task = next(t for t in open_ if t["first_reply_at"] is None)
    manager = call("GET", "shop", "viewer", f"/tasks?manager={task['manager']}").json()
    assert {t["manager"] for t in manager} == {task["manager"]}
    assert call("GET", "shop", "viewer", f"/tasks/{task['id']}").json() == task
    replied = call("POST", "shop", "analyst", f"/tasks/{task['id']}/reply")
    assert replied.status_code == 200, replied.text
    first_reply = replied.json()["first_reply_at"]
    assert first_reply is not None and replied.json()["sla"] in ("met", "late")
    again = call("POST", "shop", "analyst", f"/tasks/{task['id']}/reply").json()
    assert again["first_reply_at"] == first_reply  # the first reply is kept
    done = call("POST", "shop", "analyst", f"/tasks/{task['id']}/done").json()
    assert done["status"] == "done" and done["done_at"] is not None
    stored = next(t for t in _cli(site, "tasks", "list", "--limit", "500") if t["id"] == task["id"])
    assert stored["status"] == "done"
    assert datetime.fromisoformat(stored["first_reply_at"]) == datetime.fromisoformat(first_reply)
    assert call("POST", "shop", "analyst", "/tasks/999999/done").status_code == 404
    assert call("POST", "shop", "analyst", "/tasks/999999/reply").status_code == 404
    assert call("GET", "shop", "viewer", "/tasks/999999").status_code == 404
    assert call("GET", "shop", "viewer", "/tasks?sla=soonish").status_code == 422


def test_response_times_are_medians_of_the_reply_delays(call: Call) -> None:
    doc = call("GET", "shop", "viewer", "/response-times?by=touchpoint").json()
    every = call("GET", "shop", "viewer", "/tasks?limit=10000").json()
    delays: dict[str, list[float]] = {}
    for t in every:
        if t["first_reply_at"] is not None:
            seconds = (
                datetime.fromisoformat(t["first_reply_at"])
                - datetime.fromisoformat(t["created_at"])
            ).total_seconds()
            delays.setdefault(t["touchpoint"] or "", []).append(seconds)
    assert {r["touchpoint"] for r in doc["rows"]} == set(delays)
    for row in doc["rows"]:
        values = delays[row["touchpoint"]]
        assert row["n"] == len(values)
        assert abs(row["median_seconds"] - statistics.median(values)) < 1e-6
        assert abs(row["p90_seconds"] - float(np.percentile(values, 90))) < 1e-6
    both = call("GET", "shop", "viewer", "/response-times").json()
    assert sum(r["n"] for r in both["rows"]) == sum(len(v) for v in delays.values())
    assert call("GET", "shop", "viewer", "/response-times?by=moon").status_code == 422
