"""Realism: the properties analytics will look for, with the bands the demo promises.

Each figure is counted here from the events table (pandas / DuckDB), independently of
the generator. Bands are wide enough for any seed at 20,000 customers and narrow enough
to catch a behaviour change that would make the demo tell a different story.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from touchpath.demo import DemoData
from touchpath.demo.behaviours import BEHAVIOURS
from touchpath.model import Role, Status

CONVERSION_BAND = {"clinic": (0.17, 0.30), "shop": (0.09, 0.20)}
FULFILMENT = {"clinic": {"reception"}, "shop": {"delivery", "store_pickup"}}
LOOP = {"clinic": ("site_page", "online_chat"), "shop": ("product_page", "cart")}
PEAK_MONTHS = {"clinic": {1, 2, 3, 10, 11}, "shop": {11, 12}}
TROUGH_MONTHS = {"clinic": {5, 6, 7, 8}, "shop": {1, 2, 4, 5, 6, 7}}
MSK = "Europe/Moscow"


def business(demo: DemoData) -> str:
    return "clinic" if "Здоровье" in demo.catalogue.business else "shop"


@pytest.fixture(scope="module")
def steps(events: pd.DataFrame) -> pd.DataFrame:
    """Consecutive touch pairs of one customer: previous touchpoint and the gap."""
    e = events[["customer_id", "ts", "touchpoint", "event_name", "channel", "is_conversion"]]
    e = e.copy()
    same = e.customer_id.eq(e.customer_id.shift())
    e["prev"] = e.touchpoint.shift().where(same)
    e["prev2"] = e.touchpoint.shift(2).where(same & e.customer_id.eq(e.customer_id.shift(2)))
    e["gap"] = (e.ts - e.ts.shift()).where(same)
    return e


def converted(events: pd.DataFrame) -> pd.Series:
    return events.groupby("customer_id").is_conversion.any()


def test_events_per_customer(events: pd.DataFrame, customers: pd.DataFrame) -> None:
    per = len(events) / len(customers)
    assert 7.0 <= per <= 11.0
    counts = events.groupby("customer_id").size()
    # Many short journeys and a long tail of loyal customers.
    assert counts.median() < per
    assert counts.max() >= 40


def test_conversion_rate_in_band(demo: DemoData) -> None:
    con = duckdb.connect()
    con.register("events", demo.events)
    row = con.execute(
        """
        select avg(c::double) from (
            select bool_or(is_conversion) as c from events group by customer_id)
        """
    ).fetchone()
    assert row is not None
    lo, hi = CONVERSION_BAND[business(demo)]
    assert lo <= row[0] <= hi


def test_drop_off_concentrated_before_purchase(demo: DemoData, events: pd.DataFrame) -> None:
    buyers = converted(events)
    lost_before = 1 - buyers.mean()
    after_capture = events[events.groupby("customer_id").is_conversion.cummax()]
    reached = after_capture[after_capture.touchpoint.isin(FULFILMENT[business(demo)])]
    lost_after = 1 - reached.customer_id.nunique() / buyers.sum()
    assert lost_before > 0.65
    assert lost_after < 0.2
    assert lost_before > 4 * lost_after


def test_loops(demo: DemoData, steps: pd.DataFrame) -> None:
    loops = steps[(steps.prev2 == steps.touchpoint) & (steps.prev != steps.touchpoint)]
    assert loops.customer_id.nunique() / steps.customer_id.nunique() > 0.02
    a, b = LOOP[business(demo)]
    pair = loops[(loops.touchpoint == a) & (loops.prev == b)]
    assert pair.customer_id.nunique() > 50


def test_off_chain_touches(demo: DemoData, events: pd.DataFrame) -> None:
    on_chain = {s for c in demo.catalogue.chains for s in c.steps}
    later = events[events.customer_id.eq(events.customer_id.shift())]
    off = later[~later.touchpoint.isin(on_chain)]
    assert off.customer_id.nunique() / events.customer_id.nunique() > 0.03


def test_skipped_steps(demo: DemoData, steps: pd.DataFrame) -> None:
    skips = {
        (c.steps[i], c.steps[i + 2]) for c in demo.catalogue.chains for i in range(len(c.steps) - 2)
    }
    designed = {
        (c.steps[i], c.steps[i + 1]) for c in demo.catalogue.chains for i in range(len(c.steps) - 1)
    }
    pairs = pd.Series(list(zip(steps.prev, steps.touchpoint, strict=True)), index=steps.index)
    skipped = steps[pairs.isin(skips - designed)]
    buyers = converted(steps).sum()
    assert skipped.customer_id.nunique() > 0.05 * buyers


def test_seasonality(demo: DemoData, customers: pd.DataFrame, events: pd.DataFrame) -> None:
    name = business(demo)
    local = customers.first_seen.dt.tz_convert(MSK)
    by_month = local.dt.month.value_counts()
    assert by_month.idxmax() in PEAK_MONTHS[name]
    assert by_month.idxmin() in TROUGH_MONTHS[name]
    assert by_month.max() > 1.5 * by_month.min()
    touches = events.ts.dt.tz_convert(MSK).dt.month.value_counts()
    assert touches.idxmax() in PEAK_MONTHS[name]
    by_weekday = local.dt.day_of_week.value_counts()
    if name == "clinic":
        assert by_weekday[0] > 1.6 * by_weekday[6]  # Monday vs Sunday
    assert (local.dt.hour < 6).mean() < 0.08


def test_repeat_purchasers(events: pd.DataFrame, steps: pd.DataFrame) -> None:
    per = events.groupby("customer_id").is_conversion.sum()
    assert (per >= 2).sum() / (per >= 1).sum() > 0.08
    # Repeat purchases are brought back by the final chord's e-mail or SMS.
    conv = events[events.is_conversion]
    rank = conv.groupby("customer_id").cumcount()
    first = conv[rank == 0].set_index("customer_id").ts
    second = conv[rank == 1].set_index("customer_id").ts
    e = events[events.customer_id.isin(second.index)]
    window = e[(e.ts > e.customer_id.map(first)) & (e.ts < e.customer_id.map(second))]
    nudged = window[window.channel.isin(["email", "sms"])].customer_id.nunique()
    assert nudged / len(second) > 0.7


def test_conversion_differs_by_entry_channel(demo: DemoData, events: pd.DataFrame) -> None:
    first = events.groupby("customer_id").channel.first()
    rate = converted(events).groupby(first).agg(["mean", "size"])
    rate = rate[rate["size"] >= 500]["mean"]
    assert len(rate) >= 4
    assert rate.max() > 3 * rate.min()
    assert rate["referral"] > rate["paid_search"] > rate["display"]


def test_entry_mix_follows_the_design(demo: DemoData, events: pd.DataFrame) -> None:
    expected: dict[str, float] = {}
    for entry in BEHAVIOURS[business(demo)].entries:
        expected[entry.touchpoint] = expected.get(entry.touchpoint, 0.0) + entry.share
    first = events.groupby("customer_id").touchpoint.first().value_counts(normalize=True)
    for tp, share in expected.items():
        assert first[tp] == pytest.approx(share / sum(expected.values()), abs=0.015), tp


def test_time_gaps(demo: DemoData, steps: pd.DataFrame) -> None:
    pages = steps[(steps.event_name == "page_view") & (steps.prev == steps.touchpoint)]
    assert pages.gap.median() < pd.Timedelta(minutes=5)
    cat = demo.catalogue
    capture = {t.id for t in cat.capture_points()}
    fulfil = steps[steps.touchpoint.isin(FULFILMENT[business(demo)])]
    # Days between a purchase and the visit or delivery it leads to.
    pair = fulfil[fulfil.customer_id.isin(steps[steps.touchpoint.isin(capture)].customer_id)]
    assert pd.Timedelta(hours=12) < pair.gap.median() < pd.Timedelta(days=7)


def test_offline_touches_keep_opening_hours(demo: DemoData, events: pd.DataFrame) -> None:
    for tp_id, step in BEHAVIOURS[business(demo)].steps.items():
        if step.hours is None:
            continue
        hours = events.loc[events.touchpoint == tp_id, "ts"].dt.tz_convert(MSK).dt.hour
        assert hours.between(step.hours[0], step.hours[1] - 1).all(), tp_id
    offline = events[events.channel == "offline"].touchpoint.unique()
    modes = {t.id: t.mode.value for t in demo.catalogue.touchpoints}
    assert {modes[tp] for tp in offline} <= {"offline", "hybrid"}


def test_sessions_expire_after_thirty_minutes(steps: pd.DataFrame) -> None:
    """A page view long after the previous touch starts a new, direct session."""
    late = steps[(steps.event_name == "page_view") & (steps.gap > pd.Timedelta(minutes=30))]
    assert len(late) > 100
    assert (late.channel == "direct").all()


def test_values_are_log_normal(demo: DemoData, events: pd.DataFrame) -> None:
    values = events.loc[events.is_conversion, "value"]
    assert values.mean() > values.median()
    logs = np.log(values)
    skew = float(((logs - logs.mean()) ** 3).mean() / logs.std() ** 3)
    assert -0.6 < skew < 0.6
    lo, hi = {"clinic": (2000, 5000), "shop": (5000, 15000)}[business(demo)]
    assert lo < values.median() < hi


def test_only_active_touchpoints_and_missing_ones_never(
    demo: DemoData, events: pd.DataFrame
) -> None:
    missing = {t.id for t in demo.catalogue.touchpoints if t.status is not Status.ACTIVE}
    assert not events.touchpoint.isin(missing).any()
    final = {t.id for t in demo.catalogue.touchpoints if t.role is Role.FINAL_CHORD}
    assert events.touchpoint.isin(final).any()
