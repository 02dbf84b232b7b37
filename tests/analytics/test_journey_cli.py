"""``touchpath journey`` and ``touchpath conformance`` on a demo workspace.

The expectations are computed here from the workspace's own files with pandas and plain
Python (the events read straight from DuckDB, the chains from the catalogue).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from cli_support import demo_shop, run
from touchpath.bootstrap import load_catalogue
from touchpath.workspace import find_workspace


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_shop(tmp_path_factory.mktemp("journey"), customers=300, seed=5)


@pytest.fixture(scope="module")
def events(shop: Path) -> pd.DataFrame:
    with duckdb.connect(str(shop / "events.duckdb"), read_only=True) as con:
        frame = con.sql("SELECT customer_id, ts, seq, event_id, touchpoint, channel FROM events")
        return (
            frame.to_arrow_table().to_pandas().sort_values(["customer_id", "ts", "seq", "event_id"])
        )


def pandas_dfg(events: pd.DataFrame, unit: str) -> pd.DataFrame:
    steps = events[events[unit].notna()].copy()
    grouped = steps.groupby("customer_id")
    steps["target"] = grouped[unit].shift(-1)
    steps["gap"] = (grouped["ts"].shift(-1) - steps["ts"]).dt.total_seconds()
    pairs = steps[steps["target"].notna()]
    return (
        pairs.groupby([unit, "target"])
        .agg(
            count=("customer_id", "size"),
            customers=("customer_id", "nunique"),
            median=("gap", "median"),
        )
        .reset_index()
        .rename(columns={unit: "source"})
    )


def test_journey_json_equals_a_pandas_dfg(shop: Path, events: pd.DataFrame) -> None:
    code, out, err = run("--workspace", str(shop), "journey", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["unit"] == "touchpoint" and doc["min_count"] == 1
    want = pandas_dfg(events, "touchpoint").set_index(["source", "target"])
    got = pd.DataFrame(doc["edges"]).set_index(["source", "target"])
    assert sorted(got.index) == sorted(want.index)
    assert (got["count"] == want.loc[got.index, "count"]).all()
    assert (got["customers"] == want.loc[got.index, "customers"]).all()
    assert got["median_seconds"].to_numpy() == pytest.approx(
        want.loc[got.index, "median"].to_numpy()
    )
    first = events[events["touchpoint"].notna()].groupby("customer_id")["touchpoint"].first()
    assert {s["node"]: s["customers"] for s in doc["starts"]} == dict(Counter(first))
    assert doc["customers"] == first.size


def test_journey_by_channel_with_min_count(shop: Path, events: pd.DataFrame) -> None:
    code, out, err = run(
        "--workspace", str(shop), "journey", "--unit", "channel", "--min-count", "20", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    want = pandas_dfg(events, "channel")
    want = want[want["count"] >= 20]
    got = {(e["source"], e["target"]): e["count"] for e in doc["edges"]}
    assert got == {(r.source, r.target): r.count for r in want.itertuples()}
    assert got, "the demo has channel transitions seen at least 20 times"


def test_journey_table_and_html(shop: Path, tmp_path: Path) -> None:
    html = tmp_path / "map.html"
    code, out, err = run("--workspace", str(shop), "journey", "--limit", "5", "--html", str(html))
    assert code == 0, err
    assert "Journey map:" in out and "Starts" in out and "Ends" in out
    names = {tp.name for tp in load_catalogue(find_workspace(shop)).touchpoints}
    assert any(name in out for name in names), "nodes are shown by their catalogue names"
    text = html.read_text(encoding="utf-8")
    assert "plotly" in text.lower() and "Journey map" in text


def test_bad_unit_and_bad_chain_are_one_line_errors(shop: Path) -> None:
    code, _out, err = run("--workspace", str(shop), "journey", "--unit", "stage")
    assert code == 1
    assert "unknown unit 'stage'" in err and "Traceback" not in err
    code, _out, err = run("--workspace", str(shop), "conformance", "--chain", "nope")
    assert code == 1
    assert "unknown chain 'nope'" in err and len(err.strip().splitlines()) == 1


def reference_conformance(events: pd.DataFrame, steps: list[str]) -> tuple[int, int, list[int]]:
    """Entered, followed, reached per step: collapse, anchor at steps[0], greedy match."""
    paths: dict[str, list[str]] = defaultdict(list)
    mapped = events[events["touchpoint"].notna()]
    for customer, tp in zip(mapped["customer_id"], mapped["touchpoint"], strict=True):
        path = paths[customer]
        if not path or path[-1] != tp:
            path.append(tp)
    reached = [0] * len(steps)
    entered = followed = 0
    for path in paths.values():
        if steps[0] not in path:
            continue
        entered += 1
        j = 0
        for tp in path[path.index(steps[0]) :]:
            if j < len(steps) and tp == steps[j]:
                j += 1
        for i in range(j):
            reached[i] += 1
        followed += j == len(steps)
    return entered, followed, reached


def test_conformance_json_equals_a_python_reference(shop: Path, events: pd.DataFrame) -> None:
    code, out, err = run("--workspace", str(shop), "conformance", "--json")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    catalogue = load_catalogue(find_workspace(shop))
    assert [c["chain"] for c in doc["chains"]] == [c.id for c in catalogue.chains]
    for chain, row in zip(catalogue.chains, doc["chains"], strict=True):
        entered, followed, reached = reference_conformance(events, chain.steps)
        assert (row["entered"], row["followed"]) == (entered, followed)
        steps = [s for s in doc["steps"] if s["chain"] == chain.id]
        assert [s["reached"] for s in steps] == reached
        assert sum(s["left_here"] for s in steps) + followed == entered
    designed = {s for c in catalogue.chains for s in c.steps}
    used = events[events["touchpoint"].notna() & ~events["touchpoint"].isin(designed)]
    want = used.groupby("touchpoint").agg(customers=("customer_id", "nunique")).customers
    assert {u["touchpoint"]: u["customers"] for u in doc["undesigned"]} == want.to_dict()


def test_conformance_table_and_html(shop: Path, tmp_path: Path) -> None:
    html = tmp_path / "chains.html"
    code, out, err = run("--workspace", str(shop), "conformance", "--html", str(html))
    assert code == 0, err
    assert "Designed chains" in out and "First deviations" in out
    assert "Touchpoints in use that no chain designs" in out
    assert "Designed chains" in html.read_text(encoding="utf-8")
