"""``touchpath retention`` on a demo workspace, checked against pandas on the same events."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from cli_support import demo_shop, run


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_shop(tmp_path_factory.mktemp("retention"), customers=400, seed=5)


@pytest.fixture(scope="module")
def bought(shop: Path) -> pd.DataFrame:
    """The shop's purchases, read straight from the events file."""
    con = duckdb.connect(str(shop / "events.duckdb"), read_only=True)
    try:
        query = "SELECT customer_id, ts, value FROM events WHERE is_conversion"
        frame = con.sql(query).to_arrow_table().to_pandas()
    finally:
        con.close()
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    assert frame.customer_id.nunique() >= 10, "the demo should have buyers"
    return frame


def retention_json(shop: Path, *args: str) -> dict[str, Any]:
    code, out, err = run("--workspace", str(shop), "retention", *args, "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_json_summary_periods_and_cohorts(shop: Path, bought: pd.DataFrame) -> None:
    doc = retention_json(shop)
    end = bought.ts.max().date()
    assert doc["end"] == end.isoformat() and doc["period"] == "month"
    counts = bought.groupby("customer_id").size()
    last = bought.groupby("customer_id").ts.max()
    cutoff = pd.Timestamp(end + timedelta(days=1), tz="UTC") - pd.Timedelta(days=90)
    active = int((last >= cutoff).sum())
    s = doc["summary"]
    assert s["customers"] == len(counts)
    assert s["purchases"] == len(bought)
    assert s["repeat_customers"] == int((counts >= 2).sum())
    assert s["active_customers"] == active
    assert s["churn_rate"] == pytest.approx(1 - active / len(counts))
    months = bought.ts.dt.tz_convert(None).dt.to_period("M")
    first_month = months.groupby(bought.customer_id).min()
    periods = pd.DataFrame(doc["periods"])
    assert periods["period"].tolist() == [
        str(p) for p in pd.period_range(months.min(), months.max())
    ]
    expected_new = first_month.value_counts()
    assert periods.set_index("period")["new_customers"].to_dict() == {
        p: int(expected_new.get(pd.Period(p, "M"), 0)) for p in periods["period"]
    }
    assert periods["purchasers"].tolist() == [
        bought[months == pd.Period(p, "M")].customer_id.nunique() for p in periods["period"]
    ]
    cohorts = pd.DataFrame(doc["cohorts"])
    sizes = cohorts[cohorts.offset == 0].set_index("cohort")["cohort_size"]
    assert sizes.to_dict() == {str(p): int(n) for p, n in expected_new.items()}
    assert "rfm" not in doc


def test_rfm_end_and_week(shop: Path, bought: pd.DataFrame) -> None:
    end = (bought.ts.min() + (bought.ts.max() - bought.ts.min()) / 2).date()
    doc = retention_json(shop, "--rfm", "--end", end.isoformat(), "--period", "week")
    kept = bought[bought.ts.dt.date <= end]
    assert doc["end"] == end.isoformat()
    periods = pd.DataFrame(doc["periods"])
    assert periods["period_end"].iloc[-1] == end.isoformat()
    first = kept.ts.min().date()
    monday = first - timedelta(days=first.weekday())
    iso = monday.isocalendar()
    assert periods["period"].iloc[0] == f"{iso[0]}-W{iso[1]:02d}"
    assert periods["period_start"].iloc[0] == monday.isoformat()
    rfm = pd.DataFrame(doc["rfm"]).set_index("customer_id")
    days = kept.assign(day=kept.ts.dt.date).groupby("customer_id").day
    assert len(rfm) == kept.customer_id.nunique()
    assert rfm["frequency"].to_dict() == (days.nunique() - 1).astype(float).to_dict()
    age = days.min().map(lambda d: float((end - d).days))
    assert rfm["T"].to_dict() == age.to_dict()
    assert rfm["orders"].to_dict() == kept.groupby("customer_id").size().to_dict()
    segments = pd.DataFrame(doc["rfm_segments"])
    assert segments["customers"].sum() == len(rfm)
    assert segments.set_index("segment")["customers"].to_dict() == {
        name: int((rfm["segment"] == name).sum()) for name in segments["segment"]
    }


def test_tables_and_html(shop: Path, tmp_path: Path) -> None:
    page = tmp_path / "retention.html"
    code, out, err = run(
        "--workspace", str(shop), "retention", "--rfm", "--period", "quarter", "--html", str(page)
    )
    assert code == 0, err
    for title in ("Retention up to", "Per period", "Cohorts by first purchase", "RFM segments"):
        assert title in out
    assert "Hibernating" in out or "Champions" in out or "New customers" in out
    html = page.read_text(encoding="utf-8")
    assert "plotly" in html.lower() and "Cohort retention" in html
    assert str(page) in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "year"], "unknown period 'year'"),
        (["--end", "2025-02-30"], "bad date '2025-02-30'"),
        (["--end", "1999-01-01"], "no purchases up to 1999-01-01"),
    ],
)
def test_user_errors_are_one_line(shop: Path, args: list[str], message: str) -> None:
    code, out, err = run("--workspace", str(shop), "retention", *args)
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_churn_after_must_be_positive(shop: Path) -> None:
    code, _out, _err = run("--workspace", str(shop), "retention", "--churn-after", "0")
    assert code == 2  # rejected by the option's range check


def test_churn_after_changes_the_active_base(shop: Path, bought: pd.DataFrame) -> None:
    doc = retention_json(shop, "--churn-after", "30")
    end = date.fromisoformat(doc["end"])
    cutoff = pd.Timestamp(end + timedelta(days=1), tz="UTC") - pd.Timedelta(days=30)
    active = bought[bought.ts >= cutoff].customer_id.nunique()
    assert doc["summary"]["active_customers"] == active
    assert doc["churn_after_days"] == 30
    assert doc["periods"][-1]["end_customers"] == active
