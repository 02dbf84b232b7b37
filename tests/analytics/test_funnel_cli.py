"""``touchpath funnel`` on a small demo shop, checked against the pure-Python reference."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from test_funnels import reference, reference_counts  # the reference of the library tests
from typer.testing import CliRunner

from touchpath.bootstrap import build_demo, load_catalogue
from touchpath.cli import app
from touchpath.model import Catalogue
from touchpath.workspace import find_workspace

runner = CliRunner()


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--workspace", str(root), "funnel", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("funnel") / "demo"
    build_demo(root, customers=200, seed=5, businesses=["shop"])
    return root


@pytest.fixture(scope="module")
def rows(shop: Path) -> list[dict[str, Any]]:
    ws = find_workspace(shop)
    con = duckdb.connect(str(ws.root / "events.duckdb"), read_only=True)
    try:
        names = ["customer_id", "ts", "seq", "event_id", "touchpoint"]
        found = con.sql(f"SELECT {', '.join(names)} FROM events").fetchall()
    finally:
        con.close()
    return [dict(zip(names, row, strict=True)) for row in found]


@pytest.fixture(scope="module")
def catalogue(shop: Path) -> Catalogue:
    return load_catalogue(find_workspace(shop))


def test_json_matches_the_reference(shop: Path, rows: list[dict[str, Any]]) -> None:
    steps = ["context_ad", "product_page", "cart", "checkout"]
    for mode, window in [("ordered", None), ("strict", None), ("any", "30d")]:
        args = ["--steps", ",".join(steps), "--mode", mode, "--json"]
        if window:
            args += ["--window", window]
        code, out, err = run(shop, *args)
        assert code == 0, err
        doc = json.loads(out)
        expected = reference(
            rows, [{s} for s in steps], mode, timedelta(days=30) if window else None
        )
        assert [s["customers"] for s in doc["steps"]] == reference_counts(expected, 4)
        assert doc["mode"] == mode
        assert doc["window_seconds"] == (30 * 86_400 if window else None)
        assert [s["key"] for s in doc["steps"]] == steps
        assert doc["breakdown"] is None
        assert {h["step"] for h in doc["time_to_convert"]} == {2, 3, 4}
    assert reference_counts(reference(rows, [{s} for s in steps], "ordered"), 4)[-1] > 0


def test_default_funnel_is_the_journey_stages(
    shop: Path, rows: list[dict[str, Any]], catalogue: Catalogue
) -> None:
    code, out, err = run(shop, "--json")
    assert code == 0, err
    doc = json.loads(out)
    stages = [s.id for s in catalogue.stages_in_order()]
    assert [s["key"] for s in doc["steps"]] == stages
    serving = [{tp.id for tp in catalogue.touchpoints if stage in tp.stages} for stage in stages]
    expected = reference(rows, serving, "ordered")
    assert [s["customers"] for s in doc["steps"]] == reference_counts(expected, 5)
    # stage steps by name, with an exclusion
    code, out, err = run(
        shop, "--stages", "--steps", "search,purchase", "--exclude", "post_purchase", "--json"
    )
    assert code == 0, err
    expected = reference(rows, serving[1:2] + serving[3:4], "ordered", None, serving[4])
    assert [s["customers"] for s in json.loads(out)["steps"]] == reference_counts(expected, 2)


def test_table_and_breakdown(shop: Path, rows: list[dict[str, Any]], catalogue: Catalogue) -> None:
    code, out, err = run(shop, "--steps", "context_ad,product_page", "--by", "channel")
    assert code == 0, err
    expected = reference_counts(reference(rows, [{"context_ad"}, {"product_page"}], "ordered"), 2)
    assert f"1. {catalogue.touchpoint('context_ad').name}" in out
    assert f"2. {catalogue.touchpoint('product_page').name}" in out
    for n in expected:
        assert f" {n:,} " in out
    assert "By channel" in out
    code, out, err = run(shop, "--steps", "context_ad,product_page", "--by", "segment", "--json")
    assert code == 0, err
    breakdown = json.loads(out)["breakdown"]
    firsts = sum(r["customers"] for r in breakdown if r["step"] == 1)
    assert firsts == expected[0]


def test_html_has_both_charts(shop: Path, tmp_path: Path) -> None:
    page = tmp_path / "funnel.html"
    code, _out, err = run(shop, "--steps", "context_ad,product_page,cart", "--html", str(page))
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    assert text.count('"type":"funnel"') == 1
    assert '"type":"bar"' in text
    assert text.count("plotly.js v") == 1  # the library inlined once: opens offline
    assert "chart written" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--window", "3x"], "bad window '3x'"),
        (["--steps", "context_ad,nope"], "unknown touchpoint 'nope'"),
        (["--stages", "--steps", "nope"], "unknown stage 'nope'"),
        (["--steps", " , "], "--steps is empty"),
        (["--mode", "loose"], "unknown funnel mode 'loose'"),
        (["--by", "city"], "unknown breakdown 'city'"),
    ],
)
def test_user_errors_are_one_line(shop: Path, args: list[str], message: str) -> None:
    code, out, err = run(shop, *args)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err
