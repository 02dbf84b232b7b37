"""Repeat purchases after an answer, by reaction: pandas result against a plain loop, and the
engine part on DuckDB."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import ibis
import pandas as pd

from touchpath.voc.retention import last_purchases, repeat_by_reaction


def test_against_a_plain_loop() -> None:
    rng = random.Random(3)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    customers = [f"c{i}" for i in range(60)]
    feedback = pd.DataFrame(
        [
            {
                "customer_id": rng.choice(customers),
                "touchpoint": rng.choice(["chat", "site"]),
                "reaction": rng.choice(["positive", "negative", "neutral"]),
                "ts": start + timedelta(days=rng.randint(0, 60)),
            }
            for _ in range(300)
        ]
    )
    purchases = {
        c: start + timedelta(days=rng.randint(0, 90)) for c in customers if rng.random() < 0.6
    }
    last = pd.DataFrame({"customer_id": list(purchases), "last_purchase": list(purchases.values())})
    out = repeat_by_reaction(feedback, last).set_index(["touchpoint", "reaction"])
    # independent: latest answer per (touchpoint, reaction, customer), bought strictly after it
    latest: dict[tuple[str, str, str], datetime] = {}
    for r in feedback.itertuples(index=False):
        k = (r.touchpoint, r.reaction, r.customer_id)
        latest[k] = max(latest.get(k, r.ts), r.ts)
    expected: dict[tuple[str, str], list[int]] = {}
    for (tp, reaction, customer), ts in latest.items():
        cell = expected.setdefault((tp, reaction), [0, 0])
        cell[0] += 1
        cell[1] += int(customer in purchases and purchases[customer] > ts)
    assert len(out) == len(expected)
    for key, (n, kept) in expected.items():
        assert (out.loc[key, "customers"], out.loc[key, "retained"]) == (n, kept)
        assert out.loc[key, "repeat_rate"] == kept / n


def test_last_purchases_in_the_engine() -> None:
    con = ibis.duckdb.connect()
    events = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "ts": pd.to_datetime(
                ["2025-01-01", "2025-03-01", "2025-02-01", "2025-04-01"], utc=True
            ),
            "is_conversion": [True, True, False, True],
        }
    )
    table = ibis.memtable(events)
    out = con.execute(last_purchases(table, ["a", "b"])).sort_values("customer_id")
    assert out["customer_id"].tolist() == ["a"]
    assert pd.Timestamp(out["last_purchase"].iloc[0]).date().isoformat() == "2025-03-01"
