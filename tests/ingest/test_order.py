"""``seq`` is each row's position in its file, also when DuckDB reads the file with several
threads: a CSV bigger than one scan range (DuckDB gives each thread about 8 MB) and a
Parquet file of many row groups, on the streaming path (the CSV through pyarrow's ordered
stream, or numbered by DuckDB) and on the materialised one (a file that repeats an id),
with a bad row in the middle.

Positions and line numbers come from Python's csv module and pyarrow, never from DuckDB.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from touchpath.engines import DuckDBEngine
from touchpath.ingest import import_events
from touchpath.ingest import pipeline as pipeline_module
from touchpath.ingest.files import CsvReader
from touchpath.ingest.pipeline import SEQ_PER_IMPORT

CSV_ROWS = 400_000
"""About 16 MB of CSV: two threads or more each scan a part of it."""

PARQUET_ROWS = 120_000
PARQUET_ROW_GROUP = 8_000

BAD_AT = 0.55
REPEAT_AT = 0.8


def _rows(n: int, *, repeat: bool) -> list[list[str]]:
    """``n`` data rows (id, customer, time, name); the ids are not in file order, one row
    in the middle has an unreadable time and, with ``repeat``, a later row repeats an
    earlier row's id."""
    rows = [
        [f"e{(i * 7919) % n:07d}", f"c{i % 997}", f"2025-03-01T10:{i % 60:02d}:00Z", "view"]
        for i in range(n)
    ]
    rows[int(n * BAD_AT)][2] = "not a time"
    if repeat:
        rows[int(n * REPEAT_AT)][0] = rows[3][0]
    return rows


def _stored_positions(engine: DuckDBEngine) -> dict[str, int]:
    """event_id → 1-based position its seq gives (all events of import 1)."""
    with engine.raw() as con:
        rows = con.execute("SELECT event_id, seq FROM events WHERE import_id = 1").fetchall()
    return {str(event_id): int(seq) - SEQ_PER_IMPORT for event_id, seq in rows}


def _expected_positions(records: list[list[str]]) -> dict[str, int]:
    """event_id → 1-based position of its first readable occurrence."""
    expected: dict[str, int] = {}
    for position, (event_id, _customer, ts, _name) in enumerate(records, start=1):
        if ts != "not a time":
            expected.setdefault(event_id, position)
    return expected


@pytest.mark.parametrize(
    ("repeat", "ordered_ctas", "stream"),
    [(False, True, True), (False, True, False), (True, True, True), (True, False, True)],
    ids=["streaming", "streaming-numbered", "materialised", "materialised-numbered"],
)
def test_csv_seq_is_the_file_position(
    engine: DuckDBEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    repeat: bool,
    ordered_ctas: bool,
    stream: bool,
) -> None:
    if not stream:
        # without pyarrow's ordered stream DuckDB reads the file and numbers its rows
        monkeypatch.setattr(CsvReader, "stream_staging_sql", lambda self, path, mapping: None)
    if not ordered_ctas:
        # the fallback when DuckDB cannot keep the order of the typed rows: number them
        monkeypatch.setattr(pipeline_module, "_keeps_order", lambda con, create: False)
    path = tmp_path / "big.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["event_id", "customer_id", "ts", "event_name"])
        writer.writerows(_rows(CSV_ROWS, repeat=repeat))
    assert path.stat().st_size > 12 * 1024 * 1024
    with path.open(newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))[1:]
    lines = path.read_text(encoding="utf-8").splitlines()

    report = import_events(engine, path)

    expected = _expected_positions(records)
    assert (report.imported, report.duplicates, report.quarantined) == (
        len(expected),
        1 if repeat else 0,
        1,
    )
    assert _stored_positions(engine) == expected
    bad = next(i for i, r in enumerate(records) if r[2] == "not a time")
    with engine.raw() as con:
        quarantined = con.execute("SELECT line, field, raw FROM quarantine").fetchall()
    assert quarantined == [(bad + 2, "ts", lines[bad + 1])]  # line 1 is the header


@pytest.mark.parametrize("repeat", [False, True], ids=["streaming", "materialised"])
def test_parquet_seq_is_the_file_position(
    engine: DuckDBEngine, tmp_path: Path, repeat: bool
) -> None:
    rows = _rows(PARQUET_ROWS, repeat=repeat)
    names = ["event_id", "customer_id", "ts", "event_name"]
    table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(names)})
    path = tmp_path / "groups.parquet"
    pq.write_table(table, path, row_group_size=PARQUET_ROW_GROUP)
    assert pq.ParquetFile(path).metadata.num_row_groups == PARQUET_ROWS // PARQUET_ROW_GROUP
    records = [list(r.values()) for r in pq.read_table(path).to_pylist()]

    report = import_events(engine, path)

    expected = _expected_positions(records)
    assert (report.imported, report.duplicates, report.quarantined) == (
        len(expected),
        1 if repeat else 0,
        1,
    )
    assert _stored_positions(engine) == expected
    bad = next(i for i, r in enumerate(records) if r[2] == "not a time")
    with engine.raw() as con:
        quarantined = con.execute("SELECT line, field FROM quarantine").fetchall()
    assert quarantined == [(bad + 1, "ts")]  # a Parquet row's line is its row number
