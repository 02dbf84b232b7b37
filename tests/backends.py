"""Backends for tests: every analysis runs on DuckDB and on Spark (local mode).

``make_events`` turns a few rows into an events table with the store's schema on the
backend under test, so a test reads the same on both engines::

    def test_something(make_events):
        events = make_events([{"customer_id": "a", "ts": "2025-01-01 10:00", ...}])

Spark starts once per test run (about 12 s); a test that should run on one engine only
uses the ``duckdb_events`` fixture instead.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from touchpath.engines.schema import EVENT_ARROW_SCHEMA

MakeEvents = Callable[[Sequence[Mapping[str, Any]] | pd.DataFrame], ibis.Table]

BACKENDS = ["duckdb", "spark"]
_names = itertools.count()


def events_arrow(rows: Sequence[Mapping[str, Any]] | pd.DataFrame) -> pa.Table:
    """Rows (dicts or a DataFrame) as an Arrow table of the events schema.

    Missing columns get defaults: ``event_id`` from the position, ``channel`` "direct",
    ``is_conversion`` False, ``seq`` the position (the ingestion order); ``ts`` may be
    text ("2025-01-01 10:00", read as UTC) or a timestamp.
    """
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    n = len(frame)
    defaults: dict[str, Any] = {
        "event_id": [f"e{i}" for i in range(n)],
        "channel": ["direct"] * n,
        "is_conversion": [False] * n,
        "seq": list(range(n)),
    }
    for column, values in defaults.items():
        if column not in frame:
            frame[column] = values
    if n:
        frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    for field in EVENT_ARROW_SCHEMA:
        if field.name not in frame:
            frame[field.name] = None
    frame = frame[EVENT_ARROW_SCHEMA.names]
    return pa.Table.from_pandas(frame, schema=EVENT_ARROW_SCHEMA, preserve_index=False)


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark for the whole run, in UTC, with its files in a temporary folder."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)  # type: ignore[attr-defined]
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("touchpath-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_con(spark_session: Any) -> ibis.BaseBackend:
    return ibis.pyspark.connect(spark_session)


def _duckdb_maker() -> MakeEvents:
    con = ibis.duckdb.connect()

    def make(rows: Sequence[Mapping[str, Any]] | pd.DataFrame) -> ibis.Table:
        return con.create_table(f"events_{next(_names)}", events_arrow(rows))

    return make


def _spark_maker(con: ibis.BaseBackend, folder: Path) -> MakeEvents:
    def make(rows: Sequence[Mapping[str, Any]] | pd.DataFrame) -> ibis.Table:
        name = f"events_{next(_names)}"
        path = folder / f"{name}.parquet"
        pq.write_table(events_arrow(rows), path)
        return con.read_parquet(str(path), table_name=name)

    return make


@pytest.fixture(params=BACKENDS)
def make_events(request: pytest.FixtureRequest, tmp_path: Path) -> MakeEvents:
    """Build an events table on the backend under test (DuckDB, then Spark)."""
    if request.param == "duckdb":
        return _duckdb_maker()
    con = request.getfixturevalue("spark_con")
    return _spark_maker(con, tmp_path)


@pytest.fixture
def duckdb_events() -> MakeEvents:
    """Build an events table on DuckDB only (for property tests with many examples)."""
    return _duckdb_maker()


@pytest.fixture
def spark_events(spark_con: ibis.BaseBackend, tmp_path: Path) -> MakeEvents:
    """Build an events table on Spark only (for a parity test beside ``duckdb_events``)."""
    return _spark_maker(spark_con, tmp_path)


# -- the PostgreSQL server the metadata tests use --------------------------------------------

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Any]:
    """An engine on the test server (TOUCHPATH_TEST_PG_URL); unreachable fails in CI, else skips."""
    import sqlalchemy as sa

    from touchpath.store.db import create_engine

    url = os.environ.get("TOUCHPATH_TEST_PG_URL", DEFAULT_PG_URL)
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as con:
            con.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        reason = f"PostgreSQL at {url} is unreachable: {str(exc).splitlines()[0]}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield engine
    engine.dispose()
