"""The generator's contract: schema, determinism, ids, order, windows, consistent fields.

Every check counts with pandas or DuckDB on the returned tables, never with the
generator's own counters.
"""

from __future__ import annotations

import importlib
import json
import re
from datetime import UTC, date, datetime

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from touchpath.demo import DEFAULT_START, DemoData, generate, load_catalogue
from touchpath.demo.behaviours import BEHAVIOURS
from touchpath.demo.markov import check
from touchpath.engines.schema import CUSTOMER_COLUMNS, EVENT_COLUMNS, create_table_sql
from touchpath.ingest.channels import channel_group
from touchpath.model import ChannelGroup, Status

# ``touchpath.demo.generate`` the attribute is the function; the module is imported by path.
generate_module = importlib.import_module("touchpath.demo.generate")

SQL_TO_ARROW = {
    "VARCHAR": pa.string(),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "BOOLEAN": pa.bool_(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
}


def expected_schema(columns: dict[str, str]) -> pa.Schema:
    fields = []
    for name, sql in columns.items():
        base, _, rest = sql.partition(" ")
        fields.append(pa.field(name, SQL_TO_ARROW[base], nullable=rest != "NOT NULL"))
    return pa.schema(fields)


def test_events_schema_matches_the_store(demo: DemoData) -> None:
    assert demo.events.schema.equals(expected_schema(EVENT_COLUMNS))
    assert demo.events.schema.names == list(EVENT_COLUMNS)


def test_customers_schema_matches_the_store(demo: DemoData) -> None:
    assert demo.customers.schema.equals(expected_schema(CUSTOMER_COLUMNS))


def test_loads_into_the_store_tables(demo: DemoData) -> None:
    """DuckDB takes the tables as they are into tables made from the store's DDL."""
    con = duckdb.connect()
    for name, table in (("events", demo.events), ("customers", demo.customers)):
        con.execute(create_table_sql(name))
        con.register(f"demo_{name}", table)
        con.execute(f"insert into {name} select * from demo_{name}")
        assert con.execute(f"select count(*) from {name}").fetchone() == (table.num_rows,)


@pytest.mark.parametrize("business", ["clinic", "shop"])
def test_deterministic_by_seed(business: str) -> None:
    a = generate(business, customers=3000, seed=5)
    b = generate(business, customers=3000, seed=5)
    c = generate(business, customers=3000, seed=6)
    assert a.events.equals(b.events)
    assert a.customers.equals(b.customers)
    assert not a.events.equals(c.events)
    assert not a.customers.equals(c.customers)


def test_businesses_do_not_share_random_streams() -> None:
    clinic = generate("clinic", customers=500, seed=1).customers.column("first_seen")
    shop = generate("shop", customers=500, seed=1).customers.column("first_seen")
    assert not clinic.equals(shop)


def test_batches_and_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches keep the data the same size and ids continuous; progress ends at the total."""
    monkeypatch.setattr(generate_module, "BATCH", 700)
    calls: list[tuple[int, int]] = []
    data = generate("shop", customers=2000, seed=3, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 2000), (700, 2000), (1400, 2000), (2000, 2000)]
    ids = data.customers.column("customer_id").to_pylist()
    assert ids == [f"c{i:07d}" for i in range(2000)]
    again = generate("shop", customers=2000, seed=3)
    assert data.events.equals(again.events)


def test_ids(events: pd.DataFrame, customers: pd.DataFrame) -> None:
    assert events.event_id.is_unique
    assert customers.customer_id.is_unique
    assert set(events.customer_id) == set(customers.customer_id)
    assert events.event_id.str.match(r"^c\d{7}-\d{3}$").all()


def test_touchpoints_are_active_catalogue_ids(demo: DemoData, events: pd.DataFrame) -> None:
    active = {t.id for t in demo.catalogue.touchpoints if t.status is Status.ACTIVE}
    used = set(events.touchpoint.unique())
    assert used <= active
    assert len(used) >= 15


def test_sorted_by_customer_and_time_within_window(events: pd.DataFrame) -> None:
    keys = events[["customer_id", "ts"]]
    assert keys.equals(keys.sort_values(["customer_id", "ts"], kind="stable"))
    start = pd.Timestamp(datetime(2025, 1, 1, tzinfo=UTC))
    assert date(2025, 1, 1) == DEFAULT_START
    assert events.ts.min() >= start
    assert events.ts.max() < pd.Timestamp(datetime(2026, 1, 1, tzinfo=UTC))


def test_custom_window() -> None:
    data = generate("clinic", customers=2000, seed=2, start=date(2024, 3, 15), months=2)
    ts = data.events.column("ts").to_pandas()
    assert ts.min() >= pd.Timestamp("2024-03-15", tz="UTC")
    assert ts.max() < pd.Timestamp("2024-05-15", tz="UTC")
    # The first day fills up too: early local hours are moved into the window.
    assert (ts.dt.date == date(2024, 3, 15)).any()


def test_first_seen_is_the_first_touch(events: pd.DataFrame, customers: pd.DataFrame) -> None:
    first = events.groupby("customer_id").ts.min()
    seen = customers.set_index("customer_id").first_seen
    assert first.sort_index().equals(seen.sort_index())


def test_conversions_have_value_and_currency(demo: DemoData) -> None:
    con = duckdb.connect()
    con.register("events", demo.events)
    bad = con.execute(
        """
        select count(*) from events
        where (is_conversion and (value is null or value <= 0 or currency is distinct from 'RUB'))
           or (not is_conversion and (value is not null or currency is not null))
        """
    ).fetchone()
    assert bad == (0,)
    capture = {t.id for t in demo.catalogue.capture_points()}
    converted_at = con.execute(
        "select distinct touchpoint from events where is_conversion"
    ).fetchall()
    assert {row[0] for row in converted_at} <= capture
    assert con.execute("select count(*) from events where import_id is not null").fetchone() == (0,)


def test_channels_agree_with_utm_tags(events: pd.DataFrame) -> None:
    assert set(events.channel.unique()) <= {c.value for c in ChannelGroup}
    expected_medium = {
        "paid_search": {"cpc"},
        "organic_search": {"organic"},
        "email": {"email"},
        "sms": {"sms"},
        "referral": {"referral"},
        "display": {"cpm"},
        "paid_social": {"paid_social"},
        "social": {"social"},
        "direct": {"(none)"},
        "offline": {"offline"},
    }
    for channel, media in expected_medium.items():
        got = set(events.loc[events.channel == channel, "medium"].unique())
        assert got <= media, channel
    offline = events[events.channel == "offline"]
    assert set(offline.medium) == {"offline"}
    assert offline.campaign.isna().all()
    assert events.source.notna().all()
    ads = events[events.touchpoint == "context_ad"]
    assert set(ads.channel) == {"paid_search"}


def test_attributes_are_json(events: pd.DataFrame, customers: pd.DataFrame) -> None:
    for text in events.attributes.dropna().unique():
        assert isinstance(json.loads(text), dict)
    assert events.attributes.notna().mean() > 0.8
    for text in customers.attributes.unique():
        assert set(json.loads(text)) == {"city", "gender", "age_group"}


def test_fake_people(customers: pd.DataFrame) -> None:
    assert customers.name.str.match(r"^\w+ \w+$").all()
    emails = customers.email.dropna()
    assert emails.str.match(r"^[a-z]+\.[a-z]+\d*@(example\.(com|net|org)|mail\.example)$").all()
    phones = customers.phone.dropna()
    assert phones.str.match(r"^\+7 9\d\d \d{3}-\d\d-\d\d$").all()
    share_ru = (customers.language == "ru").mean()
    assert set(customers.language) == {"ru", "en"}
    assert 0.9 < share_ru < 0.99
    english = customers[customers.language == "en"].name
    assert not english.str.contains(re.compile("[а-яё]", re.IGNORECASE)).any()
    assert customers.segment.nunique() == 3


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="customers"):
        generate("shop", customers=0, seed=1)
    with pytest.raises(ValueError, match="months"):
        generate("shop", customers=10, seed=1, months=0)
    with pytest.raises(ValueError, match="bakery"):
        generate("bakery", customers=10, seed=1)


def test_behaviour_may_only_use_active_touchpoints() -> None:
    cat = load_catalogue("clinic")
    cat.touchpoint("online_chat").status = Status.PLANNED
    with pytest.raises(ValueError, match="online_chat"):
        check(BEHAVIOURS["clinic"], cat)


@pytest.mark.parametrize("business", ["clinic", "shop"])
def test_default_channel_grouping_agrees(business: str) -> None:
    """Re-imported without its channel column, the demo's tags give the same channels."""
    data = generate(business, customers=2000, seed=4)
    tags = data.events.select(["channel", "source", "medium", "campaign"]).to_pandas()
    tags = tags.drop_duplicates()
    for row in tags.itertuples():
        got = channel_group(row.source, row.medium, row.campaign, None, None, None)
        assert got.value == row.channel, row
