"""The workspace at a glance: how many touches, customers, conversions, and where.

Revenue is the sum of ``value`` over conversion events; a workspace mixing currencies gets
one row per currency from :func:`totals`' ``by_currency`` form, never a blind sum.
"""

from __future__ import annotations

import ibis


def totals(events: ibis.Table) -> ibis.Table:
    """One row: events, customers, first and last touch, converting events and customers."""
    conv = events.is_conversion
    return events.aggregate(
        events=events.count(),
        customers=events.customer_id.nunique(),
        first_ts=events.ts.min(),
        last_ts=events.ts.max(),
        conversions=conv.sum().fill_null(0).cast("int64"),
        converted_customers=events.customer_id.nunique(where=conv),
        touchpoints=events.touchpoint.nunique(),
    )


def revenue_by_currency(events: ibis.Table) -> ibis.Table:
    """Conversion value per currency (``value`` of conversion events)."""
    conv = events.filter(events.is_conversion & events.value.notnull())
    return (
        conv.group_by(currency=conv.currency.fill_null(""))
        .aggregate(revenue=conv.value.sum(), orders=conv.count())
        .order_by(ibis.desc("revenue"))
    )


def by_channel(events: ibis.Table) -> ibis.Table:
    """Touches, customers and conversions per channel group, biggest first."""
    return (
        events.group_by("channel")
        .aggregate(
            touches=events.count(),
            customers=events.customer_id.nunique(),
            conversions=events.is_conversion.sum().fill_null(0).cast("int64"),
        )
        .order_by([ibis.desc("touches"), "channel"])
    )


def by_touchpoint(events: ibis.Table) -> ibis.Table:
    """Touches and customers per touchpoint (unmapped events under an empty id)."""
    return (
        events.group_by(touchpoint=events.touchpoint.fill_null(""))
        .aggregate(
            touches=events.count(),
            customers=events.customer_id.nunique(),
            conversions=events.is_conversion.sum().fill_null(0).cast("int64"),
        )
        .order_by([ibis.desc("touches"), "touchpoint"])
    )
