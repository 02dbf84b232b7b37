"""Funnels against hand-worked examples and a small pure-Python reference, on both engines."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpath.analytics.funnels import (
    BIN_EDGES,
    FunnelError,
    Step,
    funnel,
    parse_window,
    plan_funnel,
)
from touchpath.model import Catalogue, Touchpoint

MakeEvents = Callable[[Sequence[Mapping[str, Any]] | pd.DataFrame], ibis.Table]

# --- the reference: one customer at a time, events in a Python list -----------------------


@dataclass(frozen=True)
class Ev:
    ts: datetime
    seq: int
    event_id: str
    touchpoint: str | None


def reference(
    rows: Sequence[Mapping[str, Any]],
    steps: Sequence[set[str]],
    mode: str,
    window: timedelta | None = None,
    exclusions: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, list[float]]:
    """Customer → seconds from entry to each reached step (the first is 0), per the docs."""
    by_customer: dict[str, list[Ev]] = {}
    for i, row in enumerate(rows):
        ev = Ev(
            _utc(row["ts"]),
            row.get("seq", i),
            row.get("event_id", f"e{i}"),
            row.get("touchpoint"),
        )
        by_customer.setdefault(row["customer_id"], []).append(ev)
    out: dict[str, list[float]] = {}
    for customer, evs in by_customer.items():
        evs.sort(key=lambda e: (e.ts, e.seq, e.event_id))
        starts = [e for e in evs if e.touchpoint in steps[0]]
        if not starts:
            continue
        entry = starts[0]
        chosen = [entry]

        def inside(e: Ev, entry: Ev = entry) -> bool:
            return window is None or e.ts <= entry.ts + window

        if mode == "strict":
            at = evs.index(entry)
            for i, step in enumerate(steps[1:], start=1):
                if at + i >= len(evs):
                    break
                nxt = evs[at + i]
                if nxt.touchpoint not in step or not inside(nxt):
                    break
                chosen.append(nxt)
        else:
            for step in steps[1:]:
                lower = chosen[-1].ts if mode == "ordered" else entry.ts
                found = [
                    e
                    for e in evs
                    if e.touchpoint in step and e.ts >= lower and inside(e) and e not in chosen
                ]
                if not found:
                    break
                chosen.append(found[0])  # evs is sorted: the first is the earliest
        if exclusions:
            converted = len(chosen) == len(steps)
            end = chosen[-1].ts if converted else (entry.ts + window if window else None)
            if any(
                e.touchpoint in exclusions
                and e not in chosen
                and e.ts >= entry.ts
                and (end is None or e.ts <= end)
                for e in evs
            ):
                continue
        out[customer] = [(e.ts - entry.ts).total_seconds() for e in chosen]
    return out


def _utc(value: Any) -> datetime:
    stamp = pd.Timestamp(value)
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).to_pydatetime()


def reference_counts(reached: Mapping[str, list[float]], k: int) -> list[int]:
    return [sum(1 for r in reached.values() if len(r) > i) for i in range(k)]


def quantile(values: list[float], q: float) -> float | None:
    return float(np.quantile(values, q)) if values else None


def matching(ids: set[str]) -> Step:
    chosen = tuple(sorted(ids))
    return Step.where(lambda t: t.touchpoint.isin(chosen))


# --- hand-worked examples ------------------------------------------------------------------

DAY = "2025-01-01"


def ev(customer: str, ts: str, touchpoint: str, **extra: Any) -> dict[str, Any]:
    return {
        "customer_id": customer,
        "ts": ts,
        "touchpoint": touchpoint,
        "channel": "direct",
        **extra,
    }


# Steps a → b → c. Rows are in seq order (seq = position), so "tie" records b before a.
HAND = [
    ev("straight", f"{DAY} 10:00", "a", channel="email"),
    ev("straight", f"{DAY} 11:00", "b"),
    ev("straight", f"{DAY} 12:00", "c"),
    ev("between", f"{DAY} 10:00", "a"),
    ev("between", f"{DAY} 10:30", "x"),
    ev("between", f"{DAY} 11:00", "b"),
    ev("between", f"{DAY} 12:00", "c"),
    ev("tie", f"{DAY} 10:00", "b"),
    ev("tie", f"{DAY} 10:00", "a"),
    ev("tie", f"{DAY} 10:00", "c"),
    ev("single", f"{DAY} 10:00", "a"),
    ev("swap", f"{DAY} 10:00", "a"),
    ev("swap", f"{DAY} 11:00", "c"),
    ev("swap", f"{DAY} 12:00", "b"),
    ev("late", f"{DAY} 10:00", "a"),
    ev("late", "2025-02-10 10:00", "b"),
    ev("late", "2025-02-11 10:00", "c"),
    ev("reverse", f"{DAY} 09:00", "c"),
    ev("reverse", f"{DAY} 09:30", "b"),
    ev("reverse", f"{DAY} 10:00", "a"),
    ev("reverse", f"{DAY} 10:30", "c"),
    ev("noentry", f"{DAY} 10:00", "b"),
    ev("noentry", f"{DAY} 11:00", "c"),
]


@pytest.mark.parametrize(
    ("mode", "window", "expected"),
    [
        # straight 3, between 3, tie 3 (b and c share a's instant), single 1, swap 2,
        # late 3, reverse 1 (its b came before a); noentry never enters.
        ("ordered", None, [7, 5, 4]),
        # late's b is 40 days after a: outside 30 days.
        ("ordered", "30d", [7, 4, 3]),
        # the very next event must match: straight and late only (tie's next is c).
        ("strict", None, [7, 2, 2]),
        # swap's c (11:00) and b (12:00) both follow a: any order reaches 3.
        ("any", None, [7, 5, 5]),
    ],
)
def test_hand_worked_counts(
    duckdb_events: MakeEvents, mode: str, window: str | None, expected: list[int]
) -> None:
    result = funnel(duckdb_events(HAND), ["a", "b", "c"], mode=mode, window=window)
    assert result.steps["customers"].tolist() == expected
    assert result.steps["step"].tolist() == [1, 2, 3]
    assert result.steps["label"].tolist() == ["a", "b", "c"]
    n1, n2, n3 = expected
    assert result.steps["conversion_from_previous"].tolist() == pytest.approx([1, n2 / n1, n3 / n2])
    assert result.steps["conversion_from_first"].tolist() == pytest.approx([1, n2 / n1, n3 / n1])
    assert result.steps["drop_off"].tolist() == [0, n1 - n2, n2 - n3]
    assert result.steps["drop_off_rate"].tolist() == pytest.approx([0, 1 - n2 / n1, 1 - n3 / n2])


def test_hand_worked_times(duckdb_events: MakeEvents) -> None:
    result = funnel(duckdb_events(HAND), ["a", "b", "c"])
    steps = result.steps
    assert math.isnan(steps.loc[0, "median_seconds"])
    # step 2 from a: straight 1 h, between 1 h, tie 0, swap 2 h, late 40 days
    # sorted 0, 3600, 3600, 7200, 3456000: median 3600, p90 at 3.6 → 7200 + 0.6 × 3448800
    assert steps.loc[1, "median_seconds"] == pytest.approx(3600)
    assert steps.loc[1, "p90_seconds"] == pytest.approx(7200 + 0.6 * (3_456_000 - 7200))
    # step 3: 0, 7200, 7200, 41 days → median 7200, p90 at 2.7 → 7200 + 0.7 × (3542400 − 7200)
    assert steps.loc[2, "median_seconds"] == pytest.approx(7200)
    assert steps.loc[2, "p90_seconds"] == pytest.approx(7200 + 0.7 * (3_542_400 - 7200))
    hist = result.histogram
    last = hist[hist["step"] == 3].set_index("bin")["customers"]
    assert last.sum() == 4
    assert last[0] == 1  # tie: 0 s
    assert last[3] == 2  # 1–6 h: straight, between
    assert last[9] == 1  # 30–90 days: late
    assert len(hist) == 2 * len(BIN_EDGES)


def test_single_step_and_repeated_touchpoint(duckdb_events: MakeEvents) -> None:
    rows = [
        ev("once", f"{DAY} 10:00", "a"),
        ev("twice", f"{DAY} 10:00", "a"),
        ev("twice", f"{DAY} 10:00", "a"),  # the same instant: still a second visit
        ev("thrice", f"{DAY} 10:00", "a"),
        ev("thrice", f"{DAY} 11:00", "a"),
        ev("thrice", f"{DAY} 12:00", "a"),
    ]
    events = duckdb_events(rows)
    assert funnel(events, ["a"]).steps["customers"].tolist() == [3]
    assert funnel(events, ["a", "a", "a"]).steps["customers"].tolist() == [3, 2, 1]
    assert funnel(events, ["a", "a", "a"], mode="any").steps["customers"].tolist() == [3, 2, 1]
    assert funnel(events, ["a", "a"], mode="strict").steps["customers"].tolist() == [3, 2]


EXCLUDING = [
    # a → b → c with exclusion x
    ev("clean", f"{DAY} 10:00", "a"),
    ev("clean", f"{DAY} 11:00", "b"),
    ev("clean", f"{DAY} 12:00", "c"),
    ev("between", f"{DAY} 10:00", "a"),
    ev("between", f"{DAY} 10:30", "x"),
    ev("between", f"{DAY} 11:00", "b"),
    ev("between", f"{DAY} 12:00", "c"),
    ev("after", f"{DAY} 10:00", "a"),
    ev("after", f"{DAY} 11:00", "b"),
    ev("after", f"{DAY} 12:00", "c"),
    ev("after", f"{DAY} 13:00", "x"),  # after converting: kept
    ev("before", f"{DAY} 09:00", "x"),  # before entering: kept
    ev("before", f"{DAY} 10:00", "a"),
    ev("dropout", f"{DAY} 10:00", "a"),
    ev("dropout", "2025-01-05 10:00", "x"),  # never converts; x 4 days later
    ev("same", f"{DAY} 10:00", "x"),  # same instant as entry (recorded first): counts
    ev("same", f"{DAY} 10:00", "a"),
]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        # without a window, dropout's x (any time after entry) removes it
        (None, [3, 2, 2]),  # clean, after, before
        # with 1 day, dropout's x is outside the window: kept (it stays at step 1)
        ("1d", [4, 2, 2]),
    ],
)
def test_exclusions(duckdb_events: MakeEvents, window: str | None, expected: list[int]) -> None:
    result = funnel(duckdb_events(EXCLUDING), ["a", "b", "c"], exclusions=["x"], window=window)
    assert result.steps["customers"].tolist() == expected
    strict = funnel(duckdb_events(EXCLUDING), ["a", "b", "c"], mode="strict", exclusions=["x"])
    assert strict.steps["customers"].tolist() == [3, 2, 2]


def test_breakdown_by_entry_channel_and_cohort(duckdb_events: MakeEvents) -> None:
    rows = [
        ev("p", "2025-01-20 10:00", "x"),  # first touch in January
        ev("p", "2025-02-01 10:00", "a", channel="email"),
        ev("p", "2025-02-01 11:00", "b", channel="social"),
        ev("q", "2025-02-02 10:00", "a", channel="email"),
        ev("r", "2025-02-03 10:00", "a", channel="direct", campaign="spring"),
        ev("r", "2025-02-03 10:05", "b"),
    ]
    by_channel = funnel(duckdb_events(rows), ["a", "b"], by="channel")
    table = by_channel.breakdown
    assert table is not None
    got = {(g, s): n for g, s, n in table[["group", "step", "customers"]].itertuples(index=False)}
    assert got == {
        ("email", 1): 2,
        ("email", 2): 1,
        ("direct", 1): 1,
        ("direct", 2): 1,
    }
    assert table["group"].tolist()[0] == "email"  # most customers first
    assert by_channel.steps["customers"].tolist() == [3, 2]
    by_campaign = funnel(duckdb_events(rows), ["a", "b"], by="campaign").breakdown
    assert by_campaign is not None
    got = {
        (g, s): n for g, s, n in by_campaign[["group", "step", "customers"]].itertuples(index=False)
    }
    assert got == {("spring", 1): 1, ("spring", 2): 1, (None, 1): 2, (None, 2): 1}
    by_cohort = funnel(duckdb_events(rows), ["a", "b"], by="cohort").breakdown
    assert by_cohort is not None
    got = {
        (g, s): n for g, s, n in by_cohort[["group", "step", "customers"]].itertuples(index=False)
    }
    assert got == {("2025-02", 1): 2, ("2025-02", 2): 1, ("2025-01", 1): 1, ("2025-01", 2): 1}


def _customers(events: ibis.Table, segments: Mapping[str, str], folder: Path) -> ibis.Table:
    """A customers table on the events' own engine."""
    path = folder / f"customers_{len(list(folder.iterdir()))}.parquet"
    pq.write_table(
        pa.table({"customer_id": list(segments), "segment": list(segments.values())}), path
    )
    return events.get_backend().read_parquet(str(path))


def test_breakdown_by_segment(duckdb_events: MakeEvents, tmp_path: Path) -> None:
    events = duckdb_events(HAND)
    segments = {"straight": "vip", "between": "vip", "tie": "new", "single": "new", "late": "new"}
    customers = _customers(events, segments, tmp_path)
    result = funnel(events, ["a", "b", "c"], by="segment", customers=customers)
    table = result.breakdown
    assert table is not None
    got = {(g, s): n for g, s, n in table[["group", "step", "customers"]].itertuples(index=False)}
    # swap and reverse have no segment
    assert got == {
        ("new", 1): 3,
        ("new", 2): 2,
        ("new", 3): 2,
        ("vip", 1): 2,
        ("vip", 2): 2,
        ("vip", 3): 2,
        (None, 1): 2,
        (None, 2): 1,
        (None, 3): 0,
    }
    with pytest.raises(FunnelError, match="customers table"):
        funnel(events, ["a", "b"], by="segment")


def test_stage_steps_and_the_default_funnel(duckdb_events: MakeEvents) -> None:
    catalogue = Catalogue(
        business="t",
        touchpoints=[
            Touchpoint(id="ad", name="Ad", channel="context_ads", stages=["awareness", "search"]),
            Touchpoint(id="page", name="Page", channel="site", stages=["comparison"]),
            Touchpoint(id="cart", name="Cart", channel="site", stages=["purchase"]),
            Touchpoint(id="mail", name="Mail", channel="email", stages=["post_purchase"]),
        ],
    )
    rows = [
        # one ad event serves one stage: awareness; search needs a second event
        ev("one_ad", f"{DAY} 10:00", "ad"),
        ev("two_ads", f"{DAY} 10:00", "ad"),
        ev("two_ads", f"{DAY} 10:05", "ad"),
        ev("two_ads", f"{DAY} 10:10", "page"),
        ev("buyer", f"{DAY} 10:00", "ad"),
        ev("buyer", f"{DAY} 10:00", "ad"),
        ev("buyer", f"{DAY} 10:10", "page"),
        ev("buyer", f"{DAY} 10:20", "cart"),
        ev("buyer", f"{DAY} 12:00", "mail"),
    ]
    result = funnel(duckdb_events(rows), catalogue=catalogue)
    assert result.steps["key"].tolist() == [
        "awareness",
        "search",
        "comparison",
        "purchase",
        "post_purchase",
    ]
    assert result.steps["label"].tolist()[0] == "Need awareness"
    assert result.steps["customers"].tolist() == [3, 2, 2, 1, 1]
    mapping = {"top": ["ad"], "bottom": ["cart"]}
    by_map = funnel(
        duckdb_events(rows), [Step.stage("top"), Step.stage("bottom")], catalogue=mapping
    )
    assert by_map.steps["customers"].tolist() == [3, 1]
    named = funnel(
        duckdb_events(rows), ["ad", Step.touchpoint("cart", "Basket")], catalogue=catalogue
    )
    assert named.steps["label"].tolist() == ["Ad", "Basket"]


def test_predicate_steps(duckdb_events: MakeEvents) -> None:
    rows = [
        ev("a", f"{DAY} 10:00", "site", event_name="visit"),
        ev("a", f"{DAY} 10:05", "site", event_name="lead"),
        ev("b", f"{DAY} 10:00", "site", event_name="visit"),
        ev("c", f"{DAY} 10:00", "site", event_name=None),
    ]
    steps = [
        Step.where(lambda t: t.event_name == "visit", "Visit"),
        Step.where(lambda t: t.event_name == "lead", "Lead"),
    ]
    result = funnel(duckdb_events(rows), steps)
    assert result.steps["customers"].tolist() == [2, 1]
    assert result.steps["label"].tolist() == ["Visit", "Lead"]


def test_empty_funnel_and_user_errors(duckdb_events: MakeEvents) -> None:
    events = duckdb_events([ev("a", f"{DAY} 10:00", "b")])
    empty = funnel(events, ["a", "b"])
    assert empty.steps["customers"].tolist() == [0, 0]
    assert math.isnan(empty.steps.loc[1, "conversion_from_first"])
    assert empty.histogram["customers"].sum() == 0
    catalogue = Catalogue(business="t", touchpoints=[])
    with pytest.raises(FunnelError, match="unknown touchpoint 'nope'"):
        plan_funnel(["nope"], catalogue=catalogue)
    with pytest.raises(FunnelError, match="unknown stage 'nope'"):
        plan_funnel([Step.stage("nope")], catalogue=catalogue)
    with pytest.raises(FunnelError, match="at least one step"):
        plan_funnel([])
    with pytest.raises(FunnelError, match="needs the catalogue"):
        plan_funnel(None)
    with pytest.raises(FunnelError, match="unknown funnel mode"):
        plan_funnel(["a"], mode="loose")
    with pytest.raises(FunnelError, match="unknown breakdown"):
        plan_funnel(["a"], by="city")


def test_parse_window() -> None:
    assert parse_window("30d") == timedelta(days=30)
    assert parse_window("12h") == timedelta(hours=12)
    assert parse_window("90m") == timedelta(minutes=90)
    assert parse_window(" 2W ") == timedelta(weeks=2)
    assert parse_window(timedelta(seconds=5)) == timedelta(seconds=5)
    assert parse_window(None) is None
    for bad in ("3x", "d30", "", "1.5d", "-1d", "0d"):
        with pytest.raises(FunnelError):
            parse_window(bad)


# --- property test against the reference ---------------------------------------------------

TOUCHPOINTS = ["a", "b", "c", "x", None]
BASE = pd.Timestamp("2025-01-01", tz="UTC")


@st.composite
def logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few customers; timestamps on a coarse hour grid so ties are common."""
    n = draw(st.integers(1, 24))
    rows = []
    for _ in range(n):
        rows.append(
            {
                "customer_id": draw(st.sampled_from(["c1", "c2", "c3", "c4", "c5"])),
                "ts": BASE + pd.Timedelta(hours=draw(st.integers(0, 8))),
                "touchpoint": draw(st.sampled_from(TOUCHPOINTS)),
            }
        )
    seqs = draw(st.permutations(list(range(n))))  # ingestion order independent of time
    for row, seq in zip(rows, seqs, strict=True):
        row["seq"] = seq
    return rows


step_sets = st.sampled_from([{"a"}, {"b"}, {"c"}, {"a", "b"}, {"b", "c"}])


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=logs(),
    steps=st.lists(step_sets, min_size=1, max_size=4),
    mode=st.sampled_from(["ordered", "strict", "any"]),
    window_h=st.sampled_from([None, 1, 2, 5]),
    exclude=st.booleans(),
)
def test_matches_reference(
    duckdb_events: MakeEvents,
    rows: list[dict[str, Any]],
    steps: list[set[str]],
    mode: str,
    window_h: int | None,
    exclude: bool,
) -> None:
    window = None if window_h is None else timedelta(hours=window_h)
    exclusions = {"x"} if exclude else set()
    expected = reference(rows, steps, mode, window, exclusions)
    result = funnel(
        duckdb_events(rows),
        [matching(s) for s in steps],
        mode=mode,
        window=window,
        exclusions=[matching(exclusions)] if exclude else (),
    )
    k = len(steps)
    assert result.steps["customers"].tolist() == reference_counts(expected, k)
    for i in range(1, k):
        secs = [r[i] for r in expected.values() if len(r) > i]
        median = result.steps.loc[i, "median_seconds"]
        p90 = result.steps.loc[i, "p90_seconds"]
        if secs:
            assert median == pytest.approx(quantile(secs, 0.5))
            assert p90 == pytest.approx(quantile(secs, 0.9))
        else:
            assert math.isnan(median) and math.isnan(p90)
        hist = result.histogram[result.histogram["step"] == i + 1]["customers"].tolist()
        edges = [*BIN_EDGES, math.inf]
        assert hist == [sum(lo <= s < hi for s in secs) for lo, hi in itertools.pairwise(edges)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=logs(),
    seqs=st.lists(st.integers(0, 1), min_size=24, max_size=24),
    steps=st.lists(step_sets, min_size=2, max_size=4),
    mode=st.sampled_from(["ordered", "any"]),
    exclude=st.booleans(),
)
def test_matches_reference_when_events_share_ts_and_seq(
    duckdb_events: MakeEvents,
    rows: list[dict[str, Any]],
    seqs: list[int],
    steps: list[set[str]],
    mode: str,
    exclude: bool,
) -> None:
    """A repeated ``seq`` (older stores have 0 everywhere): ``event_id`` breaks the tie."""
    for row, seq in zip(rows, seqs, strict=False):
        row["seq"] = seq
    exclusions = {"x"} if exclude else set()
    expected = reference(rows, steps, mode, None, exclusions)
    result = funnel(
        duckdb_events(rows),
        [matching(s) for s in steps],
        mode=mode,
        exclusions=[matching(exclusions)] if exclude else (),
    )
    assert result.steps["customers"].tolist() == reference_counts(expected, len(steps))
    for i in range(1, len(steps)):
        secs = [r[i] for r in expected.values() if len(r) > i]
        if secs:
            assert result.steps.loc[i, "median_seconds"] == pytest.approx(quantile(secs, 0.5))


# p and q: two events in one instant with one seq, in event_id order a, b (p) and b, a (q);
# r: its entry shares (ts, seq) with an exclusion event x.
SHARED = [
    ev("p", f"{DAY} 10:00", "a", seq=0, event_id="e1"),
    ev("p", f"{DAY} 10:00", "b", seq=0, event_id="e2"),
    ev("q", f"{DAY} 10:00", "b", seq=1, event_id="e3"),
    ev("q", f"{DAY} 10:00", "a", seq=1, event_id="e4"),
    ev("r", f"{DAY} 10:00", "a", seq=2, event_id="e5"),
    ev("r", f"{DAY} 10:00", "x", seq=2, event_id="e6"),
    ev("r", f"{DAY} 11:00", "b", seq=3, event_id="e7"),
    ev("s", f"{DAY} 09:00", "a", seq=4, event_id="e8"),
    ev("s", f"{DAY} 12:00", "b", seq=5, event_id="e9"),
]


@pytest.mark.parametrize(
    ("mode", "exclude", "expected"),
    [
        # step 1 {a, b} takes the smaller event_id: p's a (then b follows), q's b (no b
        # left for step 2), r's a; s has nothing shared
        ("ordered", False, [4, 3]),
        ("any", False, [4, 3]),
        # r's x is another event than its entry: r converts with x between, so it leaves
        ("ordered", True, [3, 2]),
    ],
)
def test_shared_ts_and_seq_use_the_exact_order(
    make_events: MakeEvents,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    exclude: bool,
    expected: list[int],
) -> None:
    """Ties in (ts, seq) are found and the funnel is redone in (ts, seq, event_id) order."""
    import touchpath.analytics.funnels as funnels

    seen: list[bool] = []
    tied = funnels._tied

    def spy(*args: Any) -> bool:
        seen.append(tied(*args))
        return seen[-1]

    monkeypatch.setattr(funnels, "_tied", spy)
    steps = [matching({"a", "b"}), matching({"b"})]
    exclusions = [matching({"x"})] if exclude else []
    result = funnel(make_events(SHARED), steps, mode=mode, exclusions=exclusions)
    assert result.steps["customers"].tolist() == expected
    assert expected == reference_counts(
        reference(SHARED, [{"a", "b"}, {"b"}], mode, None, {"x"} if exclude else set()), 2
    )
    assert seen == [True]
    # one seq per event: the fast pass stands
    unique = [{**row, "seq": i} for i, row in enumerate(SHARED)]
    seen.clear()
    funnel(make_events(unique), steps, mode=mode, exclusions=exclusions)
    assert seen == [False]


# --- the same funnel on DuckDB and Spark ---------------------------------------------------


def _random_log(seed: int, customers: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = customers * 8
    who = rng.integers(0, customers, n)
    start = rng.integers(0, 50, customers)[who]  # each customer's first day: two cohorts
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in who],
            "ts": BASE
            + pd.to_timedelta(start * 86400 + rng.integers(0, 40, n) * 3600, "s")
            + pd.to_timedelta(rng.integers(0, 3, n), "s"),
            "touchpoint": rng.choice(np.array(["a", "b", "c", "d", "x", None], dtype=object), n),
            "channel": rng.choice(["email", "direct", "social"], n),
            "campaign": rng.choice(np.array(["spring", None], dtype=object), n),
            "seq": rng.permutation(n),
        }
    )
    return frame


@pytest.mark.parametrize(
    ("mode", "by", "window", "exclude"),
    [
        ("ordered", "segment", "1d", True),
        ("strict", "cohort", "1d", True),
        ("any", "channel", None, True),
    ],
)
def test_parity_with_duckdb(
    make_events: MakeEvents,
    duckdb_events: MakeEvents,
    tmp_path: Path,
    mode: str,
    by: str,
    window: str | None,
    exclude: bool,
) -> None:
    """The same funnel, breakdown and times on the engine under test and on DuckDB."""
    frame = _random_log(11)
    steps = ["a", "b", "c", "d"]
    segments = {f"c{i}": ["vip", "new", "old"][i % 3] for i in range(0, 60, 2)}
    results = []
    for maker in (make_events, duckdb_events):
        events = maker(frame)
        results.append(
            funnel(
                events,
                steps,
                mode=mode,
                window=window,
                exclusions=["x"] if exclude else (),
                by=by,
                customers=_customers(events, segments, tmp_path) if by == "segment" else None,
            )
        )
    here, there = results
    pd.testing.assert_frame_equal(here.steps, there.steps, check_exact=False, rtol=1e-12)
    assert here.breakdown is not None and there.breakdown is not None
    pd.testing.assert_frame_equal(here.breakdown, there.breakdown, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(here.histogram, there.histogram)
    # and both agree with the reference
    expected = reference(
        frame.to_dict("records"),
        [{s} for s in steps],
        mode,
        parse_window(window),
        {"x"} if exclude else set(),
    )
    assert here.steps["customers"].tolist() == reference_counts(expected, 4)
    assert here.steps["customers"].iloc[1] > 0
    assert here.breakdown["group"].nunique(dropna=False) > 1


def test_figures(duckdb_events: MakeEvents) -> None:
    result = funnel(duckdb_events(HAND), ["a", "b", "c"], by="channel")
    fig = result.figure()
    assert [t.type for t in fig.data] == ["funnel"] * 2  # direct and email
    assert list(fig.data[0].y) == ["a", "b", "c"]
    assert sorted(list(t.x) for t in fig.data) == sorted([[1, 1, 1], [6, 4, 3]])
    total = funnel(duckdb_events(HAND), ["a", "b", "c"]).figure()
    assert list(total.data[0].x) == [7, 5, 4]
    times = result.time_figure()
    assert [t.type for t in times.data] == ["bar", "bar"]
    assert sum(times.data[1].y) == 4
    doc = result.to_json()
    assert doc["steps"][2]["customers"] == 4
    assert doc["breakdown"][0]["group"] == "direct"
