"""The demo's feedback through the CLI: `touchpath kpi` shows the weak touchpoints;
`touchpath feedback import` reports and quarantines like the events' import."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import run, run_json
from touchpath.bootstrap import init_workspace, write_events
from touchpath.demo.feedback import store_demo_feedback
from touchpath.demo.generate import generate

WEAK = {"shop": {"support_chat", "checkout"}, "clinic": {"phone_booking", "reception"}}


@pytest.fixture(scope="module", params=["shop", "clinic"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    business = str(request.param)
    data = generate(business, customers=1500, seed=5)
    root = tmp_path_factory.mktemp(business) / business
    ws = init_workspace(root, catalogue=data.catalogue)
    write_events(ws, data.events, data.customers, source="test")
    assert store_demo_feedback(ws, business, data.events, data.customers, seed=5) > 1500
    return business, root


def test_kpi_shows_the_weak_touchpoints(demo: tuple[str, Path]) -> None:
    business, root = demo
    doc = run_json("--workspace", str(root), "kpi")
    kpis = {row["group"]: row for row in doc["kpis"]}
    weak = WEAK[business]
    others = set(kpis) - weak
    assert weak <= set(kpis)
    # every weak touchpoint is worse than every other one, by NPS interval and negative share
    assert max(kpis[t]["nps_high"] for t in weak) < min(kpis[t]["nps"] for t in others)
    assert min(kpis[t]["negative"] for t in weak) > 0.3 > max(kpis[t]["negative"] for t in others)
    reactions = {r["touchpoint"]: r for r in doc["reactions"]}
    assert all(
        abs(r["positive"] + r["negative"] + r["neutral"] - 1) < 1e-9 for r in reactions.values()
    )
    # the demo's invitations give a response rate near a third
    assert all(0.2 < kpis[t]["response_rate"] < 0.5 for t in kpis)
    code, out, _err = run("--workspace", str(root), "kpi", "--by", "stage", "--period", "quarter")
    assert code == 0 and "NPS" in out


def test_the_demo_raises_alerts_on_the_weak_touchpoints(demo: tuple[str, Path]) -> None:
    business, root = demo
    doc = run_json("--workspace", str(root), "feedback", "alerts")
    negative = {a["touchpoint"] for a in doc["alerts"] if a["kind"] == "negative_share"}
    assert negative == WEAK[business]
    if business == "shop":
        assert any(a["kind"] == "nps_drop" and a["touchpoint"] == "checkout" for a in doc["alerts"])


def test_feedback_import_reports_and_quarantines(demo: tuple[str, Path], tmp_path: Path) -> None:
    _business, root = demo
    path = tmp_path / "survey.csv"
    path.write_text(
        "feedback_id,ts,kind,score\nz1,2025-05-01T10:00:00Z,nps,10\nz2,2025-05-01,nps,12\n",
        encoding="utf-8",
    )
    code, out, err = run("--workspace", str(root), "feedback", "import", str(path), "--strict")
    assert code == 1
    assert "1 imported" in out and "1 quarantined" in out
    assert f"{path}:3: score:" in err and "0–10" in err
    again = run_json("--workspace", str(root), "feedback", "import", str(path))
    assert (again["rows_inserted"], again["rows_duplicate"], again["rows_quarantined"]) == (0, 1, 1)
    rows = run_json("--workspace", str(root), "feedback", "quarantine")["rows"]
    assert {(r["line"], r["field"]) for r in rows if r["file"] == str(path)} == {(3, "score")}


def test_bad_arguments_fail_in_one_line(demo: tuple[str, Path], tmp_path: Path) -> None:
    _business, root = demo
    code, _out, err = run("--workspace", str(root), "kpi", "--by", "colour")
    assert code == 1 and "colour" in err and "Traceback" not in err
    code, _out, err = run("--workspace", str(root), "kpi", "--period", "decade")
    assert code == 1 and "decade" in err
    code, _out, err = run(
        "--workspace", str(root), "feedback", "import", str(tmp_path / "nope.csv")
    )
    assert code == 1 and "nope.csv" in err


def test_kpi_with_retention_reads_the_events(demo: tuple[str, Path]) -> None:
    _business, root = demo
    doc = run_json("--workspace", str(root), "kpi", "--retention")
    rows = doc["retention"]
    assert rows and all(0 <= r["retained"] <= r["customers"] for r in rows)
    assert any(r["retained"] > 0 for r in rows)  # demo customers do buy again
    answers = root / "feedback" / "answers.csv"
    import pandas as pd

    frame = pd.read_csv(answers)
    rated = frame.loc[frame["kind"] != "text"]  # text reactions come from the model
    for tp in ("checkout", "delivery"):
        if tp not in set(frame["touchpoint"]):
            continue
        listed = sum(r["customers"] for r in rows if r["touchpoint"] == tp)
        assert listed >= rated.loc[rated["touchpoint"] == tp, "customer_id"].nunique()
