"""paths_from_events gives the same path table on Spark as on DuckDB (demo data)."""

from __future__ import annotations

import pandas as pd
import pytest

from touchpath.attribution.paths import paths_from_events
from touchpath.demo.generate import generate


@pytest.mark.parametrize(
    "options",
    [
        {"unit": "channel", "lookback": "30d"},
        {"unit": "touchpoint", "lookback": None, "collapse": False},
        {"unit": "touchpoint", "lookback": "7d", "ages": True},
    ],
)
def test_spark_equals_duckdb(duckdb_events, spark_events, options) -> None:  # type: ignore[no-untyped-def]
    rows = generate("shop", customers=150, seed=5).events.to_pandas()
    duck = paths_from_events(duckdb_events(rows), **options)
    spark = paths_from_events(spark_events(rows), **options)
    assert len(duck) > 10 and duck["conversions"].sum() > 0
    pd.testing.assert_frame_equal(
        spark.reset_index(drop=True), duck.reset_index(drop=True), check_dtype=False
    )
