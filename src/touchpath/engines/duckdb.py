"""DuckDB: the default events store, one file in the workspace.

DuckDB lets one process open a file read-write and nobody else at the same time
(NOTES.md), so writers open, write and close quickly; readers open read-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import ibis

from touchpath.engines.base import register_engine
from touchpath.engines.schema import TABLES, create_table_sql


class DuckDBEngine:
    """Events in ``<workspace>/<path>`` (default ``events.duckdb``)."""

    name = "duckdb"

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_workspace(cls, root: Path, options: dict[str, Any]) -> DuckDBEngine:
        return cls(root / str(options.get("path", "events.duckdb")))

    def create(self) -> None:
        """Create the store's tables (idempotent)."""
        with self.raw() as con:
            for name in TABLES:
                con.execute(create_table_sql(name))

    @contextmanager
    def raw(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A plain DuckDB connection for bulk writes (imports, demo); closed on exit."""
        con = duckdb.connect(str(self.path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def connect(self, *, read_only: bool = False) -> ibis.BaseBackend:
        return ibis.duckdb.connect(str(self.path), read_only=read_only)

    def events(self, con: ibis.BaseBackend) -> ibis.Table:
        return con.table("events")


register_engine("duckdb", DuckDBEngine.for_workspace)
