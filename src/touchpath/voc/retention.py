"""Do customers come back after what they said? Repeat purchases by reaction.

Users judge a touchpoint by CSAT, NPS, CES *and retention* (docs/voc.md). This joins the
feedback to the events: a customer who answered about a touchpoint is **retained** when they
made a purchase (a conversion event) after the answer. Per group and reaction:

    repeat_rate = retained customers / customers who answered

A touchpoint whose detractors come back far less often than its promoters costs customers,
not only goodwill. The engine part (:func:`last_purchases`) is an Ibis expression, executed by
the caller; :func:`repeat_by_reaction` is pandas.

>>> import pandas as pd
>>> fb = pd.DataFrame({"customer_id": ["a", "b"], "touchpoint": ["chat", "chat"],
...     "reaction": ["positive", "negative"],
...     "ts": pd.to_datetime(["2025-01-01", "2025-01-01"], utc=True)})
>>> last = pd.DataFrame({"customer_id": ["a"],
...     "last_purchase": pd.to_datetime(["2025-02-01"], utc=True)})
>>> out = repeat_by_reaction(fb, last)
>>> out[["touchpoint", "reaction", "customers", "retained"]].values.tolist()
[['chat', 'negative', 1, 0], ['chat', 'positive', 1, 1]]
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis.expr.types as ir
import pandas as pd

from touchpath.voc.kpi import group_values

__all__ = ["last_purchases", "repeat_by_reaction"]

COLUMNS = ["customers", "retained", "repeat_rate"]


def last_purchases(events: ir.Table, customer_ids: Sequence[str]) -> ir.Table:
    """The last conversion time of each of ``customer_ids`` (customer_id, last_purchase)."""
    ids = sorted({str(c) for c in customer_ids})
    bought = events.filter(events.is_conversion & events.customer_id.isin(ids))
    return bought.group_by("customer_id").aggregate(last_purchase=bought.ts.max())


def repeat_by_reaction(
    feedback: pd.DataFrame, last: pd.DataFrame, *, by: str = "touchpoint"
) -> pd.DataFrame:
    """Per group and reaction: customers who answered, those who bought afterwards, the rate.

    A customer counts once per group and reaction (their latest answer there); answers
    without a customer or a reaction are left out.
    """
    part = feedback.loc[feedback["customer_id"].notna() & feedback["reaction"].notna()]
    key = by if by != "all" else "group"
    if part.empty:
        return pd.DataFrame(columns=[key, "reaction", *COLUMNS])
    part = part.assign(group=group_values(part, by))
    latest = (
        part.groupby(["group", "reaction", "customer_id"], dropna=False)["ts"].max().reset_index()
    )
    last = last.assign(last_purchase=pd.to_datetime(last["last_purchase"], utc=True))
    merged = latest.merge(last, on="customer_id", how="left")
    merged["retained"] = (merged["last_purchase"] > pd.to_datetime(merged["ts"], utc=True)).astype(
        int
    )
    out = (
        merged.groupby(["group", "reaction"], dropna=False)
        .agg(customers=("customer_id", "size"), retained=("retained", "sum"))
        .reset_index()
    )
    out["customers"] = out["customers"].astype(int)
    out["retained"] = out["retained"].astype(int)
    out["repeat_rate"] = out["retained"] / out["customers"]
    out = out.rename(columns={"group": key})
    return out.sort_values([key, "reaction"], key=lambda s: s.astype(str)).reset_index(drop=True)
