"""The events store's tables, the same on every engine.

Column names and types are the contract between ingest (which writes) and analytics
(which read). Timestamps are instants (UTC); ``attributes`` is JSON text so every engine
can hold it. ``seq`` is the ingestion order: a customer's events are ordered by ``ts``, then
by ``seq`` (several things are often recorded in one instant, and the source's order is
the only tie-breaker that means anything).
"""

from __future__ import annotations

import pyarrow as pa

EVENT_COLUMNS: dict[str, str] = {
    "event_id": "VARCHAR NOT NULL",
    "customer_id": "VARCHAR NOT NULL",
    "ts": "TIMESTAMPTZ NOT NULL",
    "event_name": "VARCHAR",
    "touchpoint": "VARCHAR",
    "channel": "VARCHAR NOT NULL",
    "campaign": "VARCHAR",
    "source": "VARCHAR",
    "medium": "VARCHAR",
    "is_conversion": "BOOLEAN NOT NULL",
    "value": "DOUBLE",
    "currency": "VARCHAR",
    "attributes": "VARCHAR",
    "import_id": "BIGINT",
    "seq": "BIGINT NOT NULL",
}

EVENT_ARROW_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("event_name", pa.string()),
        pa.field("touchpoint", pa.string()),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("campaign", pa.string()),
        pa.field("source", pa.string()),
        pa.field("medium", pa.string()),
        pa.field("is_conversion", pa.bool_(), nullable=False),
        pa.field("value", pa.float64()),
        pa.field("currency", pa.string()),
        pa.field("attributes", pa.string()),
        pa.field("import_id", pa.int64()),
        pa.field("seq", pa.int64(), nullable=False),
    ]
)
"""Arrow form of :data:`EVENT_COLUMNS` (a test holds the two together)."""

QUARANTINE_COLUMNS: dict[str, str] = {
    "import_id": "BIGINT NOT NULL",
    "source": "VARCHAR NOT NULL",
    "line": "BIGINT",
    "field": "VARCHAR",
    "reason": "VARCHAR NOT NULL",
    "raw": "VARCHAR",
}

IMPORT_COLUMNS: dict[str, str] = {
    "import_id": "BIGINT NOT NULL",
    "source": "VARCHAR NOT NULL",
    "format": "VARCHAR NOT NULL",
    "started_at": "TIMESTAMPTZ NOT NULL",
    "finished_at": "TIMESTAMPTZ",
    "rows_read": "BIGINT NOT NULL",
    "imported": "BIGINT NOT NULL",
    "duplicates": "BIGINT NOT NULL",
    "quarantined": "BIGINT NOT NULL",
}

CUSTOMER_COLUMNS: dict[str, str] = {
    "customer_id": "VARCHAR NOT NULL",
    "name": "VARCHAR",
    "email": "VARCHAR",
    "phone": "VARCHAR",
    "language": "VARCHAR",
    "segment": "VARCHAR",
    "first_seen": "TIMESTAMPTZ",
    "attributes": "VARCHAR",
}

TABLES: dict[str, dict[str, str]] = {
    "events": EVENT_COLUMNS,
    "quarantine": QUARANTINE_COLUMNS,
    "imports": IMPORT_COLUMNS,
    "customers": CUSTOMER_COLUMNS,
}


def create_table_sql(name: str) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for one of :data:`TABLES` (DuckDB / ANSI types)."""
    cols = ",\n  ".join(f"{col} {typ}" for col, typ in TABLES[name].items())
    return f"CREATE TABLE IF NOT EXISTS {name} (\n  {cols}\n)"
