"""``touchpath audit`` on the demo workspaces (shop and clinic), every command with --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_support import run, run_json

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("audit") / "demo"
    code, _out, err = run("demo", str(root), "--customers", "3000", "--seed", "5")
    assert code == 0, err
    return root


SHOP_WEAK = {"improve:checkout", "improve:support_chat"}
SHOP_MISSING = {"add:trade_in", "add:express_delivery", "add:messenger_bot"}
CLINIC_WEAK = {"improve:phone_booking", "improve:reception"}
CLINIC_MISSING = {
    "add:online_booking",
    "add:callback_request",
    "add:messenger_bot",
    "add:ask_doctor",
}


@pytest.mark.parametrize("data", ["--data", "--no-data"])
def test_the_shop_plan_names_its_weak_and_missing_touchpoints_first(demo: Path, data: str) -> None:
    doc = run_json("--workspace", str(demo / "shop"), "audit", "plan", data)
    keys = [i["key"] for i in doc["items"]]
    assert set(keys[:5]) == SHOP_WEAK | SHOP_MISSING
    # trade-in: both competitors have it; the capture point (checkout) before the chat
    assert keys[0] == "add:trade_in"
    assert keys.index("improve:checkout") < keys.index("improve:support_chat")
    # the planned video reviews come after the weak touchpoints
    assert keys.index("add:video_reviews") > keys.index("improve:support_chat")
    top = doc["items"][0]
    assert top["impact"] == pytest.approx(top["importance"] * top["gap"] * top["negativity"])
    assert top["reason"] and top["factors"]["competitors"] == ["technomarket", "gadgetshop"]
    chat = next(i for i in doc["items"] if i["key"] == "improve:support_chat")
    assert chat["weakest"][0]["parameter"] == "reply_speed"
    # the demo's tasks measure the chat's reply speed (newer than the auditor's 8 minutes)
    assert "median time to first reply over" in " ".join(chat["evidence"])
    assert ("attribution" in doc["sources"]) is (data == "--data")


def test_the_clinic_plan(demo: Path) -> None:
    doc = run_json("--workspace", str(demo / "clinic"), "audit", "plan")
    keys = [i["key"] for i in doc["items"]]
    assert set(keys[:6]) == CLINIC_WEAK | CLINIC_MISSING
    assert keys[0] == "add:online_booking"
    assert keys.index("improve:phone_booking") < keys.index("improve:reception")
    phone = next(i for i in doc["items"] if i["key"] == "improve:phone_booking")
    assert phone["weakest"][0]["parameter"] == "rings_before_answer"


def test_plan_exports_and_assignments_survive_a_rerun(demo: Path, tmp_path: Path) -> None:
    ws = str(demo / "shop")
    doc = run_json(
        "--workspace",
        ws,
        "audit",
        "assign",
        "improve:checkout",
        "--owner",
        "Мария",
        "--due",
        "2026-12-15",
        "--status",
        "in_progress",
    )
    assert doc["status"] == "in_progress"
    code, _o, err = run(
        "--workspace",
        ws,
        "audit",
        "plan",
        "--no-data",
        "--csv",
        str(tmp_path / "plan.csv"),
        "--md",
        str(tmp_path / "plan.md"),
    )
    assert code == 0, err
    assert (
        ",improve:checkout,improve,checkout,Оформление и оплата заказа,"
        in (tmp_path / "plan.csv").read_text()
    )
    assert "Мария" in (tmp_path / "plan.md").read_text()
    assert "audit:video_reviews" not in (tmp_path / "plan.csv").read_text()  # planned, not ours yet
    item = next(
        i
        for i in run_json("--workspace", ws, "audit", "plan", "--no-data")["items"]
        if i["key"] == "improve:checkout"
    )
    assert (item["owner"], item["due"], item["status"]) == ("Мария", "2026-12-15", "in_progress")
    code, _o, err = run(
        "--workspace", ws, "audit", "assign", "improve:checkout", "--status", "late"
    )
    assert code == 1 and "unknown status 'late'" in err


def test_a_bad_file_is_refused_whole_and_nothing_is_lost(demo: Path, tmp_path: Path) -> None:
    ws = str(demo / "clinic")
    before = run_json("--workspace", ws, "audit", "history")["audits"]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,auditor,subject,touchpoint,parameter,value\n"
        "2026-11-01,Eve,ours,reception,queue,12\n"
        "2026-11-01,Eve,ours,reception,politeness,7\n",
        encoding="utf-8",
    )
    code, out, err = run("--workspace", ws, "audit", "import", str(bad))
    assert code == 1 and out == ""
    assert f"{bad}: row 3: value: 7 is outside the scale 1..5" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert run_json("--workspace", ws, "audit", "history")["audits"] == before
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(
        "audits: [{date: 2026-11-01, auditor: Eve, subject: ours, scores: ["
        "{touchpoint: teleport, parameter: queue, value: 3}]}]\n",
        encoding="utf-8",
    )
    code, _o, err = run("--workspace", ws, "audit", "import", str(unknown))
    assert code == 1 and "audits[0].scores[0]: touchpoint: unknown touchpoint 'teleport'" in err


def test_export_import_round_trip(demo: Path, tmp_path: Path) -> None:
    ws = str(demo / "clinic")
    before = run_json("--workspace", ws, "audit", "score")["rows"]
    for name in ("all.csv", "all.yaml"):
        doc = run_json("--workspace", ws, "audit", "export", str(tmp_path / name))
        assert doc["audits"] == 5
        code, _o, err = run("--workspace", ws, "audit", "import", str(tmp_path / name))
        assert code == 1 and "already stored" in err
        doc = run_json("--workspace", ws, "audit", "import", str(tmp_path / name), "--replace")
        assert doc["imported"][0]["audits"] == 5
    assert run_json("--workspace", ws, "audit", "score")["rows"] == before


def test_score_compare_gaps_checklist(demo: Path, tmp_path: Path) -> None:
    ws = str(demo / "shop")
    stages = run_json("--workspace", ws, "audit", "score", "--by", "stage", "--subject", "ours")
    assert {r["stage"] for r in stages["rows"]} == {
        "awareness",
        "search",
        "comparison",
        "purchase",
        "post_purchase",
    }
    early = run_json("--workspace", ws, "audit", "score", "--as-of", "2026-07-01")["rows"]
    assert {r["subject"] for r in early} == {"ours"}
    cmp = run_json("--workspace", ws, "audit", "compare", "--html", str(tmp_path / "h.html"))
    checkout = next(r for r in cmp["touchpoints"] if r["touchpoint"] == "checkout")
    assert checkout["best_in_class"] in ("technomarket", "gadgetshop")
    assert checkout["gap_to_best"] > 0.3
    assert (tmp_path / "h.html").stat().st_size > 100_000  # plotly.js inlined
    gaps = run_json("--workspace", ws, "audit", "gaps")
    assert [m["touchpoint"] for m in gaps["missing_touchpoints"]] == [
        "video_reviews",
        "trade_in",
        "express_delivery",
        "messenger_bot",
    ]
    assert [c["channel"] for c in gaps["missed_channels"]] == ["messenger"]
    assert all(c["capture_points"] for c in gaps["chains"])
    params = run_json("--workspace", ws, "audit", "checklist", "phone")["parameters"]
    assert params[0]["parameter"] == "rings_before_answer"
    code, _o, err = run("--workspace", ws, "audit", "score", "--by", "colour")
    assert code == 1 and "--by" in err
    code, _o, err = run("--workspace", ws, "audit", "score", "--as-of", "yesterday")
    assert code == 1 and "not a date" in err
    assert json.loads(json.dumps(gaps))  # plain JSON
