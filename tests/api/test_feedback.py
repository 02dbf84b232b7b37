"""Feedback, KPI and alert routes against the CLI's output and hand-worked formulas."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli_support import run_json
from touchpath.store.feedback import load_feedback

from .conftest import Keys
from .test_audits import session

Call = Callable[..., Any]


def test_feedback_pages_cover_every_answer_once(call: Call, site: tuple[Path, Keys]) -> None:
    with session(site[0], "shop") as db:
        stored = load_feedback(session=db)
    first = call("GET", "shop", "viewer", "/feedback?limit=1000").json()
    assert first["total"] == len(stored) > 0
    seen: list[str] = []
    offset = 0
    while offset < first["total"]:
        page = call("GET", "shop", "viewer", f"/feedback?offset={offset}&limit=700").json()
        seen += [f["feedback_id"] for f in page["items"]]
        offset += 700
    assert sorted(seen) == sorted(stored["feedback_id"])
    times = [f["ts"] for f in first["items"]]
    assert all(t.endswith("Z") or t.endswith("+00:00") for t in times)  # UTC, with its zone
    assert times == sorted(times, reverse=True)
    nps = call("GET", "shop", "viewer", "/feedback?kind=nps&limit=5").json()
    assert nps["total"] == int((stored["kind"] == "nps").sum())
    assert {f["kind"] for f in nps["items"]} == {"nps"}
    tp = stored["touchpoint"].dropna().iloc[0]
    negative = call("GET", "shop", "viewer", f"/feedback?touchpoint={tp}&reaction=negative").json()
    want = stored[(stored["touchpoint"] == tp) & (stored["reaction"] == "negative")]
    assert negative["total"] == len(want)
    assert call("GET", "shop", "viewer", "/feedback?limit=0").status_code == 422
    assert call("GET", "shop", "viewer", "/feedback?kind=tweet").status_code == 422


def test_kpis_are_the_clis_and_nps_is_promoters_minus_detractors(
    call: Call, site: tuple[Path, Keys]
) -> None:
    doc = call("GET", "shop", "viewer", "/kpis?by=touchpoint").json()
    cli = run_json("-w", str(site[0] / "shop"), "kpi", "--by", "touchpoint")
    assert doc["feedback"] == cli["feedback"]
    assert [r["group"] for r in doc["kpis"]] == [r["group"] for r in cli["kpis"]]
    assert [r["responses"] for r in doc["kpis"]] == [r["responses"] for r in cli["kpis"]]
    with session(site[0], "shop") as db:
        stored = load_feedback(session=db)
    row = max((r for r in doc["kpis"] if r["nps_n"]), key=lambda r: r["nps_n"])
    scores = stored[(stored["touchpoint"] == row["group"]) & (stored["kind"] == "nps")]["score"]
    scores = scores.dropna()
    hand = 100 * ((scores >= 9).sum() - (scores <= 6).sum()) / len(scores)
    assert row["nps_n"] == len(scores)
    assert math.isclose(row["nps"], hand)
    monthly = call("GET", "shop", "viewer", "/kpis?by=all&period=month").json()
    cli_monthly = run_json("-w", str(site[0] / "shop"), "kpi", "--by", "all", "--period", "month")
    assert [(r["period"], r["responses"]) for r in monthly["kpis"]] == [
        (r["period"], r["responses"]) for r in cli_monthly["kpis"]
    ]
    assert sum(r["responses"] for r in monthly["kpis"]) == len(stored)
    assert call("GET", "shop", "viewer", "/kpis?by=planet").status_code == 422
    assert call("GET", "shop", "viewer", "/kpis?period=decade").status_code == 422


def test_alerts_are_checked_listed_and_closed(call: Call, site: tuple[Path, Keys]) -> None:
    checked = call("POST", "shop", "analyst", "/alerts/check")
    assert checked.status_code == 200, checked.text
    listed = call("GET", "shop", "viewer", "/alerts").json()
    cli = run_json("-w", str(site[0] / "shop"), "feedback", "alerts", "--no-check")
    assert [a["id"] for a in listed] == [a["id"] for a in cli["alerts"]]
    assert listed, "the demo shop has a negative touchpoint"
    first = listed[0]["id"]
    acked = call("PATCH", "shop", "analyst", f"/alerts/{first}", json={"status": "acknowledged"})
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    acked_ids = [
        a["id"] for a in call("GET", "shop", "viewer", "/alerts?status=acknowledged").json()
    ]
    assert first in acked_ids
    closed = call("PATCH", "shop", "admin", f"/alerts/{first}", json={"status": "closed"}).json()
    assert closed["status"] == "closed"
    cli = run_json("-w", str(site[0] / "shop"), "feedback", "alerts", "--no-check")
    assert next(a for a in cli["alerts"] if a["id"] == first)["status"] == "closed"
    assert (
        call("PATCH", "shop", "analyst", "/alerts/999999", json={"status": "closed"}).status_code
        == 404
    )
    bad = call("PATCH", "shop", "analyst", f"/alerts/{first}", json={"status": "ignored"})
    assert bad.status_code == 422
