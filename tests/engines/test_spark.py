"""The Spark engine: a Parquet folder read by local Spark, written through a DuckDB ledger.

Each figure is compared with the same workspace built on DuckDB, an independent path
through different code (DuckDB's own tables, no Parquet, no Spark).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from touchpath.bootstrap import build_demo, ingest_store, init_workspace, publish_import
from touchpath.engines import SparkEngine
from touchpath.errors import TouchpathError
from touchpath.ingest import import_events
from touchpath.summary import summarise


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("spark-demo")
    build_demo(base / "duck", customers=400, seed=3, businesses=["clinic"])
    build_demo(base / "spark", customers=400, seed=3, businesses=["clinic"], engine="spark")
    return base / "duck" / "clinic", base / "spark" / "clinic"


def test_demo_on_spark_summarises_like_duckdb(demos: tuple[Path, Path]) -> None:
    from touchpath.workspace import find_workspace

    duck, spark = (find_workspace(p) for p in demos)
    assert isinstance(spark.engine, SparkEngine)
    a, b = summarise(duck).to_json(), summarise(spark).to_json()
    for doc in (a, b):
        doc.pop("path"), doc.pop("engine")
    assert b == a
    assert a["events"] > 1000


def test_import_into_spark_is_idempotent(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", engine="spark")
    path = tmp_path / "e.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["event_id", "customer_id", "ts", "event_name"])
        w.writerows(
            [[f"e{i}", f"c{i % 3}", f"2025-03-0{1 + i % 5}T10:00:00Z", "x"] for i in range(9)]
        )
        w.writerow(["bad", "c1", "not a time", "x"])
    for expected in (9, 0):
        report = import_events(ingest_store(ws), path)
        publish_import(ws, report.import_id)
        assert (report.imported, report.quarantined) == (expected, 1)
    con = ws.engine.connect(read_only=True)
    events = ws.engine.events(con)
    assert int(con.execute(events.count())) == 9
    assert int(con.execute(events.customer_id.nunique())) == 3
    assert sorted(p.suffix for p in (tmp_path / "ws" / "events").iterdir()) == [".parquet"]


def test_an_empty_spark_store_says_so(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", engine="spark")
    with pytest.raises(TouchpathError, match="no Parquet files"):
        ws.engine.connect(read_only=True)
