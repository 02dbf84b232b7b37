"""Paths and Sankey data: hand-worked examples on both engines, a pure-Python reference.

The reference (:func:`reference_paths`) walks each customer's events in plain Python with
the documented rules; property tests hold :func:`top_paths` and :func:`sankey` to it on
random event logs full of timestamp ties, and a parity test runs the same demo data on
DuckDB and Spark and demands identical frames.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpath.analytics.paths import UNMAPPED, sankey, top_paths
from touchpath.errors import TouchpathError
from touchpath.model import Catalogue, Touchpoint

Rows = list[dict[str, Any]]
MakeEvents = Callable[[Sequence[Mapping[str, Any]] | pd.DataFrame], ibis.Table]

CHANNEL = {"ad": "paid_search", "site": "direct", "checkout": "direct", "review": "email"}


def ev(customer: str, ts: str, seq: int, tp: str | None, conv: bool = False) -> dict[str, Any]:
    return {
        "customer_id": customer,
        "ts": f"2025-03-01 {ts}",
        "seq": seq,
        "touchpoint": tp,
        "channel": CHANNEL.get(tp or "", "direct"),
        "is_conversion": conv,
    }


# a: a tie at 10:00 broken by seq (site before ad), a repeat, a conversion, then a review
# b: a single event; c: an event without a touchpoint; d: a tie again; e: a repeat
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

CATALOGUE = Catalogue(
    business="test",
    touchpoints=[
        Touchpoint(id="ad", name="Ad", channel="context_ads", stages=["awareness", "search"]),
        Touchpoint(id="site", name="Site", channel="site", stages=["search", "comparison"]),
        Touchpoint(id="checkout", name="Checkout", channel="site", stages=["purchase"]),
        Touchpoint(id="review", name="Review", channel="email", stages=["post_purchase"]),
        Touchpoint(id="chat", name="Chat", channel="online_chat"),
    ],
)


def table(result: Any) -> list[tuple[str, int, int]]:
    """(path, customers, converted) in the result's order."""
    return [
        (r.path, int(r.customers), int(r.converted)) for r in result.paths.itertuples(index=False)
    ]


# ---------------------------------------------------------------- hand-worked (DuckDB)


def test_paths_order_ties_by_seq_collapse_and_cut_at_conversion(duckdb_events: MakeEvents) -> None:
    result = top_paths(duckdb_events(ROWS))
    assert table(result) == [
        ("ad > site", 2, 0),  # d (tie: ad has the smaller seq) and e (site site collapsed)
        ("ad", 1, 0),  # b: a single event
        (f"ad > {UNMAPPED} > site", 1, 0),  # c
        ("site > ad > site > checkout", 1, 1),  # a: ends at the conversion, review left out
    ]
    assert (result.customers, result.variants) == (5, 4)
    assert result.paths.share.tolist() == [2 / 5, 1 / 5, 1 / 5, 1 / 5]
    assert result.paths.conversion_rate.tolist() == [0.0, 0.0, 0.0, 1.0]
    assert result.paths.steps.iloc[0] == ("ad", "site")
    assert result.paths.length.tolist() == [2, 1, 3, 4]


def test_paths_without_collapse_keep_every_event(duckdb_events: MakeEvents) -> None:
    result = top_paths(duckdb_events(ROWS), collapse=False)
    assert sorted(table(result)) == sorted(
        [
            ("ad > site", 1, 0),
            ("ad > site > site", 1, 0),
            ("ad", 1, 0),
            (f"ad > {UNMAPPED} > site", 1, 0),
            ("site > ad > site > site > checkout", 1, 1),
        ]
    )
    assert result.variants == 5


def test_kinds_and_top_n(duckdb_events: MakeEvents) -> None:
    events = duckdb_events(ROWS)
    converted = top_paths(events, kind="converted")
    assert table(converted) == [("site > ad > site > checkout", 1, 1)]
    assert converted.customers == 1
    dropped = top_paths(events, kind="dropped")
    assert [p for p, _, _ in table(dropped)] == ["ad > site", "ad", f"ad > {UNMAPPED} > site"]
    assert dropped.customers == 4 and dropped.paths.conversion_rate.sum() == 0
    top1 = top_paths(events, n=1)
    assert table(top1) == [("ad > site", 2, 0)] and top1.variants == 4


def test_paths_by_channel_and_by_stage(duckdb_events: MakeEvents) -> None:
    events = duckdb_events(ROWS)
    by_channel = top_paths(events, by="channel")
    assert sorted(table(by_channel)) == sorted(
        [
            ("paid_search > direct", 3, 0),  # c's unmapped event has channel direct too
            ("paid_search", 1, 0),
            ("direct > paid_search > direct", 1, 1),
        ]
    )
    by_stage = top_paths(events, by="stage", catalogue=CATALOGUE)
    assert sorted(table(by_stage)) == sorted(
        [
            ("awareness > search", 2, 0),
            ("awareness", 1, 0),
            (f"awareness > {UNMAPPED} > search", 1, 0),
            ("search > awareness > search > purchase", 1, 1),
        ]
    )


def test_length_caps_keep_first_or_last(duckdb_events: MakeEvents) -> None:
    events = duckdb_events(ROWS)
    first = top_paths(events, max_length=2)
    assert sorted(table(first)) == sorted(
        [("ad > site", 2, 0), ("ad", 1, 0), (f"ad > {UNMAPPED}", 1, 0), ("site > ad", 1, 1)]
    )
    last = top_paths(events, max_length=2, keep="last")
    assert sorted(table(last)) == sorted(
        [("ad > site", 2, 0), ("ad", 1, 0), (f"{UNMAPPED} > site", 1, 0), ("site > checkout", 1, 1)]
    )
    assert last.paths.length.max() == 2


def test_anchors(duckdb_events: MakeEvents) -> None:
    events = duckdb_events(ROWS)
    from_site = top_paths(events, from_="site")
    assert sorted(table(from_site)) == sorted(
        [("site", 3, 0), ("site > ad > site > checkout", 1, 1)]  # b never touched site
    )
    to_site = top_paths(events, to="site")
    assert sorted(table(to_site)) == sorted(
        [("ad > site", 2, 0), (f"ad > {UNMAPPED} > site", 1, 0), ("site", 1, 1)]
    )
    both = top_paths(events, from_="ad", to="checkout")
    assert table(both) == [("ad > site > checkout", 1, 1)]
    # the end anchor must come after the start: only a touches ad after site
    assert table(top_paths(events, from_="site", to="ad")) == [("site > ad", 1, 1)]


def test_sankey_first_steps_into_drop_off_and_conversion(duckdb_events: MakeEvents) -> None:
    events = duckdb_events(ROWS)
    two = sankey(events, 2)
    assert links(two) == Counter(
        {
            ("1:ad", "2:site"): 2,
            ("1:ad", f"2:{UNMAPPED}"): 1,
            ("1:ad", "drop-off"): 1,  # b
            ("1:site", "2:ad"): 1,
            ("2:site", "drop-off"): 2,  # d and e end at step 2
        }
    )
    assert (two.customers, two.beyond) == (5, 2)  # a and c go on past step 2
    nodes = two.nodes
    assert nodes.kind.tolist() == ["step"] * 5 + ["drop-off"]
    assert nodes[nodes.kind == "step"].unit.tolist() == ["ad", "site", "site", UNMAPPED, "ad"]
    assert nodes.customers.tolist() == [4, 1, 2, 1, 1, 3]
    four = links(sankey(events, 4))
    assert four[("4:checkout", "conversion")] == 1
    assert four[("3:site", "drop-off")] == 1  # c
    converted = links(sankey(events, 4, kind="converted"))
    assert sum(converted.values()) == 4  # a's four steps, nobody else


def links(result: Any) -> Counter[tuple[str, str]]:
    names = {}
    for r in result.nodes.itertuples(index=False):
        names[r.node] = f"{r.step}:{r.unit}" if r.kind == "step" else r.kind
    return Counter(
        {
            (names[r.source], names[r.target]): int(r.customers)
            for r in result.links.itertuples(index=False)
        }
    )


def test_user_errors_are_one_line(duckdb_events: MakeEvents) -> None:
    events = duckdb_events(ROWS)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "won"}, "unknown value 'won' for --kind"),
        ({"by": "city"}, "unknown value 'city' for --by"),
        ({"keep": "middle", "max_length": 2}, "unknown value 'middle' for --keep"),
        ({"max_length": 0}, "--max-length must be at least 1"),
        ({"n": 0}, "--top must be at least 1"),
        ({"by": "stage"}, "paths by stage need the catalogue"),
        ({"from_": "nowhere", "catalogue": CATALOGUE}, "unknown touchpoint 'nowhere'"),
    ]
    for kwargs, message in cases:
        with pytest.raises(TouchpathError, match=message) as info:
            top_paths(events, **kwargs)
        assert "\n" not in str(info.value)
    with pytest.raises(TouchpathError, match="--sankey must be at least 1"):
        sankey(events, 0)


def test_empty_result(duckdb_events: MakeEvents) -> None:
    events = duckdb_events(ROWS)
    result = top_paths(events, from_="chat", catalogue=CATALOGUE)  # known, never touched
    assert result.paths.empty and (result.customers, result.variants) == (0, 0)
    assert result.to_json()["paths"] == []
    flows = sankey(events, 3, from_="chat", catalogue=CATALOGUE)
    assert flows.nodes.empty and flows.links.empty and flows.customers == 0


# ---------------------------------------------------------------- the pure-Python reference


def reference_paths(
    rows: Rows,
    *,
    by: str = "touchpoint",
    collapse: bool = True,
    max_length: int | None = None,
    keep: str = "first",
    from_: str | None = None,
    to: str | None = None,
    stages: Mapping[str, str] | None = None,
) -> dict[str, tuple[tuple[str, ...], bool]]:
    """customer → (path, converted), following docs/analytics/paths.md step by step."""
    per: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        per.setdefault(row["customer_id"], []).append(row)
    out: dict[str, tuple[tuple[str, ...], bool]] = {}
    for customer, evs in per.items():
        evs = sorted(evs, key=lambda e: (pd.Timestamp(e["ts"]), e["seq"]))
        if from_ is not None:
            starts = [i for i, e in enumerate(evs) if e["touchpoint"] == from_]
            if not starts:
                continue
            evs = evs[starts[0] :]
        convs = [i for i, e in enumerate(evs) if e["is_conversion"]]
        if to is not None:
            ends = [i for i, e in enumerate(evs) if e["touchpoint"] == to]
            if not ends:
                continue
            evs = evs[: ends[0] + 1]
        elif convs:
            evs = evs[: convs[0] + 1]
        units = [unit(e, by, stages) for e in evs]
        if collapse:
            units = [u for i, u in enumerate(units) if i == 0 or u != units[i - 1]]
        if max_length is not None:
            units = units[:max_length] if keep == "first" else units[-max_length:]
        out[customer] = (tuple(units), bool(convs))
    return out


def unit(e: Mapping[str, Any], by: str, stages: Mapping[str, str] | None) -> str:
    if by == "channel":
        return str(e["channel"])
    tp = e["touchpoint"]
    if by == "stage":
        assert stages is not None
        return stages.get(tp, UNMAPPED) if tp is not None else UNMAPPED
    return tp if tp is not None else UNMAPPED


def reference_variants(
    paths: Mapping[str, tuple[tuple[str, ...], bool]], kind: str
) -> dict[tuple[str, ...], tuple[int, int]]:
    """path → (customers, converted customers) among the customers of ``kind``."""
    counts: dict[tuple[str, ...], tuple[int, int]] = {}
    for steps, converted in paths.values():
        if kind == "all" or (kind == "converted") == converted:
            customers, conv = counts.get(steps, (0, 0))
            counts[steps] = (customers + 1, conv + int(converted))
    return counts


def got_variants(result: Any) -> dict[tuple[str, ...], tuple[int, int]]:
    return {
        r.steps: (int(r.customers), int(r.converted)) for r in result.paths.itertuples(index=False)
    }


def reference_links(
    paths: Mapping[str, tuple[tuple[str, ...], bool]], k: int
) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for steps, converted in paths.values():
        shown = steps[:k]
        for i in range(len(shown) - 1):
            out[(f"{i + 1}:{shown[i]}", f"{i + 2}:{shown[i + 1]}")] += 1
        if len(steps) <= k:
            out[(f"{len(steps)}:{steps[-1]}", "conversion" if converted else "drop-off")] += 1
    return out


STAGES = {"a": "awareness", "b": "purchase"}
PROPERTY_CATALOGUE = Catalogue(
    business="property",
    touchpoints=[
        Touchpoint(id="a", name="A", channel="site", stages=["awareness", "search"]),
        Touchpoint(id="b", name="B", channel="site", stages=["purchase"]),
        Touchpoint(id="c", name="C", channel="site"),  # no stage: (unmapped)
    ],
)

event_rows = st.lists(
    st.fixed_dictionaries(
        {
            "customer_id": st.sampled_from(["c1", "c2", "c3", "c4", "c5"]),
            "ts": st.integers(0, 4).map(lambda m: f"2025-01-01 10:0{m}"),  # many ties
            "touchpoint": st.sampled_from(["a", "b", "c", None]),
            "channel": st.sampled_from(["email", "direct"]),
            "is_conversion": st.sampled_from([False, False, False, True]),
        }
    ),
    min_size=1,
    max_size=25,
)
path_options = st.fixed_dictionaries(
    {
        "by": st.sampled_from(["touchpoint", "channel", "stage"]),
        "collapse": st.booleans(),
        "max_length": st.none() | st.integers(1, 3),
        "keep": st.sampled_from(["first", "last"]),
        "from_": st.none() | st.just("a"),
        "to": st.none() | st.just("b"),
    }
)


def with_seq(rows: Rows) -> Rows:
    # seq is the position (the conftest default); the hypothesis order shuffles it vs ts
    return [{**r, "seq": i} for i, r in enumerate(rows)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=event_rows, options=path_options, kind=st.sampled_from(["all", "converted", "dropped"]))
def test_top_paths_equal_the_reference(
    duckdb_events: MakeEvents, rows: Rows, options: dict[str, Any], kind: str
) -> None:
    rows = with_seq(rows)
    events = duckdb_events(rows)
    got = top_paths(events, n=1000, kind=kind, catalogue=PROPERTY_CATALOGUE, **options)
    want = reference_variants(reference_paths(rows, stages=STAGES, **options), kind)
    assert got_variants(got) == want
    counts = sorted((c for c, _ in want.values()), reverse=True)
    assert got.customers == sum(counts)
    assert got.variants == len(want)
    assert got.paths.customers.tolist() == counts
    top2 = top_paths(events, n=2, kind=kind, catalogue=PROPERTY_CATALOGUE, **options)
    assert top2.paths.customers.tolist() == counts[:2]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=event_rows, k=st.integers(1, 4), collapse=st.booleans())
def test_sankey_equals_the_reference(
    duckdb_events: MakeEvents, rows: Rows, k: int, collapse: bool
) -> None:
    rows = with_seq(rows)
    got = sankey(duckdb_events(rows), k, collapse=collapse)
    paths = reference_paths(rows, collapse=collapse)
    assert links(got) == reference_links(paths, k)
    assert got.customers == len(paths)
    assert got.beyond == sum(len(steps) > k for steps, _ in paths.values())


# ---------------------------------------------------------------- DuckDB and Spark agree


@pytest.fixture(scope="module")
def demo_rows() -> pd.DataFrame:
    from touchpath.demo.generate import generate

    return generate("shop", customers=150, seed=3).events.to_pandas()


def test_demo_paths_equal_the_reference(duckdb_events: MakeEvents, demo_rows: pd.DataFrame) -> None:
    events = duckdb_events(demo_rows)
    rows = demo_rows.astype(object).where(demo_rows.notna(), None).to_dict("records")
    for options in ({}, {"by": "channel", "max_length": 3, "keep": "last"}, {"to": "cart"}):
        got = top_paths(events, n=10_000, **options)
        want = reference_variants(reference_paths(rows, **options), "all")  # type: ignore[arg-type]
        assert got_variants(got) == want


def test_hand_worked_example_on_both_engines(make_events: MakeEvents) -> None:
    """Ties broken by seq, an unmapped step, the cut at the conversion: on DuckDB and Spark."""
    events = make_events(ROWS)
    assert table(top_paths(events)) == [
        ("ad > site", 2, 0),
        ("ad", 1, 0),
        (f"ad > {UNMAPPED} > site", 1, 0),
        ("site > ad > site > checkout", 1, 1),
    ]
    assert links(sankey(events, 4, from_="site", to="checkout")) == Counter(
        {
            ("1:site", "2:ad"): 1,
            ("2:ad", "3:site"): 1,
            ("3:site", "4:checkout"): 1,
            ("4:checkout", "conversion"): 1,
        }
    )


def test_duckdb_and_spark_give_identical_frames(
    duckdb_events: MakeEvents, spark_con: ibis.BaseBackend, tmp_path: Path, demo_rows: pd.DataFrame
) -> None:
    on_duckdb = duckdb_events(demo_rows)
    file = tmp_path / "events.parquet"
    pq.write_table(on_duckdb.to_pyarrow(), file)
    on_spark = spark_con.read_parquet(str(file), table_name="paths_parity")
    for kwargs in (
        {"n": 15, "kind": "converted", "by": "stage", "catalogue": demo_catalogue()},
        {"n": 15, "kind": "dropped", "collapse": False, "from_": "product_page"},
    ):
        a, b = top_paths(on_duckdb, **kwargs), top_paths(on_spark, **kwargs)
        pd.testing.assert_frame_equal(a.paths, b.paths)
        assert (a.customers, a.variants) == (b.customers, b.variants)
    s1, s2 = sankey(on_duckdb, 4), sankey(on_spark, 4)
    pd.testing.assert_frame_equal(s1.nodes, s2.nodes)
    pd.testing.assert_frame_equal(s1.links, s2.links)
    assert s1.to_json() == s2.to_json()


def demo_catalogue() -> Catalogue:
    from touchpath.demo.generate import generate

    return generate("shop", customers=1, seed=3).catalogue
