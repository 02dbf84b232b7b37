"""Quarantine details: which rows failed, why, their real line numbers and raw text.

Rows that fail a check are collected into ``_tp_bad`` (ord, line, field, reason, raw);
lines DuckDB's CSV scanner rejected come from its rejects tables.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from touchpath.ingest.files import reject_lines, scan_newlines
from touchpath.ingest.mapping import Mapping
from touchpath.ingest.readers import REJECTS_TABLE, Reader, sql_literal
from touchpath.ingest.report import QuarantinedRow
from touchpath.ingest.typing_sql import ERRORS, ROWS, scalar

BAD = "_tp_bad"
"""The temporary table of quarantined rows, filled by :func:`collect_bad`."""

SAMPLE = 5
"""Quarantined rows shown in the report."""

_REJECT_REASONS: dict[str, str] = {
    "MISSING COLUMNS": "wrong number of columns: ",
    "TOO MANY COLUMNS": "wrong number of columns: ",
    "INVALID ENCODING": "invalid UTF-8 bytes (set encoding: in the mapping if the file is "
    "not UTF-8): ",
    "UNQUOTED VALUE": "unterminated quote: ",
    "LINE SIZE OVER MAXIMUM": "line too long: ",
}

_RAW_BY_LITERAL = 10_000


def collect_bad(
    con: duckdb.DuckDBPyConnection,
    reader: Reader,
    source: Path,
    staged: str,
    mapping: Mapping,
    staged_rows: int,
) -> None:
    """Fill ``_tp_bad`` (ord, line, field, reason, raw) with the rows that failed a check."""
    con.execute(f"DROP TABLE IF EXISTS {BAD}")
    con.execute(
        f"CREATE TEMP TABLE {BAD} (ord BIGINT, line BIGINT, field VARCHAR, reason VARCHAR, "
        "raw VARCHAR)"
    )
    tables = {str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if ROWS in tables:
        _bad_rows(con, mapping)
    rejects_sql = getattr(reader, "rejects_sql", None)
    if rejects_sql is not None:
        con.execute(
            f"INSERT INTO {BAD} SELECT NULL, line, field, reason, raw "
            f"FROM ({rejects_sql(source, mapping)})"
        )
    _fill_raw_by_line(con, staged)
    resolve = getattr(reader, "resolve_lines", None)
    has_rows = bool(scalar(con, f"SELECT EXISTS (SELECT 1 FROM {BAD})"))
    if resolve is not None and has_rows:
        resolve(con, source, BAD, staged_rows)


def _bad_rows(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> None:
    """Add the typed rows that failed a check, with field and reason, to ``_tp_bad``."""
    columns = {str(r[0]) for r in con.execute(f"DESCRIBE {ROWS}").fetchall()}
    ord = "ord" if "ord" in columns else "rowid"
    fields = " ".join(f"WHEN {code} THEN {sql_literal(f)}" for code, (f, _) in ERRORS.items())
    hint = (
        f"' (expected {mapping.timestamp_format}, ISO 8601 or epoch seconds/ms/µs)'"
        if mapping.timestamp_format
        else "' (expected ISO 8601 such as 2025-03-30T14:05:00+03:00, or epoch seconds/ms/µs)'"
    )
    reasons = " ".join(
        f"WHEN {code} THEN {reason.format(ts_hint=hint)}" for code, (_, reason) in ERRORS.items()
    )
    con.execute(
        f"""INSERT INTO {BAD}
            SELECT ord, line, CASE err {fields} END AS field,
                   CASE err {reasons} END AS reason, NULL::VARCHAR AS raw
            FROM (SELECT {ord} AS ord, line, err, '"' || coalesce(bad, '') || '"' AS bad
                  FROM {ROWS} WHERE err IS NOT NULL)"""
    )


def _fill_raw_by_line(con: duckdb.DuckDBPyConnection, staged: str) -> None:
    """Read the staged ``raw`` of the bad rows again, by their staged line number.

    Only the bad rows' raw text is built: a literal list of lines lets DuckDB filter
    before the staged projection. Rows without a staged line (CSV) get theirs from the
    reader's ``resolve_lines``.
    """
    lines = [
        int(r[0])
        for r in con.execute(
            f"SELECT DISTINCT line FROM {BAD} WHERE line IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    if not lines:
        return
    if len(lines) <= _RAW_BY_LITERAL:
        where = f"line IN ({', '.join(str(n) for n in lines)})"
    else:
        where = f"line IN (SELECT line FROM {BAD})"
    con.execute(
        f"""UPDATE {BAD} SET raw = x.raw
            FROM (SELECT line, raw FROM ({staged}) WHERE {where}) x
            WHERE {BAD}.line = x.line"""
    )


def rejected_records(
    con: duckdb.DuckDBPyConnection, source: Path
) -> list[tuple[int, str, str, str | None]]:
    """Lines DuckDB's CSV scanner rejected: (line, field, reason, raw), one per record."""
    lines = dict(reject_lines(con, source))
    if not lines:
        return []
    rows = con.execute(
        f"""SELECT line_byte_position, string_agg(DISTINCT error_type, ', '),
                   first(error_message ORDER BY byte_position), first(csv_line)
            FROM {REJECTS_TABLE} GROUP BY line_byte_position ORDER BY line_byte_position"""
    ).fetchall()
    _, newlines, ends_with_newline = scan_newlines(source, [])
    last_line = newlines if ends_with_newline else newlines + 1
    out: list[tuple[int, str, str, str | None]] = []
    for pos, types, message, raw in rows:
        first_type = str(types).split(", ")[0]
        prefix = _REJECT_REASONS.get(first_type, first_type.lower() + ": ")
        detail = str(message).strip().splitlines()[0] if message else ""
        counts = re.match(r"Expected Number of Columns: (\d+) Found: (\d+)", detail)
        if counts:
            detail = f"expected {counts[1]} columns, found {counts[2]}"
        line = lines[int(pos)]
        if line == last_line and not ends_with_newline:
            detail += " (the last line seems cut off)"
        text = str(raw).lstrip("\r\n") if raw is not None else None
        out.append((line, "line", prefix + detail, text))
    return out


def sample_rows(
    con: duckdb.DuckDBPyConnection, rejected: list[tuple[int, str, str, str | None]]
) -> list[QuarantinedRow]:
    rows = con.execute(
        f"SELECT line, field, reason FROM {BAD} ORDER BY line LIMIT {SAMPLE}"
    ).fetchall()
    found = [(r[0], r[1], r[2]) for r in rows] + [(r[0], r[1], r[2]) for r in rejected]
    found.sort(key=lambda r: (r[0] is None, r[0] or 0))
    return [QuarantinedRow(line=r[0], field=r[1], reason=str(r[2])) for r in found[:SAMPLE]]
