"""A small workspace with a catalogue and real DuckDB events, for the trigger tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from touchpath.bootstrap import init_workspace, write_events
from touchpath.engines.schema import EVENT_ARROW_SCHEMA
from touchpath.model import Catalogue, Touchpoint
from touchpath.workspace import Workspace

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

CATALOGUE = Catalogue(
    business="Вольт",
    language="ru",
    currency="RUB",
    touchpoints=[
        Touchpoint(
            id="callback_form",
            name="Форма обратного звонка",
            channel="site",
            owner="Анна Смирнова",
            role="capture",
        ),
        Touchpoint(id="phone", name="Телефон", channel="phone", owner="Олег Петров"),
        Touchpoint(id="order_sms", name="SMS о статусе", channel="sms", automated=True),
    ],
)

CUSTOMERS: list[dict[str, Any]] = [
    {
        "customer_id": "c1",
        "name": "Анна",
        "email": "anna@example.com",
        "phone": "+79001112233",
        "language": "ru",
        "segment": "vip",
    },
    {
        "customer_id": "c2",
        "name": "John",
        "email": "john@example.com",
        "phone": "+441234567",
        "language": "en",
        "segment": None,
    },
]


def make_workspace(root: Path, db_url: str) -> Workspace:
    ws = init_workspace(root, catalogue=CATALOGUE, metadata_url=db_url)
    customers = pa.table(
        {
            "customer_id": [c["customer_id"] for c in CUSTOMERS],
            "name": [c["name"] for c in CUSTOMERS],
            "email": [c["email"] for c in CUSTOMERS],
            "phone": [c["phone"] for c in CUSTOMERS],
            "language": [c["language"] for c in CUSTOMERS],
            "segment": [c["segment"] for c in CUSTOMERS],
            "first_seen": pa.array([T0, T0], pa.timestamp("us", tz="UTC")),
            "attributes": [None, None],
        }
    )
    write_events(ws, _events([]), customers, source="test:customers")
    return ws


def _events(rows: list[dict[str, Any]]) -> pa.Table:
    columns: dict[str, list[Any]] = {f.name: [] for f in EVENT_ARROW_SCHEMA}
    for row in rows:
        full = {
            "channel": "direct",
            "is_conversion": False,
            "value": None,
            "currency": None,
            "campaign": None,
            "source": None,
            "medium": None,
            "attributes": None,
            "import_id": None,
            **row,
        }
        for name in columns:
            columns[name].append(full.get(name))
    return pa.table(columns, schema=EVENT_ARROW_SCHEMA)


def add_events(ws: Workspace, rows: list[dict[str, Any]]) -> None:
    """Append events; each row needs event_id, customer_id, ts, event_name, touchpoint, seq."""
    empty = pa.table(
        {
            "customer_id": pa.array([], pa.string()),
            "name": pa.array([], pa.string()),
            "email": pa.array([], pa.string()),
            "phone": pa.array([], pa.string()),
            "language": pa.array([], pa.string()),
            "segment": pa.array([], pa.string()),
            "first_seen": pa.array([], pa.timestamp("us", tz="UTC")),
            "attributes": pa.array([], pa.string()),
        }
    )
    write_events(ws, _events(rows), empty, source="test:events")
