"""Retention and loyalty: who buys again, who stays, who has lapsed (docs/analytics/retention.md).

A purchase is a conversion event (``is_conversion``) and its ``value`` is the money. Every
figure counts purchases up to and including the day ``end`` (UTC); later ones are ignored,
as lifetimes' ``observation_period_end`` ignores them.

A customer is **active** at an instant ``t`` when they bought in the ``churn_after`` before
it (``t - churn_after <= ts < t``) and **churned** (lapsed) otherwise. Per period (month,
week or quarter, the last one cut at ``end``) the customer retention rate is

    CRR = (E - N) / S

with S the customers active at the period's start, E those active at its end and N the
customers whose first purchase falls in the period. The period table also splits E into
retained (active at both ends), reactivated (lapsed buyers who came back) and new, so the
formula's assumptions can be seen at work.

Everything is built as Ibis expressions and runs in the engine; only per-period and
per-cohort aggregates and, on request, one RFM row per customer come back.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, get_args

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from touchpath.errors import TouchpathError
from touchpath.i18n import _

Period = Literal["month", "week", "quarter"]
RfmUnit = Literal["D", "W"]
PERIODS: tuple[str, ...] = get_args(Period)
RFM_UNITS: tuple[str, ...] = get_args(RfmUnit)
DEFAULT_CHURN_AFTER = timedelta(days=90)

_DAY = 86_400
_UNIT_SECONDS = {"D": _DAY, "W": 7 * _DAY}
_MONTHS_PER_PERIOD = {"month": 1, "quarter": 3}  # weeks are counted in days
_EPOCH = date(1970, 1, 1)  # a Thursday: Monday-based week numbers shift by three days

# RFM segments from the recency and frequency scores (the common 5x5 grid); first match wins.
SEGMENTS: tuple[tuple[str, frozenset[int], frozenset[int]], ...] = (
    ("champions", frozenset({5}), frozenset({4, 5})),
    ("loyal", frozenset({3, 4}), frozenset({4, 5})),
    ("potential_loyalists", frozenset({4, 5}), frozenset({2, 3})),
    ("new", frozenset({5}), frozenset({1})),
    ("promising", frozenset({4}), frozenset({1})),
    ("need_attention", frozenset({3}), frozenset({3})),
    ("about_to_sleep", frozenset({3}), frozenset({1, 2})),
    ("cannot_lose", frozenset({1, 2}), frozenset({5})),
    ("at_risk", frozenset({1, 2}), frozenset({3, 4})),
    ("hibernating", frozenset({1, 2}), frozenset({1, 2})),
)


class UnknownPeriodError(TouchpathError):
    """A period or RFM unit we do not know."""


def check_period(period: str) -> Period:
    """``period`` if it is one we know, else a one-line error naming the choices."""
    if period not in PERIODS:
        raise UnknownPeriodError(
            _("unknown period {period!r}: use one of {choices}").format(
                period=period, choices=", ".join(PERIODS)
            )
        )
    return period  # type: ignore[return-value]


def period_start(day: date, period: Period) -> date:
    """The first day of the period holding ``day`` (weeks start on Monday, ISO 8601)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    months = _MONTHS_PER_PERIOD[period]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def _next_start(start: date, period: Period) -> date:
    if period == "week":
        return start + timedelta(days=7)
    month = start.month - 1 + _MONTHS_PER_PERIOD[period]
    return date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start: date, period: Period) -> str:
    """``2025-03``, ``2025-Q1`` or the ISO week ``2025-W09``."""
    if period == "week":
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _raw_index(day: date, period: Period) -> int:
    """A running number of the period holding ``day``; the engine computes the same."""
    if period == "week":
        return ((day - _EPOCH).days + 3) // 7
    return (day.year * 12 + day.month - 1) // _MONTHS_PER_PERIOD[period]


def _engine_index(ts: ir.TimestampValue, period: Period) -> ir.IntegerValue:
    if period == "week":
        days = ts.truncate("D").epoch_seconds() // _DAY
        return ((days + 3) // 7).cast("int64")
    months = ts.year() * 12 + ts.month() - 1
    return (months // _MONTHS_PER_PERIOD[period]).cast("int64")


def _instant(day: date) -> ir.TimestampScalar:
    """Midnight UTC at the start of ``day`` as an engine literal."""
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return ibis.literal(moment, type="timestamp('UTC')")


@dataclass(frozen=True)
class Calendar:
    """The periods from the first purchase's period to the one holding ``end``.

    Period ``k`` spans ``[boundary k, boundary k+1)``; the last boundary is the end of
    the day ``end``, so the last period may be cut short (``complete`` is False then).
    """

    period: Period
    first: date
    end: date

    def starts(self) -> list[date]:
        starts = [period_start(self.first, self.period)]
        while (nxt := _next_start(starts[-1], self.period)) <= self.end:
            starts.append(nxt)
        return starts

    @property
    def raw0(self) -> int:
        return _raw_index(self.first, self.period)

    def frame(self) -> pd.DataFrame:
        """One row per period: k, period (label), period_start, period_end (last day), complete."""
        starts = self.starts()
        ends = [s - timedelta(days=1) for s in starts[1:]]
        natural_last = _next_start(starts[-1], self.period) - timedelta(days=1)
        ends.append(min(natural_last, self.end))
        return pd.DataFrame(
            {
                "k": pd.Series(range(len(starts)), dtype="int64"),
                "period": [period_label(s, self.period) for s in starts],
                "period_start": starts,
                "period_end": ends,
                "complete": [True] * (len(starts) - 1) + [ends[-1] == natural_last],
            }
        )


def purchases(events: ir.Table, end: date) -> ir.Table:
    """Conversion events up to and including the day ``end`` (UTC)."""
    kept = events.filter(events.is_conversion, events.ts < _instant(end + timedelta(days=1)))
    return kept.select("customer_id", "ts", "seq", "value")


def _customer_periods(events: ir.Table, cal: Calendar) -> ir.Table:
    """One row per customer and period with a purchase: k, orders, revenue, fk (first k)."""
    p = purchases(events, cal.end)
    p = p.mutate(k=_engine_index(p.ts, cal.period) - cal.raw0)
    cp = p.group_by(["customer_id", "k"]).aggregate(
        orders=p.count(), revenue=p.value.sum().fill_null(0.0)
    )
    return cp.mutate(fk=cp.k.min().over(ibis.window(group_by="customer_id")))


def _spells(events: ir.Table, cal: Calendar, churn_after: timedelta) -> ir.Table:
    """A customer's unbroken stretches of being active, and the boundaries each covers.

    A purchase at ``ts`` keeps its buyer active over ``(ts, ts + churn_after]``; purchases
    closer than ``churn_after`` merge into one spell ``(first, last + churn_after]``. A
    spell covers boundaries ``lo..hi`` (none when ``hi < lo``): ``lo`` is the first
    boundary after its first purchase, ``hi`` the last one up to its end. Counting from
    spells keeps the work proportional to the purchases, not to customers x periods.
    """
    n = len(cal.starts())
    window = ibis.interval(seconds=int(churn_after.total_seconds()))
    p = purchases(events, cal.end)
    order = ibis.window(group_by="customer_id", order_by=["ts", "seq"])
    prev = p.ts.lag().over(order)
    p = p.mutate(fresh=ibis.ifelse(prev.isnull() | (p.ts > prev + window), 1, 0).cast("int64"))
    so_far = ibis.window(group_by="customer_id", order_by=["ts", "seq"], rows=(None, 0))
    p = p.mutate(spell=p.fresh.sum().over(so_far))
    s = p.group_by(["customer_id", "spell"]).aggregate(first=p.ts.min(), last=p.ts.max())
    until = s["last"] + window
    end_at = _instant(cal.end + timedelta(days=1))
    return s.select(
        "customer_id",
        "spell",
        lo=_engine_index(s["first"], cal.period) - cal.raw0 + 1,
        hi=ibis.ifelse(until >= end_at, n, _engine_index(until, cal.period) - cal.raw0).cast(
            "int64"
        ),
    )


def _activity(events: ir.Table, cal: Calendar, churn_after: timedelta) -> ir.Table:
    """Per period k: S (active at its start), E (at its end), retained, new_at_end.

    Spells are first counted by their (lo, hi) pair — a small table — and then summed
    along the boundary axis: active at k = spells with lo <= k <= hi; retained over period
    k = one spell covering k and k+1, or a customer's next covering spell starting at k+1
    right after one ending at k (``gap``); new_at_end = a covering spell starting in the
    customer's first period.
    """
    n = len(cal.starts())
    s = _spells(events, cal, churn_after)
    covers = s.hi >= s.lo
    earlier = ibis.window(group_by="customer_id", order_by="spell", rows=(None, -1))
    s = s.mutate(
        covers=covers,
        prev_hi=ibis.ifelse(covers, s.hi, ibis.null("int64")).max().over(earlier),
        first_lo=s.lo.min().over(ibis.window(group_by="customer_id")),
    )
    c = s.filter(s.covers)
    pairs = c.group_by(["lo", "hi"]).aggregate(
        spells=c.count(),
        gap=c.count(where=c.prev_hi == c.lo - 1),
        new_at_end=c.count(where=c.lo == c.first_lo),
    )
    both = ibis.ifelse(pairs.hi > pairs.lo, pairs.spells, 0)
    by_lo = pairs.group_by("lo").aggregate(
        starting=pairs.spells.sum(),
        both_starting=both.sum(),
        gap=pairs.gap.sum(),
        new_at_end=pairs.new_at_end.sum(),
    )
    by_hi = pairs.group_by("hi").aggregate(ending=pairs.spells.sum(), both_ending=both.sum())
    axis = ibis.memtable({"k": pd.Series(range(n + 1), dtype="int64")})
    t = axis.left_join(by_lo, axis.k == by_lo.lo).left_join(by_hi, axis.k == by_hi.hi)
    names = ("starting", "both_starting", "gap", "new_at_end", "ending", "both_ending")
    t = t.select(axis.k, **{c: t[c].fill_null(0).cast("int64") for c in names})
    running = ibis.window(order_by="k", rows=(None, 0))
    t = t.mutate(
        active=t.starting.sum().over(running) - t.ending.sum().over(running) + t.ending,
        spanning=t.both_starting.sum().over(running) - t.both_ending.sum().over(running),
    )
    ahead = ibis.window(order_by="k")
    t = t.mutate(
        next_active=t.active.lead().over(ahead),
        next_gap=t.gap.lead().over(ahead),
        next_new=t.new_at_end.lead().over(ahead),
    )
    return t.filter(t.k < n).select(
        "k",
        start_customers=t.active.cast("int64"),
        end_customers=t.next_active.cast("int64"),
        retained=(t.spanning + t.next_gap).cast("int64"),
        new_at_end=t.next_new.cast("int64"),
    )


def periods_table(
    events: ir.Table, cal: Calendar, *, churn_after: timedelta = DEFAULT_CHURN_AFTER
) -> ir.Table:
    """Per period: purchasers, orders, revenue, new/returning/repeat buyers, S, E, CRR.

    ``repeat_purchasers`` bought in the period and have at least two purchases by its end;
    ``repeat_rate`` is their share of the period's purchasers.
    """
    cp = _customer_periods(events, cal)
    stats = cp.group_by("k").aggregate(
        purchasers=cp.count(),
        orders=cp.orders.sum(),
        revenue=cp.revenue.sum(),
        new_customers=cp.count(where=cp.k == cp.fk),
        returning_customers=cp.count(where=cp.k > cp.fk),
        repeat_purchasers=cp.count(where=(cp.k > cp.fk) | (cp.orders >= 2)),
    )
    act = _activity(events, cal, churn_after)
    cal_t = ibis.memtable(cal.frame())
    t = cal_t.left_join(stats, cal_t.k == stats.k).left_join(act, cal_t.k == act.k)
    counts = (
        "purchasers",
        "orders",
        "new_customers",
        "returning_customers",
        "repeat_purchasers",
        "start_customers",
        "end_customers",
        "retained",
        "new_at_end",
    )
    t = t.select(
        cal_t.k,
        cal_t.period,
        cal_t.period_start,
        cal_t.period_end,
        cal_t.complete,
        **{name: t[name].fill_null(0).cast("int64") for name in counts},
        revenue=t.revenue.fill_null(0.0).cast("float64"),
    )
    return t.mutate(
        repeat_rate=ibis.ifelse(t.purchasers > 0, t.repeat_purchasers / t.purchasers, ibis.null()),
        lost=t.start_customers - t.retained,
        reactivated=t.end_customers - t.retained - t.new_at_end,
        crr=ibis.ifelse(
            t.start_customers > 0,
            (t.end_customers - t.new_customers) / t.start_customers,
            ibis.null(),
        ).cast("float64"),
    ).order_by("k")


def cohorts_table(events: ir.Table, cal: Calendar) -> ir.Table:
    """Cohorts by first purchase period: the share buying again ``offset`` periods later.

    One row per cohort and observed offset (zeros included); offset 0 is the whole cohort.
    """
    n = len(cal.starts())
    p = purchases(events, cal.end)
    p = p.mutate(k=_engine_index(p.ts, cal.period) - cal.raw0)
    cp = p.select("customer_id", "k").distinct()
    cp = cp.mutate(fk=cp.k.min().over(ibis.window(group_by="customer_id")))
    counts = cp.group_by(["fk", (cp.k - cp.fk).name("offset")]).aggregate(customers=cp.count())
    grid = ibis.memtable(
        pd.DataFrame(
            [(fk, offset) for fk in range(n) for offset in range(n - fk)],
            columns=["fk", "offset"],
            dtype="int64",
        )
    )
    t = grid.left_join(counts, [grid.fk == counts.fk, grid.offset == counts.offset])
    t = t.select(grid.fk, grid.offset, customers=t.customers)
    t = t.mutate(cohort_size=t.customers.max().over(ibis.window(group_by="fk")))
    t = t.filter(t.cohort_size.notnull())
    cal_t = ibis.memtable(cal.frame()[["k", "period", "period_start"]])
    t = t.join(cal_t, t.fk == cal_t.k)
    customers = t.customers.fill_null(0).cast("int64")
    return t.select(
        cohort=t.period,
        cohort_start=t.period_start,
        cohort_size=t.cohort_size.cast("int64"),
        offset=t.offset,
        customers=customers,
        share=(customers / t.cohort_size).cast("float64"),
    ).order_by(["cohort_start", "offset"])


def summary_table(
    events: ir.Table, end: date, *, churn_after: timedelta = DEFAULT_CHURN_AFTER
) -> ir.Table:
    """One row at ``end``: customers, purchases, repeat rate, active, churned, churn rate."""
    p = purchases(events, end)
    per = p.group_by("customer_id").aggregate(n=p.count(), last=p.ts.max())
    active_since = _instant(end + timedelta(days=1)) - ibis.interval(
        seconds=int(churn_after.total_seconds())
    )
    t = per.aggregate(
        customers=per.count(),
        purchases=per.n.sum().fill_null(0).cast("int64"),
        repeat_customers=per.count(where=per.n >= 2),
        active_customers=per.count(where=per.last >= active_since),
    )
    return t.mutate(
        repeat_rate=ibis.ifelse(t.customers > 0, t.repeat_customers / t.customers, ibis.null()),
        churned_customers=t.customers - t.active_customers,
        churn_rate=ibis.ifelse(
            t.customers > 0, (t.customers - t.active_customers) / t.customers, ibis.null()
        ),
    )


def rfm_table(events: ir.Table, end: date, *, unit: RfmUnit = "D") -> ir.Table:
    """Per customer, as lifetimes' ``summary_data_from_transaction_data`` defines it.

    Purchases are grouped by ``unit`` (day or Monday week, UTC); values in one unit add
    up. ``frequency`` = purchase units after the first; ``recency`` = first to last;
    ``T`` = first to ``end``'s unit; ``monetary_value`` = mean value of the repeat units
    (0 without any). Extra columns: orders, revenue, since_last (= T - recency),
    first_purchase and last_purchase (dates).
    """
    if unit not in RFM_UNITS:
        raise UnknownPeriodError(
            _("unknown RFM unit {unit!r}: use one of {choices}").format(
                unit=unit, choices=", ".join(RFM_UNITS)
            )
        )
    step = _UNIT_SECONDS[unit]
    p = purchases(events, end)
    units = p.group_by(["customer_id", p.ts.truncate(unit).epoch_seconds().name("at")]).aggregate(
        value=p.value.sum().fill_null(0.0),
        orders=p.count(),
        first_ts=p.ts.min(),
        last_ts=p.ts.max(),
    )
    units = units.mutate(is_first=units.at == units.at.min().over(group_by="customer_id"))
    per = units.group_by("customer_id").aggregate(
        count=units.count(),
        first=units.at.min(),
        last=units.at.max(),
        repeat_value=units.value.sum(where=~units.is_first),
        orders=units.orders.sum(),
        revenue=units.value.sum(),
        first_ts=units.first_ts.min(),
        last_ts=units.last_ts.max(),
    )
    end_start = end - timedelta(days=end.weekday()) if unit == "W" else end
    end_at = int((end_start - _EPOCH).days) * _DAY
    recency = ((per["last"] - per["first"]) / step).cast("float64")
    age = ((end_at - per["first"]) / step).cast("float64")
    return per.select(
        "customer_id",
        frequency=(per["count"] - 1).cast("float64"),
        recency=recency,
        T=age,
        monetary_value=ibis.ifelse(
            per["count"] > 1, per.repeat_value / (per["count"] - 1), 0.0
        ).cast("float64"),
        orders=per.orders.cast("int64"),
        revenue=per.revenue.cast("float64"),
        since_last=age - recency,
        first_purchase=per.first_ts.date(),
        last_purchase=per.last_ts.date(),
    ).order_by("customer_id")


def _quintile(rank0: ir.IntegerValue, n: ir.IntegerValue) -> ir.IntegerValue:
    """1..5 from a 0-based rank (ties share the lowest rank, so they share a score)."""
    return ((rank0 * 5) // n + 1).cast("int64")


def rfm_scores(rfm: ir.Table) -> ir.Table:
    """RFM scores 1-5 (5 = best) and a segment for each customer of :func:`rfm_table`.

    R ranks ``since_last`` (recent buyers score high), F ranks ``orders`` and M ranks
    ``revenue``; score = 1 + floor(5 x rank / customers), with tied values sharing the lowest
    rank. The segment comes from R and F (:data:`SEGMENTS`).
    """
    everyone = ibis.window()
    n = rfm.count().over(everyone)
    scored = rfm.mutate(
        r_score=_quintile(ibis.rank().over(order_by=ibis.desc(rfm.since_last)), n),
        f_score=_quintile(ibis.rank().over(order_by=rfm.orders), n),
        m_score=_quintile(ibis.rank().over(order_by=rfm.revenue), n),
    )
    segment = ibis.cases(
        *(
            (scored.r_score.isin(sorted(r)) & scored.f_score.isin(sorted(f)), name)
            for name, r, f in SEGMENTS
        )
    )
    rfm_code = (
        scored.r_score.cast("string")
        .concat(scored.f_score.cast("string"))
        .concat(scored.m_score.cast("string"))
    )
    return scored.mutate(rfm=rfm_code, segment=segment).order_by("customer_id")


def rfm_segments(scored: ir.Table) -> ir.Table:
    """Per segment (all ten, empty ones as zeros): customers, shares, typical R, F, M."""
    agg = scored.group_by("segment").aggregate(
        customers=scored.count(),
        since_last=scored.since_last.mean(),
        orders=scored.orders.mean(),
        revenue=scored.revenue.sum(),
        average_revenue=scored.revenue.mean(),
    )
    names = ibis.memtable(
        {
            "order": pd.Series(range(len(SEGMENTS)), dtype="int64"),
            "segment": [name for name, _r, _f in SEGMENTS],
        }
    )
    t = names.left_join(agg, names.segment == agg.segment)
    t = t.select(
        names.order,
        segment=names.segment,
        customers=t.customers.fill_null(0).cast("int64"),
        since_last=t.since_last.cast("float64"),
        orders=t.orders.cast("float64"),
        average_revenue=t.average_revenue.cast("float64"),
        revenue=t.revenue.fill_null(0.0).cast("float64"),
    )
    everyone = ibis.window()
    all_customers = t.customers.sum().over(everyone)
    all_revenue = t.revenue.sum().over(everyone)
    return (
        t.mutate(
            share=ibis.ifelse(all_customers > 0, t.customers / all_customers, 0.0).cast("float64"),
            revenue_share=ibis.ifelse(all_revenue > 0, t.revenue / all_revenue, 0.0).cast(
                "float64"
            ),
        )
        .select(
            "order",
            "segment",
            "customers",
            "share",
            "since_last",
            "orders",
            "average_revenue",
            "revenue",
            "revenue_share",
        )
        .order_by("order")
    )


@dataclass(frozen=True)
class Retention:
    """What :func:`retention` computed, as tidy frames (columns in docs/analytics/retention.md)."""

    end: date
    period: Period
    churn_after: timedelta
    summary: pd.DataFrame
    periods: pd.DataFrame
    cohorts: pd.DataFrame
    rfm: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None

    def to_json(self) -> dict[str, Any]:
        """The one JSON document of ``touchpath retention --json`` (see the docs page)."""
        doc: dict[str, Any] = {
            "end": self.end.isoformat(),
            "period": self.period,
            "churn_after_days": self.churn_after.total_seconds() / _DAY,
            "summary": records(self.summary)[0],
            "periods": records(self.periods.drop(columns="k")),
            "cohorts": records(self.cohorts),
        }
        if self.rfm is not None and self.segments is not None:
            doc["rfm_segments"] = records(self.segments.drop(columns="order"))
            doc["rfm"] = records(self.rfm)
        return doc


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: None for NaN/NaT, ISO dates, Python numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a result frame as JSON-ready dicts."""
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _as_day(value: object) -> date:
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.date()


def calendar_for(events: ir.Table, *, period: Period, end: date | None = None) -> Calendar:
    """Look up the first purchase (and the last, when ``end`` is not given) in the engine."""
    check_period(period)
    conv = events.filter(events.is_conversion)
    bounds = conv.aggregate(first=conv.ts.min(), last=conv.ts.max()).to_pandas().iloc[0]
    if pd.isna(bounds["first"]):
        raise TouchpathError(_("no purchases (conversion events) to analyse"))
    first = _as_day(bounds["first"])
    last = end if end is not None else _as_day(bounds["last"])
    if last < first:
        raise TouchpathError(
            _("no purchases up to {end}: the first one is on {first}").format(
                end=last.isoformat(), first=first.isoformat()
            )
        )
    return Calendar(period=period, first=first, end=last)


def retention(
    events: ir.Table,
    *,
    period: Period = "month",
    end: date | None = None,
    churn_after: timedelta = DEFAULT_CHURN_AFTER,
    rfm: bool = False,
    rfm_unit: RfmUnit = "D",
) -> Retention:
    """Run every retention figure in the engine and bring back the small tables.

    ``end`` defaults to the day of the last purchase. ``churn_after`` is how long without a
    purchase makes a customer lapsed; ``rfm`` adds the per-customer RFM table and segments.
    """
    if churn_after <= timedelta(0):
        raise TouchpathError(_("churn_after must be longer than zero"))
    cal = calendar_for(events, period=period, end=end)
    scored = rfm_scores(rfm_table(events, cal.end, unit=rfm_unit)) if rfm else None
    return Retention(
        end=cal.end,
        period=cal.period,
        churn_after=churn_after,
        summary=summary_table(events, cal.end, churn_after=churn_after).to_pandas(),
        periods=periods_table(events, cal, churn_after=churn_after).to_pandas(),
        cohorts=cohorts_table(events, cal).to_pandas(),
        rfm=scored.to_pandas() if scored is not None else None,
        segments=rfm_segments(scored).to_pandas() if scored is not None else None,
    )
