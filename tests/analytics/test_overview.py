"""Overview expressions against pandas computing the same figures independently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from touchpath.analytics import overview
from touchpath.engines import DuckDBEngine


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 2_000
    conv = rng.random(n) < 0.1
    frame = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(n)],
            "customer_id": rng.choice([f"c{i}" for i in range(300)], n),
            "ts": pd.Timestamp("2025-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 10**7, n), "s"),
            "touchpoint": rng.choice(np.array(["site", "chat", "phone", None], dtype=object), n),
            "channel": rng.choice(["direct", "email", "paid_search"], n),
            "is_conversion": conv,
            "value": np.where(conv, rng.lognormal(8, 1, n).round(2), np.nan),
            "currency": np.where(conv, rng.choice(["RUB", "EUR"], n), None),
            "seq": np.arange(n),
        }
    )
    return frame


@pytest.fixture(scope="module")
def con(events: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    engine = DuckDBEngine(Path(tmp_path_factory.mktemp("ov")) / "events.duckdb")
    engine.create()
    with engine.raw() as raw:
        raw.register("df", events)
        raw.execute("INSERT INTO events BY NAME SELECT * FROM df")
    connection = engine.connect(read_only=True)
    yield connection, engine.events(connection)
    connection.disconnect()


def test_totals(con, events: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    backend, table = con
    got = backend.execute(overview.totals(table)).iloc[0]
    assert got["events"] == len(events)
    assert got["customers"] == events.customer_id.nunique()
    assert got["conversions"] == events.is_conversion.sum()
    assert got["converted_customers"] == events[events.is_conversion].customer_id.nunique()
    assert got["touchpoints"] == events.touchpoint.dropna().nunique()
    assert got["first_ts"] == events.ts.min()
    assert got["last_ts"] == events.ts.max()


def test_revenue_by_currency_never_mixes_currencies(con, events: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    backend, table = con
    got = backend.execute(overview.revenue_by_currency(table)).set_index("currency")
    want = events[events.is_conversion].groupby("currency").value.agg(["sum", "count"])
    assert sorted(got.index) == sorted(want.index) == ["EUR", "RUB"]
    for cur in want.index:
        assert got.loc[cur, "revenue"] == pytest.approx(want.loc[cur, "sum"])
        assert got.loc[cur, "orders"] == want.loc[cur, "count"]
    assert list(got.revenue) == sorted(got.revenue, reverse=True)


def test_by_channel_and_touchpoint(con, events: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    backend, table = con
    got = backend.execute(overview.by_channel(table)).set_index("channel")
    want = events.groupby("channel").agg(
        touches=("event_id", "size"),
        customers=("customer_id", "nunique"),
        conversions=("is_conversion", "sum"),
    )
    pd.testing.assert_frame_equal(got.sort_index(), want.sort_index(), check_dtype=False)
    assert list(got.touches) == sorted(got.touches, reverse=True)
    tps = backend.execute(overview.by_touchpoint(table)).set_index("touchpoint")
    assert tps.loc["", "touches"] == events.touchpoint.isna().sum()
    assert tps.touches.sum() == len(events)
