"""Retention and loyalty against independent computations.

* CRR on a hand-worked example (the numbers are worked out in the test's docstring);
* periods, cohorts, repeat rate and churn against a pure-pandas reference built on pandas'
  own periods, on generated logs and in a hypothesis property test;
* RFM against lifetimes' ``summary_data_from_transaction_data`` (the test oracle) on a
  generated log and on the real CDNOW purchases lifetimes ships, and against the
  published CDNOW summary (Fader, Hardie & Lee) printed to two decimals;
* RFM scores and segments against pandas ranks and the classic R/F grid written as regexes;
* DuckDB and Spark give the same frames.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpath.analytics import retention as rt
from touchpath.errors import TouchpathError

MakeEvents = Callable[[Any], Any]

# lifetimes sets a pandas option pandas 3 deprecated when it is imported.
LIFETIMES_IMPORT = pytest.mark.filterwarnings(
    "ignore:The 'mode.chained_assignment' option is deprecated:pandas.errors.Pandas4Warning"
)
FREQ = {"month": "M", "quarter": "Q", "week": "W-SUN"}


def lifetimes_summary(*args: Any, **kwargs: Any) -> pd.DataFrame:
    from lifetimes.utils import summary_data_from_transaction_data

    return summary_data_from_transaction_data(*args, **kwargs)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- generated logs


def generated_log(seed: int, *, customers: int = 70, rows: int = 700) -> pd.DataFrame:
    """Purchases and other events over ~14 months: ties, same-day repeats, missing values."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-11-20", tz="UTC")
    seconds = rng.integers(0, 430 * 86_400, rows)
    seconds[::17] = seconds[1::17][: len(seconds[::17])]  # identical instants
    frame = pd.DataFrame(
        {
            "customer_id": rng.choice([f"c{i:03d}" for i in range(customers)], rows),
            "ts": start + pd.to_timedelta(seconds, "s"),
            "is_conversion": rng.random(rows) < 0.55,
            "value": rng.choice([np.nan, 9.99, 20.0, 35.5, 120.25], rows),
        }
    )
    # same-day repeat purchases for a few customers
    extra = frame[frame.is_conversion].head(25).copy()
    extra["ts"] = extra["ts"] + pd.Timedelta(hours=1)
    return pd.concat([frame, extra], ignore_index=True)


def period_of(ts: pd.Series, period: str) -> pd.Series:
    return ts.dt.tz_convert(None).dt.to_period(FREQ[period])


# --------------------------------------------------------------------------- pandas reference


def reference(
    frame: pd.DataFrame, period: str, end: date, churn_after: timedelta
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Periods, cohorts and the summary from their definitions, with pandas' periods."""
    end_at = pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=1)
    p = frame[frame.is_conversion & (frame.ts < end_at)].copy()
    p["per"] = period_of(p.ts, period)
    first_ts = p.groupby("customer_id").ts.min()
    first_per = p.groupby("customer_id").per.min()
    last = period_of(pd.Series([end_at - pd.Timedelta(days=1)]), period)[0]
    span = pd.period_range(p.per.min(), last)

    def active(at: pd.Timestamp) -> set[str]:
        return set(p[(p.ts >= at - churn_after) & (p.ts < at)].customer_id)

    rows = []
    for i, per in enumerate(span):
        start = per.start_time.tz_localize("UTC")
        stop = min(per.end_time.tz_localize("UTC").ceil("D"), end_at)
        s, e = active(start), active(stop)
        new = set(first_ts[(first_ts >= start) & (first_ts < stop)].index)
        inside = p[(p.ts >= start) & (p.ts < stop)]
        buyers = set(inside.customer_id)
        upto = p[p.ts < stop].groupby("customer_id").size()
        repeat = {c for c in buyers if upto[c] >= 2}
        rows.append(
            {
                "k": i,
                "period_start": per.start_time.date(),
                "purchasers": len(buyers),
                "orders": len(inside),
                "revenue": inside.value.fillna(0).sum(),
                "new_customers": len(new),
                "returning_customers": len(buyers - new),
                "repeat_purchasers": len(repeat),
                "repeat_rate": len(repeat) / len(buyers) if buyers else np.nan,
                "start_customers": len(s),
                "end_customers": len(e),
                "retained": len(s & e),
                "lost": len(s - e),
                "reactivated": len(e - s - new),
                "crr": (len(e) - len(new)) / len(s) if s else np.nan,
            }
        )
    periods = pd.DataFrame(rows)
    cohort_rows = []
    for c_i, cohort in enumerate(span):
        members = set(first_per[first_per == cohort].index)
        if not members:
            continue
        for offset in range(len(span) - c_i):
            target = span[c_i + offset]
            buyers = set(p[p.per == target].customer_id) & members
            cohort_rows.append(
                {
                    "cohort_start": cohort.start_time.date(),
                    "cohort_size": len(members),
                    "offset": offset,
                    "customers": len(buyers),
                    "share": len(buyers) / len(members),
                }
            )
    cohorts = pd.DataFrame(cohort_rows)
    counts = p.groupby("customer_id").size()
    last = p.groupby("customer_id").ts.max()
    active_now = int((last >= end_at - churn_after).sum())
    summary = {
        "customers": len(counts),
        "purchases": len(p),
        "repeat_customers": int((counts >= 2).sum()),
        "repeat_rate": float((counts >= 2).mean()),
        "active_customers": active_now,
        "churned_customers": len(counts) - active_now,
        "churn_rate": 1 - active_now / len(counts),
    }
    return periods, cohorts, summary


def check_against_reference(
    result: rt.Retention, frame: pd.DataFrame, churn_after: timedelta
) -> None:
    periods, cohorts, summary = reference(frame, result.period, result.end, churn_after)
    got = result.periods.copy()
    got["period_start"] = pd.to_datetime(got["period_start"]).dt.date
    pd.testing.assert_frame_equal(
        got[periods.columns].reset_index(drop=True),
        periods,
        check_dtype=False,
        check_exact=False,
        rtol=1e-12,
    )
    got_c = result.cohorts.copy()
    got_c["cohort_start"] = pd.to_datetime(got_c["cohort_start"]).dt.date
    pd.testing.assert_frame_equal(
        got_c[cohorts.columns].reset_index(drop=True), cohorts, check_dtype=False
    )
    s = result.summary.iloc[0]
    for key, value in summary.items():
        assert s[key] == pytest.approx(value, rel=1e-12), key


# --------------------------------------------------------------------------- CRR by hand


HAND_WORKED = [
    ("a", "2025-01-05"),
    ("a", "2025-01-20"),
    ("a", "2025-03-10"),
    ("b", "2025-01-10"),
    ("c", "2025-01-25"),
    ("c", "2025-03-20"),
    ("d", "2025-02-03"),
    ("e", "2025-02-20"),
    ("f", "2025-01-02"),
    ("f", "2025-03-25"),
    ("g", "2025-03-05"),
]


def test_crr_on_a_hand_worked_example(make_events: MakeEvents) -> None:
    """Months of 2025, end = 31 March, churn_after = 45 days.

    A customer is active at an instant t when they bought in [t - 45 days, t):

    ===== ============== ==================== ===================== ====================
    who   purchases      active 1 Feb          active 1 Mar          active 1 Apr
                         (since 18 Dec)        (since 15 Jan)        (since 15 Feb)
    ===== ============== ==================== ===================== ====================
    a     5 Jan, 20 Jan,  yes                  yes (20 Jan)          yes (10 Mar)
          10 Mar
    b     10 Jan          yes                  no                    no
    c     25 Jan, 20 Mar  yes                  yes                   yes
    d     3 Feb           no (not yet)         yes                   no (3 Feb < 15 Feb)
    e     20 Feb          no                   yes                   yes
    f     2 Jan, 25 Mar   yes                  no (2 Jan < 15 Jan)   yes (comes back)
    g     5 Mar           no                   no                    yes
    ===== ============== ==================== ===================== ====================

    January:  S = 0 (nobody before), E = 4 (a b c f), N = 4 → CRR undefined.
    February: S = 4 (a b c f), E = 4 (a c d e), N = 2 (d e) → CRR = (4 - 2) / 4 = 0.5;
              retained a c = 2, lost b f = 2, reactivated 0.
    March:    S = 4 (a c d e), E = 5 (a c e f g), N = 1 (g) → CRR = (5 - 1) / 4 = 1.0;
              retained a c e = 3, lost d = 1, reactivated f = 1 (E = 3 + 1 + 1).
    Purchasers: Jan a b c f (a twice: 1 repeat purchaser), Feb d e, Mar a c f g (3 repeat).
    At the end: 7 customers, 11 purchases, 3 bought twice or more (a c f), active a c e f g,
    churned b d → churn rate 2/7. Events that are not purchases, and a purchase after the
    end, change nothing.
    """
    rows: list[dict[str, Any]] = [
        {"customer_id": c, "ts": f"{d} 12:00", "is_conversion": True, "value": 10.0}
        for c, d in HAND_WORKED
    ]
    rows.append({"customer_id": "h", "ts": "2025-02-01 09:00", "is_conversion": False})
    rows.append({"customer_id": "i", "ts": "2025-04-02 09:00", "is_conversion": True})
    events = make_events(rows)
    end = date(2025, 3, 31)
    cal = rt.Calendar(period="month", first=date(2025, 1, 2), end=end)
    churn = timedelta(days=45)
    periods = rt.periods_table(events, cal, churn_after=churn).to_pandas()
    assert periods["period"].tolist() == ["2025-01", "2025-02", "2025-03"]
    assert periods["start_customers"].tolist() == [0, 4, 4]
    assert periods["end_customers"].tolist() == [4, 4, 5]
    assert periods["new_customers"].tolist() == [4, 2, 1]
    assert periods["retained"].tolist() == [0, 2, 3]
    assert periods["lost"].tolist() == [0, 2, 1]
    assert periods["reactivated"].tolist() == [0, 0, 1]
    assert np.isnan(periods["crr"].iloc[0])
    assert periods["crr"].iloc[1:].tolist() == [0.5, 1.0]
    assert periods["purchasers"].tolist() == [4, 2, 4]
    assert periods["orders"].tolist() == [5, 2, 4]
    assert periods["repeat_purchasers"].tolist() == [1, 0, 3]
    assert periods["returning_customers"].tolist() == [0, 0, 3]
    summary = rt.summary_table(events, end, churn_after=churn).to_pandas().iloc[0]
    assert (summary["customers"], summary["purchases"]) == (7, 11)
    assert (summary["repeat_customers"], summary["active_customers"]) == (3, 5)
    assert summary["churned_customers"] == 2
    assert summary["churn_rate"] == pytest.approx(2 / 7)


# --------------------------------------------------------------------------- vs pandas


@pytest.mark.parametrize(
    ("period", "churn_days", "end", "seed"),
    [
        ("month", 90, date(2025, 10, 17), 1),
        ("week", 30, date(2025, 3, 9), 2),
        ("quarter", 60, date(2025, 12, 31), 3),  # churn shorter than a quarter
        ("month", 365, None, 4),
    ],
)
def test_periods_cohorts_and_summary_match_pandas(
    duckdb_events: MakeEvents, period: str, churn_days: int, end: date | None, seed: int
) -> None:
    frame = generated_log(seed)
    churn = timedelta(days=churn_days)
    result = rt.retention(
        duckdb_events(frame),
        period=period,  # type: ignore[arg-type]
        end=end,
        churn_after=churn,
    )
    if end is None:
        assert result.end == frame[frame.is_conversion].ts.max().date()
    check_against_reference(result, frame, churn)
    # the summary's active customers are the last period's E
    assert result.summary["active_customers"].iloc[0] == result.periods["end_customers"].iloc[-1]


purchase = st.tuples(
    st.sampled_from(["a", "b", "c", "d", "e"]),
    st.integers(0, 150),  # day
    st.sampled_from([0, 0, 6, 23]),  # hour (ties are common)
    st.booleans(),  # is a purchase
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    log=st.lists(purchase, min_size=1, max_size=25),
    period=st.sampled_from(["month", "week", "quarter"]),
    churn_days=st.sampled_from([1, 20, 45, 120]),
    end_day=st.integers(0, 170),
)
def test_property_against_pandas(
    duckdb_events: MakeEvents, log: list[Any], period: str, churn_days: int, end_day: int
) -> None:
    base = pd.Timestamp("2025-01-01", tz="UTC")
    frame = pd.DataFrame(
        {
            "customer_id": [c for c, *_ in log],
            "ts": [base + pd.Timedelta(days=d, hours=h) for _c, d, h, _p in log],
            "is_conversion": [p for *_x, p in log],
            "value": [float(d) for _c, d, _h, _p in log],
        }
    )
    end = (base + pd.Timedelta(days=end_day)).date()
    first = frame[frame.is_conversion].ts.min()
    if pd.isna(first) or first.date() > end:
        with pytest.raises(TouchpathError):
            rt.retention(duckdb_events(frame), period=period, end=end)  # type: ignore[arg-type]
        return
    churn = timedelta(days=churn_days)
    result = rt.retention(
        duckdb_events(frame),
        period=period,  # type: ignore[arg-type]
        end=end,
        churn_after=churn,
    )
    check_against_reference(result, frame, churn)


# --------------------------------------------------------------------------- RFM vs lifetimes


@LIFETIMES_IMPORT
@pytest.mark.parametrize(("unit", "end"), [("D", date(2025, 10, 31)), ("W", date(2025, 11, 30))])
def test_rfm_equals_lifetimes_on_a_generated_log(
    duckdb_events: MakeEvents, unit: str, end: date
) -> None:
    frame = generated_log(11, customers=120, rows=1500)
    got = rt.rfm_table(duckdb_events(frame), end, unit=unit).to_pandas()  # type: ignore[arg-type]
    bought = frame[frame.is_conversion].assign(ts=lambda f: f.ts.dt.tz_convert(None))
    expected = lifetimes_summary(
        bought,
        "customer_id",
        "ts",
        monetary_value_col="value",
        observation_period_end=end.isoformat(),
        freq=unit,
    )
    assert (bought.ts.dt.date > end).any(), "the log should reach past the end"
    got = got.set_index("customer_id").loc[expected.index]
    assert len(got) == len(expected)
    for column in ("frequency", "recency", "T"):
        assert got[column].tolist() == expected[column].tolist(), column
    np.testing.assert_allclose(got["monetary_value"], expected["monetary_value"], rtol=1e-12)
    np.testing.assert_allclose(got["since_last"], expected["T"] - expected["recency"])


def cdnow(name: str, columns: list[str]) -> pd.DataFrame:
    path = files("lifetimes") / "datasets" / name
    with path.open("rb") as fh:
        raw = pd.read_csv(fh, sep=r"\s+", header=None, names=columns, dtype={"date": str})
    raw = raw[raw["date"].str.fullmatch(r"\d{8}")]  # the master file has a header line
    raw["ts"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    raw["dollars"] = raw["dollars"].astype(float)
    return raw


def cdnow_events(raw: pd.DataFrame, id_column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": raw[id_column].astype(str),
            "ts": raw["ts"].dt.tz_localize("UTC"),
            "is_conversion": True,
            "value": raw["dollars"].astype(float),
        }
    )


@LIFETIMES_IMPORT
def test_rfm_equals_lifetimes_on_cdnow(duckdb_events: MakeEvents) -> None:
    """All 69,659 CDNOW purchases of 23,570 customers (Jan 1997 - Jun 1998)."""
    raw = cdnow("CDNOW_master.txt", ["customer_id", "date", "cds", "dollars"])
    assert (len(raw), raw.customer_id.nunique()) == (69_659, 23_570)
    end = date(1998, 6, 30)
    got = rt.rfm_table(duckdb_events(cdnow_events(raw, "customer_id")), end).to_pandas()
    expected = lifetimes_summary(
        raw, "customer_id", "ts", monetary_value_col="dollars", observation_period_end="1998-06-30"
    )
    got = got.set_index("customer_id").loc[expected.index.astype(str)]
    for column in ("frequency", "recency", "T"):
        assert got[column].tolist() == expected[column].tolist(), column
    np.testing.assert_allclose(got["monetary_value"], expected["monetary_value"], rtol=1e-12)


def test_rfm_matches_the_published_cdnow_summary(duckdb_events: MakeEvents) -> None:
    """The 1/10 sample's 39-week calibration summary (x, t_x, T in weeks, zbar) to 2 decimals."""
    raw = cdnow("CDNOW_sample.txt", ["master", "id", "date", "cds", "dollars"])
    path = files("lifetimes") / "datasets" / "cdnow_customers_summary_with_transactions.csv"
    with path.open("rb") as fh:
        published = pd.read_csv(fh).set_index("ID")
    got = rt.rfm_table(duckdb_events(cdnow_events(raw, "id")), date(1997, 9, 30)).to_pandas()
    got = got.set_index(got["customer_id"].astype(int)).loc[published.index]
    assert got["frequency"].tolist() == published["x"].astype(float).tolist()
    assert ((got["recency"] / 7).round(2) - published["t_x"]).abs().max() < 1e-9
    assert ((got["T"] / 7).round(2) - published["T"]).abs().max() < 1e-9
    assert (got["monetary_value"] - published["zbar"]).abs().max() <= 0.005 + 1e-9


# --------------------------------------------------------------------------- scores, segments

GRID = {  # the classic R/F segment map, as marketers write it
    r"[1-2][1-2]": "hibernating",
    r"[1-2][3-4]": "at_risk",
    r"[1-2]5": "cannot_lose",
    r"3[1-2]": "about_to_sleep",
    r"33": "need_attention",
    r"[3-4][4-5]": "loyal",
    r"41": "promising",
    r"51": "new",
    r"[4-5][2-3]": "potential_loyalists",
    r"5[4-5]": "champions",
}


def test_rfm_scores_and_segments_match_pandas(duckdb_events: MakeEvents) -> None:
    frame = generated_log(5, customers=150, rows=1200)
    end = date(2025, 12, 31)
    events = duckdb_events(frame)
    scored = rt.rfm_scores(rt.rfm_table(events, end)).to_pandas()
    n = len(scored)

    def score(values: pd.Series) -> pd.Series:
        return 1 + (5 * (values.rank(method="min").astype(int) - 1)) // n

    assert scored["r_score"].tolist() == score(-scored["since_last"]).tolist()
    assert scored["f_score"].tolist() == score(scored["orders"]).tolist()
    assert scored["m_score"].tolist() == score(scored["revenue"]).tolist()
    for row in scored.itertuples():
        rf = f"{row.r_score}{row.f_score}"
        assert [s for p, s in GRID.items() if re.fullmatch(p, rf)] == [row.segment]
        assert row.rfm == f"{row.r_score}{row.f_score}{row.m_score}"
    bought = frame[frame.is_conversion & (frame.ts.dt.date <= end)]
    assert scored.set_index("customer_id")["orders"].to_dict() == (
        bought.groupby("customer_id").size().to_dict()
    )
    segments = rt.rfm_segments(rt.rfm_scores(rt.rfm_table(events, end))).to_pandas()
    assert segments["segment"].tolist() == [name for name, _r, _f in rt.SEGMENTS]
    by = scored.groupby("segment")
    for row in segments.itertuples():
        members = scored[scored.segment == row.segment]
        assert row.customers == len(members)
        assert row.share == pytest.approx(len(members) / n)
        assert row.revenue == pytest.approx(members.revenue.sum())
        assert row.revenue_share == pytest.approx(members.revenue.sum() / scored.revenue.sum())
        if len(members):
            assert row.since_last == pytest.approx(by.since_last.mean()[row.segment])
            assert row.orders == pytest.approx(by.orders.mean()[row.segment])
    assert segments["customers"].sum() == n


# --------------------------------------------------------------------------- engines, API


def test_duckdb_and_spark_agree(make_events: MakeEvents, duckdb_events: MakeEvents) -> None:
    frame = generated_log(21, customers=40, rows=300)
    here = rt.retention(make_events(frame), period="month", rfm=True)
    there = rt.retention(duckdb_events(frame), period="month", rfm=True)
    assert here.end == there.end
    for name in ("summary", "periods", "cohorts", "rfm", "segments"):
        pd.testing.assert_frame_equal(
            getattr(here, name), getattr(there, name), check_exact=False, rtol=1e-12
        )


def test_calendar_labels_and_the_cut_last_period() -> None:
    weeks = rt.Calendar(period="week", first=date(2024, 12, 31), end=date(2025, 1, 8)).frame()
    assert weeks["period"].tolist() == ["2025-W01", "2025-W02"]
    assert weeks["period_start"].tolist() == [date(2024, 12, 30), date(2025, 1, 6)]
    assert weeks["period_end"].tolist() == [date(2025, 1, 5), date(2025, 1, 8)]
    assert weeks["complete"].tolist() == [True, False]
    quarters = rt.Calendar(period="quarter", first=date(2024, 11, 5), end=date(2025, 3, 31))
    frame = quarters.frame()
    assert frame["period"].tolist() == ["2024-Q4", "2025-Q1"]
    assert frame["complete"].tolist() == [True, True]


def test_user_errors(duckdb_events: MakeEvents) -> None:
    events = duckdb_events(
        [{"customer_id": "a", "ts": "2025-03-01 10:00", "is_conversion": True, "value": 5.0}]
    )
    with pytest.raises(TouchpathError, match="unknown period 'year'"):
        rt.retention(events, period="year")  # type: ignore[arg-type]
    with pytest.raises(TouchpathError, match="first one is on 2025-03-01"):
        rt.retention(events, end=date(2025, 2, 28))
    with pytest.raises(TouchpathError, match="longer than zero"):
        rt.retention(events, churn_after=timedelta(0))
    with pytest.raises(TouchpathError, match="unknown RFM unit"):
        rt.rfm_table(events, date(2025, 3, 1), unit="M")  # type: ignore[arg-type]
    nothing = duckdb_events([{"customer_id": "a", "ts": "2025-03-01 10:00"}])
    with pytest.raises(TouchpathError, match="no purchases"):
        rt.retention(nothing)


def test_json_document(duckdb_events: MakeEvents) -> None:
    frame = generated_log(8, customers=30, rows=200)
    result = rt.retention(duckdb_events(frame), period="quarter", rfm=True)
    doc = json.loads(json.dumps(result.to_json()))
    assert doc["period"] == "quarter" and doc["churn_after_days"] == 90
    assert doc["end"] == result.end.isoformat()
    assert len(doc["periods"]) == len(result.periods)
    assert doc["periods"][0]["crr"] is None  # nobody is active before the first purchase
    assert doc["periods"][0]["period_start"] == str(result.periods["period_start"].iloc[0].date())
    assert len(doc["rfm"]) == doc["summary"]["customers"]
    assert {s["segment"] for s in doc["rfm_segments"]} == {name for name, _r, _f in rt.SEGMENTS}
    assert (
        sum(c["cohort_size"] for c in doc["cohorts"] if c["offset"] == 0)
        == (doc["summary"]["customers"])
    )
