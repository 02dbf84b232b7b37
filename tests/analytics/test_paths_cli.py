"""`touchpath paths` and `touchpath touchpoints` on a small demo workspace.

Figures in the JSON documents are checked against pandas reading the workspace's events
file directly (customers, conversions, touches per touchpoint) — not against the library.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from cli_support import demo_shop, run


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_shop(tmp_path_factory.mktemp("paths-demo"), customers=300, seed=4)


@pytest.fixture(scope="module")
def events(shop: Path) -> pd.DataFrame:
    con = duckdb.connect(str(next(shop.glob("*.duckdb"))), read_only=True)
    try:
        return con.sql("SELECT customer_id, touchpoint, is_conversion FROM events").df()
    finally:
        con.close()


def run_json(shop: Path, *args: str) -> Any:
    code, out, err = run("--workspace", str(shop), *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_paths_table(shop: Path) -> None:
    code, out, err = run("--workspace", str(shop), "paths", "--top", "5", "--sankey", "3")
    assert code == 0, err
    assert "Top paths" in out and "Sankey of the first 3 steps" in out
    assert "drop-off" in out


def test_paths_json_document(shop: Path, events: pd.DataFrame) -> None:
    doc = run_json(shop, "paths", "--top", "1000")
    assert doc["customers"] == events.customer_id.nunique()
    assert sum(p["customers"] for p in doc["paths"]) == doc["customers"]
    assert len(doc["paths"]) == doc["variants"]
    assert doc["options"] == {
        "by": "touchpoint",
        "collapse": True,
        "max_length": None,
        "keep": "first",
        "from": None,
        "to": None,
    }
    converted = events[events.is_conversion].customer_id.nunique()
    assert sum(p["converted"] for p in doc["paths"]) == converted
    # collapsed: no step repeats the one before it
    assert all(a != b for p in doc["paths"] for a, b in zip(p["path"], p["path"][1:], strict=False))

    conv = run_json(shop, "paths", "--kind", "converted", "--max-length", "2", "--keep", "last")
    assert conv["customers"] == converted
    assert all(len(p["path"]) <= 2 and p["conversion_rate"] == 1.0 for p in conv["paths"])
    assert conv["options"]["max_length"] == 2 and conv["options"]["keep"] == "last"


def test_paths_json_with_sankey_and_anchor(shop: Path, events: pd.DataFrame) -> None:
    doc = run_json(shop, "paths", "--from", "cart", "--by", "stage", "--sankey", "2")
    cart_customers = events[events.touchpoint == "cart"].customer_id.nunique()
    assert doc["customers"] == cart_customers
    sankey = doc["sankey"]
    assert sankey["customers"] == cart_customers
    first = [n for n in sankey["nodes"] if n["step"] == 1]
    assert [n["unit"] for n in first] == ["purchase"]  # cart's first stage
    assert sum(n["customers"] for n in first) == cart_customers
    terminal = {n["node"] for n in sankey["nodes"] if n["kind"] in ("conversion", "drop-off")}
    ends = sum(lk["customers"] for lk in sankey["links"] if lk["target"] in terminal)
    assert ends + sankey["beyond"] == cart_customers  # each one ends within 2 steps or goes on
    converted = set(events[events.is_conversion].customer_id)
    cart = set(events[events.touchpoint == "cart"].customer_id)
    assert sum(p["converted"] for p in doc["paths"]) <= len(cart & converted)


def test_paths_html(shop: Path, tmp_path: Path) -> None:
    bars, flows = tmp_path / "paths.html", tmp_path / "sankey.html"
    code, _out, err = run("--workspace", str(shop), "paths", "--html", str(bars))
    assert code == 0, err
    assert "Top paths" in bars.read_text(encoding="utf-8")
    code, _out, err = run("--workspace", str(shop), "paths", "--sankey", "4", "--html", str(flows))
    assert code == 0, err
    text = flows.read_text(encoding="utf-8")
    assert '"type":"sankey"' in text.replace(" ", "") and "first 4 steps" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "won"], "unknown value 'won' for --kind"),
        (["--by", "city"], "unknown value 'city' for --by"),
        (["--from", "nowhere"], "unknown touchpoint 'nowhere'"),
        (["--max-length", "0"], "--max-length must be at least 1"),
        (["--keep", "middle"], "unknown value 'middle' for --keep"),
        (["--sankey", "0"], "--sankey must be at least 1"),
    ],
)
def test_paths_bad_options_are_one_line(shop: Path, args: list[str], message: str) -> None:
    code, out, err = run("--workspace", str(shop), "paths", *args)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_touchpoints_table_json_and_html(shop: Path, events: pd.DataFrame, tmp_path: Path) -> None:
    total = events.customer_id.nunique()
    code, out, err = run("--workspace", str(shop), "touchpoints")
    assert code == 0, err
    assert f"Touchpoints ({total} customers)" in out
    doc = run_json(shop, "touchpoints")
    assert doc["customers"] == total
    rows = {r["touchpoint"]: r for r in doc["touchpoints"]}
    mapped = events.dropna(subset=["touchpoint"])
    want = mapped.groupby("touchpoint").agg(
        customers=("customer_id", "nunique"), touches=("customer_id", "size")
    )
    for tp, w in want.iterrows():
        assert rows[tp]["customers"] == w.customers and rows[tp]["touches"] == w.touches
        assert rows[tp]["reach"] == pytest.approx(w.customers / total)
    converted = set(events[events.is_conversion].customer_id)
    checkout = set(events[events.touchpoint == "checkout"].customer_id)
    assert rows["checkout"]["converted"] == len(checkout & converted)
    assert sum(r["first_touch"] for r in rows.values()) == total
    page = tmp_path / "touchpoints.html"
    code, _out, err = run("--workspace", str(shop), "touchpoints", "--html", str(page))
    assert code == 0, err
    assert "Touchpoints: reach and conversion" in page.read_text(encoding="utf-8")
