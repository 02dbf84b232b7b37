"""Analysis routes against figures computed here with pandas from the events file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from .conftest import Keys

Call = Callable[..., Any]


def events_of(root: Path, member: str) -> pd.DataFrame:
    con = duckdb.connect(str(root / member / "events.duckdb"), read_only=True)
    try:
        frame: pd.DataFrame = con.sql("SELECT * FROM events").to_arrow_table().to_pandas()
        return frame
    finally:
        con.close()


def test_journey_edges_equal_consecutive_pairs_counted_by_hand(
    call: Call, site: tuple[Path, Keys]
) -> None:
    events = events_of(site[0], "shop")
    mapped = events[events["touchpoint"].notna()].sort_values(
        ["customer_id", "ts", "seq", "event_id"]
    )
    pairs: Counter[tuple[str, str]] = Counter()
    for _customer, group in mapped.groupby("customer_id", sort=False):
        steps = list(group["touchpoint"])
        pairs.update(pairwise(steps))
    doc = call("GET", "shop", "viewer", "/journey").json()
    assert {(e["source"], e["target"]): e["count"] for e in doc["edges"]} == dict(pairs)
    assert doc["customers"] == mapped["customer_id"].nunique()


def test_funnel_first_step_and_any_order_counts(call: Call, site: tuple[Path, Keys]) -> None:
    events = events_of(site[0], "shop")
    # "any" order: the entry is the first context_ad; product_page at or after that instant
    entry = events[events["touchpoint"] == "context_ad"].groupby("customer_id")["ts"].min()
    pages = events[events["touchpoint"] == "product_page"]
    ad = set(entry.index)
    both = {
        c
        for c, ts in pages[["customer_id", "ts"]].itertuples(index=False)
        if c in ad and ts >= entry[c]
    }
    doc = call(
        "GET", "shop", "viewer", "/funnel?steps=context_ad&steps=product_page&mode=any"
    ).json()
    assert [s["customers"] for s in doc["steps"]] == [len(ad), len(both)]
    assert doc["steps"][1]["conversion_from_first"] == pytest.approx(len(both) / len(ad))


def test_retention_counts_purchases_and_purchasers(call: Call, site: tuple[Path, Keys]) -> None:
    events = events_of(site[0], "clinic")
    bought = events[events["is_conversion"]]
    summary = call("GET", "clinic", "viewer", "/retention").json()["summary"]
    assert summary["purchases"] == len(bought)
    assert summary["customers"] == bought["customer_id"].nunique()


def test_attribution_credits_add_up_to_the_conversions(call: Call) -> None:
    doc = call(
        "GET", "shop", "viewer", "/attribution?models=last&models=linear&models=markov"
    ).json()
    total = doc["totals"]["conversions"]
    assert total > 0
    for name in ("last", "linear", "markov"):
        credits = doc["models"][name]["channels"]
        assert sum(c["conversions"] for c in credits) == pytest.approx(total)
        assert sum(c["share"] for c in credits) == pytest.approx(1.0)
        assert all(c["conversions"] >= 0 for c in credits)
    assert doc["models"]["markov"]["conversion_probability"] is not None


def test_paths_shares_and_ordering(call: Call, site: tuple[Path, Keys]) -> None:
    doc = call("GET", "shop", "viewer", "/paths?top=5&by=channel").json()
    counts = [p["customers"] for p in doc["paths"]]
    assert counts == sorted(counts, reverse=True) and len(counts) == 5
    for p in doc["paths"]:
        assert p["share"] == pytest.approx(p["customers"] / doc["customers"])
        assert p["length"] == len(p["path"])


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("/funnel?steps=nowhere", "nowhere"),
        ("/funnel?window=soon", "soon"),
        ("/paths?from=ghost", "ghost"),
        ("/attribution?models=oracle", "oracle"),
        ("/attribution?lookback=later", "later"),
        ("/retention?end=4695-03-29", "4695"),  # found by the fuzzer: minutes of periods
    ],
)
def test_wrong_parameters_are_422_naming_them(call: Call, query: str, word: str) -> None:
    response = call("GET", "shop", "viewer", query)
    assert response.status_code == 422
    assert word in response.json()["detail"]


@pytest.mark.parametrize(
    "query", ["/paths?top=0", "/retention?period=year", "/journey?unit=x", "/funnel?mode=fast"]
)
def test_out_of_range_parameters_are_field_errors(call: Call, query: str) -> None:
    response = call("GET", "shop", "viewer", query)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"
