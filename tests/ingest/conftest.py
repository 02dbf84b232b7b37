"""Fixtures for the import pipeline tests: a fresh events store and the sample files.

Expected numbers in the tests come from reading the same files with Python's own csv,
json, gzip and pyarrow modules, never from DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from touchpath.engines import DuckDBEngine


@pytest.fixture
def engine(tmp_path: Path) -> DuckDBEngine:
    """An empty events store in a temporary folder."""
    store = DuckDBEngine(tmp_path / "events.duckdb")
    store.create()
    return store


@pytest.fixture
def data_dir() -> Path:
    """The sample files of tests/ingest/data."""
    return Path(__file__).parent / "data"
