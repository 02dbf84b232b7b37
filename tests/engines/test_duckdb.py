"""The DuckDB events store: schema and two processes sharing one file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from touchpath.engines import DuckDBEngine
from touchpath.engines.duckdb import StoreBusyError
from touchpath.engines.schema import TABLES
from touchpath.errors import TouchpathError


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[bytes]:
    """Another process that opens the file read-write, says so, and keeps it a while."""
    code = textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        con.execute("INSERT INTO events (event_id, customer_id, ts, channel, is_conversion, seq)"
                    " VALUES ('x', 'c', now(), 'direct', false, 0)")
        print("locked", flush=True)
        time.sleep({seconds})
        con.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"locked"
    return proc


def finish(proc: subprocess.Popen[bytes]) -> None:
    proc.wait(timeout=30)
    assert proc.stdout is not None
    proc.stdout.close()


def test_create_makes_every_table_with_its_columns(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "e.duckdb")
    engine.create()
    engine.create()  # idempotent
    with engine.raw(read_only=True) as con:
        for name, columns in TABLES.items():
            got = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
            assert got == list(columns)


def test_a_reader_waits_for_a_writer_in_another_process(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "e.duckdb", lock_timeout=20)
    engine.create()
    proc = hold_lock(engine.path, 1.5)
    started = time.monotonic()
    con = engine.connect(read_only=True)
    waited = time.monotonic() - started
    try:
        assert con.execute(engine.events(con).count()) == 1  # sees the writer's commit
    finally:
        con.disconnect()
    finish(proc)
    assert waited > 0.2  # it really had to wait for the other process


def test_a_lock_held_too_long_is_a_clear_error(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "e.duckdb", lock_timeout=0.3)
    engine.create()
    proc = hold_lock(engine.path, 5)
    try:
        with (
            pytest.raises(StoreBusyError, match="in use by another touchpath process"),
            engine.raw(),
        ):
            pass
    finally:
        proc.kill()
        finish(proc)


def test_reading_a_store_that_does_not_exist(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "none.duckdb")
    with pytest.raises(TouchpathError, match="does not exist"):
        engine.connect(read_only=True)
    assert not engine.path.exists()
