"""The directly-follows graph against pm4py, hand-worked logs and a pure-Python reference.

pm4py (a test oracle only, AGPL) orders a case's events by timestamp; the log given to it
has unique timestamps per customer, so its order is ours. Ties in ``ts`` (broken by
``seq``) are checked on a hand-worked log instead. Every test using ``make_events`` runs
on DuckDB and on Spark, against the same independent expectation.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpath.analytics.journey import UNMAPPED, directly_follows
from touchpath.errors import TouchpathError

NODES = ["ad", "site", "chat", "phone", "store"]
T0 = pd.Timestamp("2025-03-01", tz="UTC")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    """120 customers, ~900 events, unique times per customer (µs precision), some unmapped."""
    rng = np.random.default_rng(11)
    rows = []
    for c in range(120):
        n = int(rng.integers(1, 15))
        gaps = rng.integers(1, 3 * 86_400 * 1_000_000, n)  # microseconds, all > 0
        times = T0 + pd.to_timedelta(np.cumsum(gaps), unit="us")
        for ts in times:
            tp = rng.choice([*NODES, None], p=[0.25, 0.3, 0.15, 0.1, 0.1, 0.1])
            rows.append(
                {
                    "customer_id": f"c{c:03d}",
                    "ts": ts,
                    "touchpoint": tp,
                    "channel": rng.choice(["email", "direct", "paid_search"]),
                }
            )
    frame = pd.DataFrame(rows).sample(frac=1.0, random_state=3).reset_index(drop=True)
    frame["event_id"] = [f"e{i}" for i in range(len(frame))]
    return frame  # shuffled: ``seq`` (the row position) says nothing about the order


def pm4py_log(frame: pd.DataFrame, activity: str) -> pd.DataFrame:
    """pm4py's columns, sorted by (case, time): its start/end helpers take the first and
    last row of a case as they stand (only its DFG sorts)."""
    ordered = frame.sort_values(["customer_id", "ts"])
    return pd.DataFrame(
        {
            "case:concept:name": ordered["customer_id"].to_numpy(),
            "concept:name": ordered[activity].to_numpy(),
            "time:timestamp": ordered["ts"].to_numpy(),
        }
    )


@pytest.fixture(scope="module")
def pm4py_results(log: pd.DataFrame) -> dict[str, Any]:
    pm4py = pytest.importorskip("pm4py")
    mapped = pm4py_log(log[log["touchpoint"].notna()], "touchpoint")
    labelled = pm4py_log(log.assign(touchpoint=log["touchpoint"].fillna(UNMAPPED)), "touchpoint")
    channels = pm4py_log(log, "channel")
    results: dict[str, Any] = {}
    for key, frame in (("skip", mapped), ("label", labelled), ("channel", channels)):
        dfg, starts, ends = pm4py.discover_dfg(frame)
        perf, _s, _e = pm4py.discover_performance_dfg(frame)
        results[key] = {
            "dfg": dfg,
            "starts": pm4py.get_start_activities(frame),
            "ends": pm4py.get_end_activities(frame),
            "dfg_starts": starts,
            "dfg_ends": ends,
            "perf": perf,
        }
    return results


def edge_counts(jm: Any) -> dict[tuple[str, str], int]:
    return {(r.source, r.target): int(r.count) for r in jm.edges.itertuples()}


def node_counts(frame: pd.DataFrame) -> dict[str, int]:
    return dict(zip(frame["node"], frame["customers"].astype(int), strict=True))


def assert_equals_pm4py(jm: Any, want: dict[str, Any]) -> None:
    assert edge_counts(jm) == {k: int(v) for k, v in want["dfg"].items()}
    assert node_counts(jm.starts) == {k: int(v) for k, v in want["starts"].items()}
    assert node_counts(jm.ends) == {k: int(v) for k, v in want["ends"].items()}
    assert node_counts(jm.starts) == {k: int(v) for k, v in want["dfg_starts"].items()}
    for row in jm.edges.itertuples():
        perf = want["perf"][(row.source, row.target)]
        assert row.median_seconds == pytest.approx(float(perf["median"]), rel=1e-9, abs=1e-6)
        assert row.mean_seconds == pytest.approx(float(perf["mean"]), rel=1e-9, abs=1e-6)


@pytest.mark.parametrize(("key", "unit"), [("skip", "touchpoint"), ("channel", "channel")])
def test_counts_starts_ends_and_times_equal_pm4py(
    make_events: Any, log: pd.DataFrame, pm4py_results: dict[str, Any], key: str, unit: str
) -> None:
    assert_equals_pm4py(directly_follows(make_events(log), unit=unit), pm4py_results[key])


def test_unmapped_kept_as_a_node_equals_pm4py(
    duckdb_events: Any, log: pd.DataFrame, pm4py_results: dict[str, Any]
) -> None:
    jm = directly_follows(duckdb_events(log), keep_unmapped=True)
    assert_equals_pm4py(jm, pm4py_results["label"])


def test_skipping_unmapped_joins_the_touchpoints_around_them(
    duckdb_events: Any, log: pd.DataFrame
) -> None:
    skipped = directly_follows(duckdb_events(log))
    kept = directly_follows(duckdb_events(log), keep_unmapped=True)
    assert UNMAPPED not in set(skipped.nodes["node"])
    assert UNMAPPED in set(kept.nodes["node"])
    mapped_customers = log.loc[log["touchpoint"].notna(), "customer_id"].nunique()
    assert skipped.customers == mapped_customers
    assert kept.customers == log["customer_id"].nunique()


def hand_rows() -> list[dict[str, Any]]:
    """Customer a: ties at 10:00 broken by seq (not by the order of the rows)."""
    return [
        # a: 10:00 site(seq 5), 10:00 ad(seq 2) -> ad, site; then chat at 10:00:30,
        # site at 10:01:30, chat 10:02:00, (unmapped) 10:03, chat 10:05:00
        {"customer_id": "a", "ts": "2025-01-01 10:00:00", "touchpoint": "site", "seq": 5},
        {"customer_id": "a", "ts": "2025-01-01 10:00:00", "touchpoint": "ad", "seq": 2},
        {"customer_id": "a", "ts": "2025-01-01 10:00:30", "touchpoint": "chat", "seq": 6},
        {"customer_id": "a", "ts": "2025-01-01 10:01:30", "touchpoint": "site", "seq": 7},
        {"customer_id": "a", "ts": "2025-01-01 10:02:00", "touchpoint": "chat", "seq": 8},
        {"customer_id": "a", "ts": "2025-01-01 10:03:00", "touchpoint": None, "seq": 9},
        {"customer_id": "a", "ts": "2025-01-01 10:05:00", "touchpoint": "chat", "seq": 10},
        # b: site 12:00, chat 12:01:00 (60 s), then alone in a tie: phone(seq 1) before
        # site(seq 3) at 13:00
        {"customer_id": "b", "ts": "2025-01-02 12:00:00", "touchpoint": "site", "seq": 0},
        {"customer_id": "b", "ts": "2025-01-02 12:01:00", "touchpoint": "chat", "seq": 4},
        {"customer_id": "b", "ts": "2025-01-02 13:00:00", "touchpoint": "site", "seq": 3},
        {"customer_id": "b", "ts": "2025-01-02 13:00:00", "touchpoint": "phone", "seq": 1},
        # c: one event only: starts and ends at ad, no edge
        {"customer_id": "c", "ts": "2025-01-03 09:00:00", "touchpoint": "ad", "seq": 11},
    ]


def test_hand_worked_ties_times_and_positions(make_events: Any) -> None:
    jm = directly_follows(make_events(hand_rows()))
    # a: ad -0s-> site -30s-> chat -60s-> site -30s-> chat -180s-> chat
    # b: site -60s-> chat -3540s-> phone -0s-> site
    want = {
        ("ad", "site"): (1, 1, 0.0, 0.0),
        ("site", "chat"): (3, 2, 30.0, 40.0),  # 30, 30, 60
        ("chat", "site"): (1, 1, 60.0, 60.0),
        ("chat", "chat"): (1, 1, 180.0, 180.0),
        ("chat", "phone"): (1, 1, 3540.0, 3540.0),
        ("phone", "site"): (1, 1, 0.0, 0.0),
    }
    got = {
        (r.source, r.target): (int(r.count), int(r.customers), r.median_seconds, r.mean_seconds)
        for r in jm.edges.itertuples()
    }
    assert got == want
    assert node_counts(jm.starts) == {"ad": 2, "site": 1}
    assert node_counts(jm.ends) == {"chat": 1, "site": 1, "ad": 1}
    nodes = jm.nodes.set_index("node")
    assert nodes.loc["chat", "touches"] == 4
    assert nodes.loc["chat", "repeats"] == 1
    # positions (1-based): a: ad1 site2 chat3 site4 chat5 chat6; b: site1 chat2 phone3 site4; c: ad1
    assert nodes.loc["site", "avg_position"] == pytest.approx((2 + 4 + 1 + 4) / 4)
    assert nodes.loc["chat", "avg_position"] == pytest.approx((3 + 5 + 6 + 2) / 4)
    assert nodes.loc["ad", "avg_position"] == pytest.approx(1.0)
    assert list(jm.edges["count"]) == sorted(jm.edges["count"], reverse=True)


def test_median_of_an_even_number_of_gaps_is_interpolated(make_events: Any) -> None:
    rows = []
    for i, gap in enumerate([10, 20, 40, 90]):  # four customers, one x -> y each
        start = pd.Timestamp("2025-01-01 08:00", tz="UTC") + pd.Timedelta(days=i)
        rows.append({"customer_id": f"k{i}", "ts": start, "touchpoint": "x"})
        end = start + pd.Timedelta(seconds=gap, microseconds=250)
        rows.append({"customer_id": f"k{i}", "ts": end, "touchpoint": "y"})
    edge = directly_follows(make_events(rows)).edges.iloc[0]
    assert (edge.source, edge.target, edge["count"], edge.customers) == ("x", "y", 4, 4)
    assert edge.median_seconds == pytest.approx(30.00025, abs=1e-9)
    assert edge.mean_seconds == pytest.approx(40.00025, abs=1e-9)


def test_an_unknown_unit_is_a_user_error(duckdb_events: Any) -> None:
    with pytest.raises(TouchpathError, match="unknown unit 'stage'"):
        directly_follows(duckdb_events(hand_rows()), unit="stage")


def test_top_edges_and_figure_keep_only_the_edges_asked_for(duckdb_events: Any) -> None:
    jm = directly_follows(duckdb_events(hand_rows()))
    assert set(map(tuple, jm.top_edges(min_count=2)[["source", "target"]].to_numpy())) == {
        ("site", "chat")
    }
    assert len(jm.top_edges(max_edges=2)) == 2
    figure = jm.figure(min_count=1, labels={"site": "Сайт"})
    arrows = [a for a in figure.layout.annotations if a.showarrow]
    assert len(arrows) == 5  # six edges, the chat -> chat repeat is not drawn
    nodes = figure.data[-1]
    assert sorted(nodes.text) == sorted(["Сайт", "ad", "chat", "phone"])
    hover = " ".join(figure.data[0].hovertext)
    assert "Сайт → chat" in hover and "transitions: 3" in hover


# ---------------------------------------------------------------- property test


def reference_dfg(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A pure-Python DFG: sort by (ts, seq, event_id), skip unmapped, pair neighbours."""
    by_customer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["touchpoint"] is not None:
            by_customer[r["customer_id"]].append(r)
    gaps: dict[tuple[str, str], list[float]] = defaultdict(list)
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    starts: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    positions: dict[str, list[int]] = defaultdict(list)
    for customer, events in by_customer.items():
        events.sort(key=lambda r: (r["ts"], r["seq"], r["event_id"]))
        starts[events[0]["touchpoint"]] += 1
        ends[events[-1]["touchpoint"]] += 1
        for i, r in enumerate(events, start=1):
            positions[r["touchpoint"]].append(i)
        for a, b in itertools.pairwise(events):
            key = (a["touchpoint"], b["touchpoint"])
            gaps[key].append((b["ts"] - a["ts"]).total_seconds())
            who[key].add(customer)
    edges = {
        k: (len(v), len(who[k]), statistics.median(v), statistics.fmean(v)) for k, v in gaps.items()
    }
    avg = {n: statistics.fmean(p) for n, p in positions.items()}
    return {"edges": edges, "starts": dict(starts), "ends": dict(ends), "avg_position": avg}


event_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d"]),  # customer
        st.integers(0, 6),  # minute: few values, so ties are common
        st.sampled_from(["x", "y", "z", None]),
    ),
    min_size=0,
    max_size=30,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=event_rows, seqs=st.randoms(use_true_random=False))
def test_dfg_equals_a_pure_python_reference(duckdb_events: Any, raw: list[Any], seqs: Any) -> None:
    order = list(range(len(raw)))
    seqs.shuffle(order)  # the ingestion order is unrelated to the time order
    rows = [
        {
            "event_id": f"e{i}",
            "customer_id": c,
            "ts": T0 + pd.Timedelta(minutes=m),
            "touchpoint": tp,
            "seq": order[i],
        }
        for i, (c, m, tp) in enumerate(raw)
    ]
    want = reference_dfg(rows)
    jm = directly_follows(duckdb_events(rows))
    got = {
        (r.source, r.target): (int(r.count), int(r.customers), r.median_seconds, r.mean_seconds)
        for r in jm.edges.itertuples()
    }
    assert got.keys() == want["edges"].keys()
    for key, (count, customers, median, mean) in want["edges"].items():
        assert got[key][:2] == (count, customers)
        assert got[key][2] == pytest.approx(median)
        assert got[key][3] == pytest.approx(mean)
    assert node_counts(jm.starts) == want["starts"]
    assert node_counts(jm.ends) == want["ends"]
    got_avg = dict(zip(jm.nodes["node"], jm.nodes["avg_position"], strict=True))
    assert got_avg == pytest.approx(want["avg_position"])
