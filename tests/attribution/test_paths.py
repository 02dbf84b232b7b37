"""Path tables: ChannelAttribution's CSV format, and journeys built in the engine from events.

``paths_from_events`` runs here on DuckDB against a plain-Python reference of the rules in
the module docstring. (The two-engine ``make_events`` fixture lives in
tests/analytics/conftest.py and is not importable from this folder.)
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from touchpath.attribution.paths import paths_from_events, read_path_csv, split_paths
from touchpath.engines.schema import EVENT_ARROW_SCHEMA
from touchpath.errors import TouchpathError

_names = itertools.count()
T0 = datetime(2025, 3, 1, tzinfo=UTC)


def events(rows: list[dict[str, Any]]) -> ibis.Table:
    """An events table on DuckDB with the store's schema; missing columns get defaults."""
    frame = pd.DataFrame(rows)
    n = len(frame)
    frame["event_id"] = [f"e{i:05d}" for i in range(n)]
    frame["seq"] = list(range(n))
    for column, default in (("channel", "direct"), ("is_conversion", False)):
        frame[column] = frame[column].fillna(default) if column in frame else default
    for field in EVENT_ARROW_SCHEMA:
        if field.name not in frame:
            frame[field.name] = None
    arrow = pa.Table.from_pandas(
        frame[EVENT_ARROW_SCHEMA.names], schema=EVENT_ARROW_SCHEMA, preserve_index=False
    )
    return ibis.duckdb.connect().create_table(f"events_{next(_names)}", arrow)


def day(d: float) -> datetime:
    return T0 + timedelta(days=d)


def as_dict(frame: pd.DataFrame) -> dict[tuple[str, ...], tuple[float, float, float]]:
    return {tuple(r.path): (r.conversions, r.value, r.nulls) for r in frame.itertuples(index=False)}


def test_journeys_by_hand() -> None:
    rows = [
        # ann: e-mail, social, buys (120), then an SMS: one converting path, one null path.
        {"customer_id": "ann", "ts": day(0), "channel": "email"},
        {"customer_id": "ann", "ts": day(1), "channel": "social"},
        {"customer_id": "ann", "ts": day(1), "channel": "social"},  # repeat: collapsed
        {
            "customer_id": "ann",
            "ts": day(2),
            "channel": "direct",
            "is_conversion": True,
            "value": 120.0,
        },
        {"customer_id": "ann", "ts": day(3), "channel": "sms"},
        # bob: a touch 40 days before his purchase falls out of the 30-day lookback; he
        # buys twice, the second time right after the first: no touch, not in the table.
        {"customer_id": "bob", "ts": day(0), "channel": "display"},
        {"customer_id": "bob", "ts": day(35), "channel": "email"},
        {"customer_id": "bob", "ts": day(40), "channel": "email", "is_conversion": True},
        {
            "customer_id": "bob",
            "ts": day(40),
            "channel": "email",
            "is_conversion": True,
            "value": 5.0,
        },
        # cat never buys.
        {"customer_id": "cat", "ts": day(5), "channel": "social"},
        {"customer_id": "cat", "ts": day(6), "channel": "email"},
        # dan takes the same path as ann: the two conversions add up in one row.
        {"customer_id": "dan", "ts": day(1), "channel": "email"},
        {"customer_id": "dan", "ts": day(2), "channel": "social"},
        {
            "customer_id": "dan",
            "ts": day(3),
            "channel": "sms",
            "is_conversion": True,
            "value": 30.0,
        },
    ]
    got = paths_from_events(events(rows))
    assert got.columns.tolist() == ["path", "conversions", "value", "nulls"]
    assert as_dict(got) == {
        ("email", "social"): (2.0, 150.0, 0.0),
        ("sms",): (0.0, 0.0, 1.0),
        ("email",): (1.0, 0.0, 0.0),
        ("social", "email"): (0.0, 0.0, 1.0),
    }
    # Without a lookback bob's display touch stays; without collapsing ann's repeat does.
    everything = as_dict(paths_from_events(events(rows), lookback=None, collapse=False))
    assert everything[("display", "email")] == (1.0, 0.0, 0.0)
    assert everything[("email", "social", "social")] == (1.0, 120.0, 0.0)


def test_touchpoint_unit_skips_unmapped_events_and_ages_are_days() -> None:
    rows = [
        {"customer_id": "a", "ts": day(0), "touchpoint": "ad"},
        {"customer_id": "a", "ts": day(0.5), "touchpoint": None},  # no touchpoint: skipped
        {"customer_id": "a", "ts": day(3.25), "touchpoint": "site"},
        {"customer_id": "a", "ts": day(3.5), "touchpoint": "checkout", "is_conversion": True},
        {"customer_id": "b", "ts": day(1), "touchpoint": "site"},
        {"customer_id": "b", "ts": day(2), "touchpoint": "chat"},
    ]
    got = paths_from_events(events(rows), unit="touchpoint", ages=True)
    by_path = {tuple(r.path): tuple(r.ages) for r in got.itertuples()}
    # Ages: to the conversion (3.5 days and 6 hours), or to a null path's last touch.
    assert by_path == {("ad", "site"): (3.5, 0.25), ("site", "chat"): (1.0, 0.0)}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit": "stage"}, "unknown unit"),
        ({"lookback": "3x"}, "bad lookback"),
        ({"lookback": "0d"}, "longer than zero"),
    ],
)
def test_bad_options(kwargs: dict[str, Any], message: str) -> None:
    table = events([{"customer_id": "a", "ts": day(0)}])
    with pytest.raises(TouchpathError, match=message):
        paths_from_events(table, **kwargs)


def reference(
    rows: list[dict[str, Any]], lookback: timedelta | None, collapse: bool, ages: bool
) -> dict[tuple[Any, ...], list[float]]:
    """The rules of the module docstring, one customer at a time in plain Python."""
    out: dict[tuple[Any, ...], list[float]] = {}
    ordered = sorted(enumerate(rows), key=lambda p: (p[1]["customer_id"], p[1]["ts"], p[0]))
    for _customer, group in itertools.groupby(ordered, key=lambda p: p[1]["customer_id"]):
        touches: list[dict[str, Any]] = []

        def close(
            touches: list[dict[str, Any]], end: datetime, converted: bool, value: float
        ) -> None:
            kept = [t for t in touches if lookback is None or t["ts"] >= end - lookback]
            if collapse:
                kept = [
                    t
                    for i, t in enumerate(kept)
                    if i == 0 or t["channel"] != kept[i - 1]["channel"]
                ]
            if not kept:
                return
            key: tuple[Any, ...] = tuple(t["channel"] for t in kept)
            if ages:
                hours = [((end - t["ts"]).total_seconds() + 1800) // 3600 for t in kept]
                key = (key, tuple(h / 24 for h in hours))
            totals = out.setdefault(key, [0.0, 0.0, 0.0])
            totals[0 if converted else 2] += 1
            totals[1] += value if converted else 0.0

        for _i, row in group:
            if row.get("is_conversion"):
                close(touches, row["ts"], True, row.get("value") or 0.0)
                touches = []
            else:
                touches.append(row)
        if touches:
            close(touches, max(t["ts"] for t in touches), False, 0.0)
    return out


@pytest.mark.parametrize(
    ("lookback", "collapse", "ages"),
    [("30d", True, False), (None, False, False), ("7d", True, True), ("2w", False, True)],
)
@pytest.mark.parametrize("seed", [1, 2])
def test_engine_matches_the_reference(
    lookback: str | None, collapse: bool, ages: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    rows = []
    for customer in range(40):
        for _j in range(int(rng.integers(1, 9))):
            conv = bool(rng.random() < 0.2)
            rows.append(
                {
                    "customer_id": f"c{customer}",
                    # Whole minutes within 60 days; ties in ts happen (seq breaks them).
                    "ts": T0 + timedelta(minutes=int(rng.integers(0, 60 * 24 * 60 // 500)) * 500),
                    "channel": str(rng.choice(["email", "social", "direct", "sms"])),
                    "is_conversion": conv,
                    "value": float(rng.integers(1, 100)) if conv and rng.random() < 0.8 else None,
                }
            )
    got = paths_from_events(events(rows), lookback=lookback, collapse=collapse, ages=ages)
    window = (
        None
        if lookback is None
        else {"30d": timedelta(days=30), "7d": timedelta(days=7), "2w": timedelta(days=14)}[
            lookback
        ]
    )
    want = reference(rows, window, collapse, ages)
    if ages:
        got_map = {
            (tuple(r.path), tuple(r.ages)): [r.conversions, r.value, r.nulls]
            for r in got.itertuples()
        }
    else:
        got_map = {tuple(r.path): [r.conversions, r.value, r.nulls] for r in got.itertuples()}
    assert got_map == want
    assert len(got) == len(want)  # one row per distinct path


# --- ChannelAttribution's CSV format ---------------------------------------------------------


def test_reads_channelattribution_example(tmp_path: Path) -> None:
    pytest.importorskip("ChannelAttribution")
    import cypack

    file = Path(cypack.__file__).parent / "data" / "Data.csv"
    raw = pd.read_csv(file, sep=";")
    got = read_path_csv(file)
    assert len(got) == len(raw) == 10_000
    assert got.path[0] == ("eta", "iota", "alpha", "eta")
    assert got.conversions.sum() == raw.total_conversions.sum()
    assert got.value.sum() == pytest.approx(raw.total_conversion_value.sum(), rel=1e-12)
    assert got.nulls.sum() == raw.total_null.sum()
    assert [len(p) for p in got.path] == [len(s.split(">")) for s in raw.path]


def test_csv_separators_and_optional_columns(tmp_path: Path) -> None:
    file = tmp_path / "paths.csv"
    file.write_text("path,total_conversions\n a | b|c ,2\nb,0\n", encoding="utf-8")
    got = read_path_csv(file, sep="|")
    assert got.path.tolist() == [("a", "b", "c"), ("b",)]
    assert got.conversions.tolist() == [2.0, 0.0]
    assert got.value.tolist() == [0.0, 0.0] and got.nulls.tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("path;total_conversions\na > b;1\nb;x\n", r"paths.csv:3: total_conversions: .*'x'"),
        ("path;total_conversions;total_null\na;1;-2\n", r"paths.csv:2: total_null"),
        ("path;total_conversions\na;1\n > ;1\n", r"paths.csv:3: path: no touchpoint"),
        ("route;conversions\na;1\n", "needs the columns path and total_conversions"),
    ],
)
def test_csv_errors_name_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "paths.csv"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(TouchpathError, match=message):
        read_path_csv(file)


def test_split_paths_drops_empty_parts() -> None:
    text = pd.Series(["a >> b >", "  c  ", "x>y"])
    assert split_paths(text).tolist() == [("a", "b"), ("c",), ("x", "y")]
    arrow = split_paths(text, arrow=True)
    assert [list(p) for p in arrow] == [["a", "b"], ["c"], ["x", "y"]]


def test_arrow_path_columns_fit_the_same() -> None:
    from touchpath.attribution import MarkovModel, encode_paths

    text = pd.Series(["a > b > a", "b", "a > c"])
    numbers = {"conversions": [1.0, 0.0, 2.0], "value": [3.0, 0.0, 1.0], "nulls": [0.0, 2.0, 1.0]}
    tuples = pd.DataFrame({"path": split_paths(text), **numbers})
    lists = pd.DataFrame({"path": split_paths(text, arrow=True), **numbers})
    a, b = encode_paths(tuples), encode_paths(lists)
    assert a.channels == b.channels == ("a", "b", "c")
    assert a.codes.tolist() == b.codes.tolist() == [0, 1, 0, 1, 0, 2]
    pd.testing.assert_frame_equal(
        MarkovModel().fit(tuples).attribution_, MarkovModel().fit(lists).attribution_
    )
