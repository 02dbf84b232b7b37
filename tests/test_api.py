"""The Python API on a small demo, each figure recomputed independently with pandas."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

import touchpath
from touchpath.bootstrap import build_demo


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("api")
    build_demo(base / "demo", customers=600, seed=11, businesses=["shop"])
    return base / "demo"


@pytest.fixture(scope="module")
def frame(root: Path) -> pd.DataFrame:
    with duckdb.connect(str(root / "shop" / "events.duckdb"), read_only=True) as con:
        return con.sql(
            "SELECT customer_id, touchpoint, epoch_us(ts) AS ts, seq, is_conversion "
            "FROM events ORDER BY customer_id, ts, seq"
        ).df()


def test_workspace_opens_a_group_and_reads_its_catalogue(root: Path) -> None:
    ws = touchpath.Workspace(root)
    assert ws.folder.root == (root / "shop").resolve()
    assert "product_page" in {tp.id for tp in ws.catalogue.touchpoints}
    with ws.events() as events:
        assert "seq" in events.columns


def test_funnel_first_step_is_everyone_who_touched_it(root: Path, frame: pd.DataFrame) -> None:
    result = touchpath.Workspace(root).funnel(["product_page", "cart"])
    want = frame.loc[frame.touchpoint == "product_page", "customer_id"].nunique()
    assert int(result.steps["customers"].iloc[0]) == want


def test_journey_counts_every_transition(root: Path, frame: pd.DataFrame) -> None:
    mapped = frame[frame.touchpoint.notna()]
    nxt = mapped.groupby("customer_id").touchpoint.shift(-1)
    want = (
        pd.DataFrame({"source": mapped.touchpoint, "target": nxt})
        .dropna()
        .value_counts()
        .rename("count")
        .reset_index()
    )
    got = touchpath.Workspace(root).journey().edges[["source", "target", "count"]]
    merged = want.merge(got, on=["source", "target"], how="outer", suffixes=("_want", "_got"))
    assert (merged["count_want"] == merged["count_got"]).all(), merged


def test_touchpoints_customers(root: Path, frame: pd.DataFrame) -> None:
    stats = touchpath.Workspace(root).touchpoints().stats.set_index("touchpoint")
    want = frame.dropna(subset=["touchpoint"]).groupby("touchpoint").customer_id.nunique()
    assert stats["customers"].astype(int).sort_index().to_dict() == want.sort_index().to_dict()


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = touchpath.NoSuchThing  # type: ignore[attr-defined]


def test_funnel_by_segment_reads_the_store_customers(root: Path) -> None:
    with duckdb.connect(str(root / "shop" / "events.duckdb"), read_only=True) as con:
        segments = con.sql(
            "SELECT c.segment, count(DISTINCT e.customer_id) AS n FROM events e "
            "JOIN customers c USING (customer_id) WHERE e.touchpoint = 'product_page' "
            "GROUP BY ALL"
        ).df()
    result = touchpath.Workspace(root).funnel(["product_page", "cart"], by="segment")
    first = result.breakdown[result.breakdown["step"] == 1].set_index("group")["customers"]
    want = segments.set_index("segment")["n"]
    assert first.astype(int).to_dict() == want.astype(int).to_dict()
