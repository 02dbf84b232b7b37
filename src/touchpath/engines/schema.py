"""The events store's tables, the same on every engine.

Column names and types are the contract between ingest (which writes) and analytics
(which read). Timestamps are instants (UTC); ``attributes`` is JSON text so every engine
can hold it.
"""

from __future__ import annotations

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
}

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
