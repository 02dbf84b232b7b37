"""Touchpoint statistics: a hand-worked example, a pure-Python reference, engine parity."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpath.analytics.paths import UNMAPPED
from touchpath.analytics.touchpoint_stats import STAT_COLUMNS, touchpoint_stats

Rows = list[dict[str, Any]]
MakeEvents = Callable[[Sequence[Mapping[str, Any]] | pd.DataFrame], ibis.Table]


def ev(customer: str, ts: str, seq: int, tp: str | None, conv: bool = False) -> dict[str, Any]:
    return {
        "customer_id": customer,
        "ts": f"2025-03-01 {ts}",
        "seq": seq,
        "touchpoint": tp,
        "is_conversion": conv,
    }


# whole histories (ties at 10:00 and 12:00 broken by seq):
# a: site ad site site checkout review (converted)   b: ad   c: ad (unmapped) site
# d: ad site                                          e: ad site site
ROWS: Rows = [
    ev("a", "10:00", 2, "ad"),
    ev("a", "10:00", 1, "site"),
    ev("a", "10:05", 3, "site"),
    ev("a", "10:06", 4, "site"),
    ev("a", "10:10", 5, "checkout", conv=True),
    ev("a", "11:00", 6, "review"),
    ev("b", "09:00", 7, "ad"),
    ev("c", "09:00", 8, "ad"),
    ev("c", "09:01", 9, None),
    ev("c", "09:02", 10, "site"),
    ev("d", "12:00", 12, "site"),
    ev("d", "12:00", 11, "ad"),
    ev("e", "08:00", 13, "ad"),
    ev("e", "08:30", 14, "site"),
    ev("e", "08:40", 15, "site"),
]

# touchpoint: customers, touches, converted, first positions (collapsed paths),
# first touch, last touch, dropped after
HAND = {
    "ad": (5, 5, 1, [2, 1, 1, 1, 1], 4, 1, 1),
    "site": (4, 7, 1, [1, 3, 2, 2], 1, 3, 3),
    "checkout": (1, 1, 1, [4], 0, 0, 0),
    "review": (1, 1, 1, [5], 0, 1, 0),
    UNMAPPED: (1, 1, 0, [2], 0, 0, 0),
}


def test_hand_worked_example(make_events: MakeEvents) -> None:
    result = touchpoint_stats(make_events(ROWS))
    assert result.customers == 5
    got = result.stats.set_index("touchpoint")
    assert result.stats.touchpoint.tolist() == ["ad", "site", UNMAPPED, "checkout", "review"]
    for tp, (customers, touches, conv, positions, first, last, dropped) in HAND.items():
        row = got.loc[tp]
        assert (row.customers, row.touches, row.converted) == (customers, touches, conv), tp
        assert (row.first_touch, row.last_touch, row.dropped_after) == (first, last, dropped), tp
        assert row.reach == customers / 5
        assert row.conversion_rate == conv / customers
        assert row.avg_position == pytest.approx(sum(positions) / len(positions))
        assert row.first_share == first / 5 and row.last_share == last / 5
        assert row.dropoff_rate == dropped / customers


def test_without_collapse_every_event_is_a_step(duckdb_events: MakeEvents) -> None:
    got = touchpoint_stats(duckdb_events(ROWS), collapse=False).stats.set_index("touchpoint")
    # a: site ad site site checkout review — checkout is step 5, review step 6
    assert got.loc["checkout", "avg_position"] == 5
    assert got.loc["review", "avg_position"] == 6
    assert got.loc["site", "avg_position"] == pytest.approx((1 + 3 + 2 + 2) / 4)
    assert got.loc["site", "touches"] == 7


def test_empty_table(duckdb_events: MakeEvents) -> None:
    result = touchpoint_stats(duckdb_events(ROWS[:1]).limit(0))
    assert result.stats.empty and result.customers == 0
    assert list(result.stats.columns) == STAT_COLUMNS
    assert result.to_json() == {"customers": 0, "collapse": True, "touchpoints": []}


# ---------------------------------------------------------------- the pure-Python reference


def reference_stats(rows: Rows, *, collapse: bool) -> dict[str, dict[str, float]]:
    """Per touchpoint, every column, straight from the documented definitions."""
    per: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        per.setdefault(row["customer_id"], []).append(row)
    total = len(per)
    acc: dict[str, dict[str, Any]] = {}
    for customer, evs in per.items():
        evs = sorted(evs, key=lambda e: (pd.Timestamp(e["ts"]), e["seq"]))
        converted = any(e["is_conversion"] for e in evs)
        units = [e["touchpoint"] if e["touchpoint"] is not None else UNMAPPED for e in evs]
        for u in units:
            acc.setdefault(u, {"touches": 0, "customers": set(), "positions": {}})
            acc[u]["touches"] += 1
        path = (
            [u for i, u in enumerate(units) if i == 0 or u != units[i - 1]] if collapse else units
        )
        for pos, u in enumerate(path, start=1):
            acc[u]["positions"].setdefault(customer, pos)
        acc[path[0]].setdefault("first", 0)
        acc[path[0]]["first"] += 1
        acc[path[-1]].setdefault("last", 0)
        acc[path[-1]]["last"] += 1
        if not converted:
            acc[path[-1]].setdefault("dropped", 0)
            acc[path[-1]]["dropped"] += 1
        for u in set(units):
            acc[u].setdefault("converted", 0)
            acc[u]["converted"] += int(converted)
    out: dict[str, dict[str, float]] = {}
    for u, a in acc.items():
        customers = len(a["positions"])
        out[u] = {
            "customers": customers,
            "reach": customers / total,
            "touches": a["touches"],
            "converted": a.get("converted", 0),
            "conversion_rate": a.get("converted", 0) / customers,
            "avg_position": sum(a["positions"].values()) / customers,
            "first_touch": a.get("first", 0),
            "first_share": a.get("first", 0) / total,
            "last_touch": a.get("last", 0),
            "last_share": a.get("last", 0) / total,
            "dropped_after": a.get("dropped", 0),
            "dropoff_rate": a.get("dropped", 0) / customers,
        }
    return out


event_rows = st.lists(
    st.fixed_dictionaries(
        {
            "customer_id": st.sampled_from(["c1", "c2", "c3", "c4", "c5"]),
            "ts": st.integers(0, 4).map(lambda m: f"2025-01-01 10:0{m}"),  # many ties
            "touchpoint": st.sampled_from(["a", "b", "c", None]),
            "is_conversion": st.sampled_from([False, False, False, True]),
        }
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=event_rows, collapse=st.booleans())
def test_equal_the_reference(duckdb_events: MakeEvents, rows: Rows, collapse: bool) -> None:
    rows = [{**r, "seq": i} for i, r in enumerate(rows)]
    result = touchpoint_stats(duckdb_events(rows), collapse=collapse)
    want = reference_stats(rows, collapse=collapse)
    got = result.stats.set_index("touchpoint")
    assert sorted(got.index) == sorted(want)
    assert result.customers == len({r["customer_id"] for r in rows})
    for tp, columns in want.items():
        for column, value in columns.items():
            assert got.loc[tp, column] == pytest.approx(value), (tp, column)
    assert got.first_share.sum() == pytest.approx(1.0)
    assert got.last_share.sum() == pytest.approx(1.0)
    assert list(result.stats.customers) == sorted(result.stats.customers, reverse=True)


def test_duckdb_and_spark_give_identical_frames(
    duckdb_events: MakeEvents, spark_con: ibis.BaseBackend, tmp_path: Path
) -> None:
    from touchpath.demo.generate import generate

    on_duckdb = duckdb_events(generate("clinic", customers=150, seed=5).events.to_pandas())
    file = tmp_path / "events.parquet"
    pq.write_table(on_duckdb.to_pyarrow(), file)
    on_spark = spark_con.read_parquet(str(file), table_name="touchpoint_stats_parity")
    a, b = touchpoint_stats(on_duckdb), touchpoint_stats(on_spark)
    pd.testing.assert_frame_equal(a.stats, b.stats)
    assert a.to_json() == b.to_json()
    assert a.customers == 150
