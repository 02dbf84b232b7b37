"""Spark: events as a folder of Parquet files, queried by PySpark when they outgrow one machine.

The folder is the store: touchpath appends one Parquet file per write (written aside and
renamed, so a reader never sees half a file), and Spark reads the whole folder. The same
folder can sit on a shared file system or be produced by the user's own pipelines, as long
as the files follow :data:`~touchpath.engines.schema.EVENT_ARROW_SCHEMA`.

Imports go through a DuckDB *ledger* beside the folder (``ingest.duckdb``): it gives a
Spark workspace the same guarantees as a DuckDB one (idempotent re-imports, quarantine,
the import log), and each import's accepted rows are then published as one Parquet file.

Spark starts once per process (about 12 s) and stays up for later queries.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from touchpath.engines.base import EngineUnavailableError, register_engine
from touchpath.engines.duckdb import DuckDBEngine
from touchpath.engines.schema import EVENT_ARROW_SCHEMA
from touchpath.errors import TouchpathError

_SESSION: Any = None


def spark_session(master: str = "local[*]", conf: dict[str, str] | None = None) -> Any:
    """The process's Spark session (started on first use), in UTC like the rest of touchpath."""
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailableError(
            "the spark engine needs PySpark: pip install 'touchpath[spark]'"
        ) from None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no warning about the host name
    builder = (
        SparkSession.builder.master(master)
        .appName("touchpath")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    _SESSION = builder.getOrCreate()
    _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


class SparkEngine:
    """Events in ``<workspace>/<path>/`` (default ``events/``) as Parquet, read by Spark."""

    name = "spark"

    def __init__(
        self, path: Path, *, master: str = "local[*]", conf: dict[str, str] | None = None
    ) -> None:
        self.path = path
        self.master = master
        self.conf = dict(conf or {})
        self.ledger = DuckDBEngine(path.parent / "ingest.duckdb")

    @classmethod
    def for_workspace(cls, root: Path, options: dict[str, Any]) -> SparkEngine:
        path = str(options.get("path", "events"))
        if path == "events.duckdb":  # the workspace default is DuckDB's file name
            path = "events"
        conf = {str(k): str(v) for k, v in dict(options.get("conf", {})).items()}
        return cls(root / path, master=str(options.get("master", "local[*]")), conf=conf)

    def create(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.ledger.create()

    def publish(self, import_id: int) -> int:
        """Copy one import's events from the ledger to the folder; returns the rows copied."""
        with self.ledger.raw(read_only=True) as con:
            table = con.sql(
                "SELECT * FROM events WHERE import_id = $1 ORDER BY seq", params=[import_id]
            ).to_arrow_table()
        if table.num_rows:
            self.append(table)
        return int(table.num_rows)

    def append(self, events: pa.Table) -> Path:
        """Add events as one new Parquet file; readers see all of it or none of it."""
        self.create()
        target = self.path / f"part-{uuid.uuid4().hex}.parquet"
        partial = target.with_suffix(".tmp")
        pq.write_table(events.cast(EVENT_ARROW_SCHEMA), partial)
        partial.replace(target)
        return target

    def connect(self, *, read_only: bool = False) -> ibis.BaseBackend:
        if not any(self.path.glob("*.parquet")):
            raise TouchpathError(f"{self.path}: the events store holds no Parquet files yet")
        session = spark_session(self.master, self.conf)
        con = ibis.pyspark.connect(session)  # through ibis, so that its options exist

        class SharedSession(type(con)):  # type: ignore[misc]
            """Disconnecting must not stop the process's one Spark (12 s to start again)."""

            def disconnect(self) -> None:
                pass

        con.__class__ = SharedSession
        return con

    def events(self, con: ibis.BaseBackend) -> ibis.Table:
        return con.read_parquet(str(self.path / "*.parquet"), table_name="events")


register_engine("spark", SparkEngine.for_workspace)
