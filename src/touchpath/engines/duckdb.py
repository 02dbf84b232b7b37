"""DuckDB: the default events store, one file in the workspace.

DuckDB lets one process open a file read-write and nobody else at the same time
(NOTES.md), so every command opens, works and closes quickly, and a process that finds
the file locked waits for it (up to ``lock_timeout`` seconds) instead of failing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import ibis

from touchpath.engines.base import register_engine
from touchpath.engines.schema import TABLES, create_table_sql
from touchpath.errors import TouchpathError

T = TypeVar("T")


class StoreBusyError(TouchpathError):
    """Another process kept the events file locked for longer than we wait."""


def _wait_for_lock(open_: Callable[[], T], path: Path, timeout: float) -> T:
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            return open_()
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise TouchpathError(f"{path}: {exc}") from None
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"{path}: the events store is in use by another touchpath process; "
                    "try again when it finishes"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


class DuckDBEngine:
    """Events in ``<workspace>/<path>`` (default ``events.duckdb``)."""

    name = "duckdb"

    def __init__(self, path: Path, *, lock_timeout: float = 30.0) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    @classmethod
    def for_workspace(cls, root: Path, options: dict[str, Any]) -> DuckDBEngine:
        return cls(
            root / str(options.get("path", "events.duckdb")),
            lock_timeout=float(options.get("lock_timeout", 30.0)),
        )

    def create(self) -> None:
        """Create the store's tables (idempotent)."""
        with self.raw() as con:
            for name in TABLES:
                con.execute(create_table_sql(name))
            # stores made before ``seq`` existed get it (their rows keep insertion order)
            con.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS seq BIGINT DEFAULT 0")

    @contextmanager
    def raw(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A plain DuckDB connection for bulk writes (imports, demo); closed on exit."""
        if read_only and not self.path.exists():
            raise TouchpathError(f"{self.path}: the events store does not exist")
        con = _wait_for_lock(
            lambda: duckdb.connect(str(self.path), read_only=read_only),
            self.path,
            self.lock_timeout,
        )
        try:
            yield con
        finally:
            con.close()

    def connect(self, *, read_only: bool = False) -> ibis.BaseBackend:
        if read_only and not self.path.exists():
            raise TouchpathError(f"{self.path}: the events store does not exist")
        return _wait_for_lock(
            lambda: ibis.duckdb.connect(str(self.path), read_only=read_only),
            self.path,
            self.lock_timeout,
        )

    def events(self, con: ibis.BaseBackend) -> ibis.Table:
        return con.table("events")


register_engine("duckdb", DuckDBEngine.for_workspace)
