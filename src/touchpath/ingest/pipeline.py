"""Import touch events: read → type and check → deduplicate → store, all inside DuckDB.

The reader's staged relation (all text) is typed in one vectorised pass into a temporary
table; rows that fail a check keep their reason there. Then, in **one transaction**, the
good rows go to ``events``, the bad ones to ``quarantine`` and the counts to ``imports``:
a failure leaves nothing half-imported.

Re-importing a file adds nothing: rows without an ``event_id`` get a stable one (an md5 of
customer, UTC time, event name, touchpoint, url and value; the k-th identical row of a file
gets ``md5(id#k)``), and rows whose id is already stored, or repeats earlier in the same
file, count as duplicates.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from touchpath.engines.schema import TABLES, create_table_sql
from touchpath.errors import TouchpathError
from touchpath.ingest.channels import channel_group_sql
from touchpath.ingest.files import (
    needs_transcoding,
    reject_lines,
    scan_newlines,
    transcode_to_utf8,
)
from touchpath.ingest.mapping import Mapping
from touchpath.ingest.readers import (
    REJECTS_SCANS,
    REJECTS_TABLE,
    ImportFileError,
    Reader,
    base_suffix,
    detect_format,
    get_reader,
    sql_literal,
)
from touchpath.ingest.report import ImportReport, QuarantinedRow
from touchpath.ingest.rules import UnknownTouchpointError, touchpoint_sql
from touchpath.model.catalogue import Catalogue

__all__ = ["ImportFileError", "ImportReport", "import_events"]

Progress = Callable[[str, float], None]

_ROWS = "_tp_rows"
_BAD = "_tp_bad"
_SAMPLE = 5
_TEXT_FORMATS = ("csv", "jsonl")

TRUE_WORDS = ("1", "true", "t", "yes", "y", "on", "да", "истина")
FALSE_WORDS = ("0", "false", "f", "no", "n", "off", "нет", "ложь")

# err code → (field, reason as SQL over the failing text `bad`)
_ERRORS: dict[int, tuple[str, str]] = {
    1: ("customer_id", "'missing customer_id'"),
    2: ("customer_id", "'customer_id is longer than 200 characters or starts with NUL'"),
    3: ("event_id", "'event_id is longer than 200 characters or starts with NUL'"),
    4: ("ts", "'missing timestamp'"),
    5: ("ts", "'cannot read timestamp ' || bad || {ts_hint}"),
    6: ("value", "'value ' || bad || ' is not a number'"),
    7: ("is_conversion", "'is_conversion ' || bad || ' is not true/false (1/0, yes/no)'"),
    8: ("currency", "'currency ' || bad || ' is not a 3-letter code such as EUR'"),
    9: (
        "currency",
        "'value ' || bad || ' has no currency; add a currency column or currency: to the mapping'",
    ),
    10: ("touchpoint", "'unknown touchpoint ' || bad || ': not in the catalogue'"),
}

_REJECT_REASONS: dict[str, str] = {
    "MISSING COLUMNS": "wrong number of columns: ",
    "TOO MANY COLUMNS": "wrong number of columns: ",
    "INVALID ENCODING": "invalid UTF-8 bytes (set encoding: in the mapping if the file is "
    "not UTF-8): ",
    "UNQUOTED VALUE": "unterminated quote: ",
    "LINE SIZE OVER MAXIMUM": "line too long: ",
}


def import_events(
    engine: Any,
    path: Path,
    *,
    mapping: Mapping | None = None,
    fmt: str | None = None,
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the touch events of one file into the engine's events store.

    Parameters
    ----------
    engine
        A :class:`~touchpath.engines.DuckDBEngine` (anything with ``raw()`` giving a
        DuckDB connection).
    path
        CSV/TSV, JSON Lines or Parquet (``.gz`` allowed), or a vendor export.
    mapping
        Column mapping, time settings and touchpoint rules; default: match by name.
    fmt
        Format name (see :data:`~touchpath.ingest.readers.READERS`); default: the
        mapping's ``format``, else detected from the file.
    catalogue
        When given, touchpoint ids not in it are quarantined.
    progress
        Called as ``progress(stage, fraction)`` at the stages read, validate, write.

    Raises
    ------
    ImportFileError
        The file cannot be read at all (missing, empty, a folder, not the format).

    >>> import tempfile, pathlib
    >>> from touchpath.engines import DuckDBEngine
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> text = "customer_id,ts,event_name\\nc1,2025-03-30T10:00:00Z,visit\\n"
    >>> _ = (tmp / "e.csv").write_text(text)
    >>> engine = DuckDBEngine(tmp / "events.duckdb")
    >>> engine.create()
    >>> import_events(engine, tmp / "e.csv").imported
    1
    >>> import_events(engine, tmp / "e.csv").duplicates
    1
    """
    started = time.perf_counter()
    path = Path(path)
    mapping = mapping or Mapping()
    _check_file(path)
    name = fmt or mapping.format or detect_format(path)
    reader = get_reader(name)
    step = progress or (lambda stage, fraction: None)
    step("read", 0.0)
    with _prepared(reader, path, mapping) as source:
        staged = reader.staging_sql(source, mapping)
        with engine.raw() as con:
            types = _staged_types(con, staged) if reader.format != "csv" else {}
            plan = _plan(staged, mapping, catalogue, types)
            report = _run(con, reader, path, source, plan, mapping, step)
    report.seconds = time.perf_counter() - started
    step("write", 1.0)
    return report


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    if path.is_dir():
        raise ImportFileError(f"{path}: is a folder, not a file")
    if path.stat().st_size == 0:
        raise ImportFileError(f"{path}: the file is empty")


@contextlib.contextmanager
def _prepared(reader: Reader, path: Path, mapping: Mapping) -> Iterator[Path]:
    """The path the reader scans: transcoded to UTF-8 and/or the reader's ``prepare``."""
    cleanup: list[Path] = []
    tmpdir = Path(tempfile.gettempdir()).resolve()
    try:
        current = path
        if reader.format in _TEXT_FORMATS and needs_transcoding(mapping.encoding):
            fd, name = tempfile.mkstemp(prefix="touchpath-", suffix=".utf8" + base_suffix(path))
            os.close(fd)
            current = transcode_to_utf8(path, mapping.encoding, Path(name))
            cleanup.append(current)
        prepare = getattr(reader, "prepare", None)
        if prepare is not None:
            prepared = Path(prepare(current))
            if prepared != current and prepared.resolve().is_relative_to(tmpdir):
                cleanup.append(prepared)
            current = prepared
        yield current
    finally:
        for temp in cleanup:
            temp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- typing SQL


def _trimmed(col: str) -> str:
    """``col`` without surrounding spaces, NULL when empty; copies only strings that have
    them (``trim`` on every row costs as much as the cast after it)."""
    return (
        f"nullif(CASE WHEN starts_with({col}, ' ') OR ends_with({col}, ' ') "
        f"THEN trim({col}) ELSE {col} END, '')"
    )


def _ts_sql(text: str, mapping: Mapping) -> str:
    """TIMESTAMPTZ from text: custom format, ISO 8601, or epoch s/ms/µs/ns; else NULL.

    Naive times are read in the session time zone, which the import sets to the
    mapping's ``timezone``. The ISO cast ignores surrounding spaces itself; the other
    forms (tried only where it fails) get a trimmed value.
    """
    col = f"trim({text})"
    tries = []
    fmt = mapping.timestamp_format
    if fmt:
        parsed = f"try_strptime({col}, {sql_literal(fmt)})"
        tries.append(parsed if ("%z" in fmt or "%Z" in fmt) else f"CAST({parsed} AS TIMESTAMPTZ)")
    tries.append(f"TRY_CAST({text} AS TIMESTAMPTZ)")
    digits = f"length(ltrim({col}, '-'))"
    epoch = (
        f"CASE WHEN regexp_full_match({col}, '-?[0-9]{{9,19}}') THEN timezone('UTC', "
        f"make_timestamp(CASE WHEN {digits} <= 11 THEN CAST({col} AS BIGINT) * 1000000 "
        f"WHEN {digits} <= 14 THEN CAST({col} AS BIGINT) * 1000 "
        f"WHEN {digits} <= 17 THEN CAST({col} AS BIGINT) "
        f"ELSE CAST({col} AS BIGINT) // 1000 END)) "
        f"WHEN regexp_full_match({col}, '-?[0-9]{{9,11}}\\.[0-9]+') "
        f"THEN to_timestamp(CAST({col} AS DOUBLE)) END"
    )
    tries.append(epoch)
    return "coalesce(" + ", ".join(tries) + ")"


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(sql_literal(w) for w in words)


def _typed_sql(
    staged: str,
    mapping: Mapping,
    catalogue: Catalogue | None,
    types: dict[str, str] | None = None,
) -> str:
    """The SELECT that types and checks every staged row (the columns of ``_tp_rows``).

    The staged text of the columns channel grouping and touchpoint rules read is kept as
    it is; those expressions run later once per distinct combination (see
    :func:`_dimension_table`). ``raw`` is not read here, so DuckDB never builds it for
    good rows.
    """
    known = {tp.id for tp in catalogue.touchpoints} if catalogue is not None else None
    types = types or {}
    conv_in = "s.is_conversion"
    if types.get("is_conversion") == "BOOLEAN":
        conv_in = "NULL::VARCHAR"
        conversion = "coalesce(s.is_conversion, false)"
    else:
        conv_words = "lower(trim(s.is_conversion))"
        conversion = (
            f"CASE WHEN s.is_conversion IS NULL OR trim(s.is_conversion) = '' THEN false "
            f"WHEN {conv_words} IN ({_words(TRUE_WORDS)}) THEN true "
            f"WHEN {conv_words} IN ({_words(FALSE_WORDS)}) THEN false END"
        )
    if mapping.conversion is not None and mapping.conversion.events:
        names = ", ".join(sql_literal(n.lower()) for n in mapping.conversion.events)
        conversion = f"(coalesce(lower(s.event_name) IN ({names}), false) OR {conversion})"
    value_text = "s.value"
    if types.get("value", "VARCHAR") != "VARCHAR":
        # numbers need no parsing; only a NaN/infinity needs its text (for the reason)
        value = "CAST(s.value AS DOUBLE)"
        value_text = f"CASE WHEN NOT isfinite({value}) THEN CAST(s.value AS VARCHAR) END"
    else:
        value_in = "trim(s.value)"
        value = (
            f"coalesce(TRY_CAST(s.value AS DOUBLE), CASE WHEN regexp_full_match({value_in}, "
            f"'-?[0-9 ]+,[0-9]+') THEN TRY_CAST(replace(replace({value_in}, ' ', ''), ',', '.') "
            "AS DOUBLE) END)"
        )
    ts_text = "s.ts"
    ts = _ts_sql("nullif(s.ts, '')", mapping)
    if types.get("ts", "VARCHAR") != "VARCHAR":
        # naive TIMESTAMP/DATE values are read in the session (mapping) time zone, as text is
        ts_text, ts = "NULL::VARCHAR", "CAST(s.ts AS TIMESTAMPTZ)"
    default_currency = sql_literal(mapping.currency) if mapping.currency else "NULL"
    currency = f"upper(coalesce({_trimmed('s.currency')}, {default_currency}))"
    # url and referrer have no column in `events`: they join the attributes object.
    extra = (
        "concat_ws(',', CASE WHEN s.url IS NOT NULL THEN '\"url\":' || to_json(s.url) END, "
        "CASE WHEN s.referrer IS NOT NULL THEN '\"referrer\":' || to_json(s.referrer) END, "
        "nullif(substr(s.attributes, 2, length(s.attributes) - 2), ''))"
    )
    attributes = (
        "CASE WHEN s.url IS NULL AND s.referrer IS NULL THEN s.attributes "
        "WHEN s.attributes IS NULL AND s.referrer IS NULL "
        "THEN CAST(json_object('url', s.url) AS VARCHAR) "
        f"ELSE '{{' || {extra} || '}}' END"
    )
    typed = f"""
        SELECT s.line, {ts_text} AS ts_in, {value_text} AS value_in, {conv_in} AS conv_in,
               {_trimmed("s.event_id")} AS given_id,
               {_trimmed("s.customer_id")} AS customer_id,
               {ts} AS ts,
               s.event_name, s.touchpoint, s.channel, s.campaign, s.source, s.medium,
               s.referrer, s.url,
               {conversion} AS is_conversion,
               {value} AS value,
               {currency} AS currency,
               {attributes} AS attributes
        FROM ({staged}) s
    """
    checks: list[tuple[int, str]] = [
        (1, "t.customer_id IS NULL"),
        (2, "strlen(t.customer_id) > 200 AND length(t.customer_id) > 200"),
        (2, "t.customer_id < chr(1)"),
        (3, "strlen(t.given_id) > 200 AND length(t.given_id) > 200"),
        (3, "t.given_id < chr(1)"),
        (4, "t.ts IS NULL AND nullif(trim(t.ts_in), '') IS NULL"),
        (5, "t.ts IS NULL"),
        (6, "t.value IS NULL AND nullif(trim(t.value_in), '') IS NOT NULL"),
        (6, "NOT isfinite(t.value)"),
        (7, "t.is_conversion IS NULL"),
        (8, "t.currency IS NOT NULL AND NOT regexp_full_match(t.currency, '[A-Z]{3}')"),
        (9, "t.currency IS NULL AND t.value <> 0"),
    ]
    if known is not None:
        ids = ", ".join(sql_literal(k) for k in sorted(known)) or "NULL"
        checks.append(
            (
                10,
                f"nullif(trim(t.touchpoint), '') IS NOT NULL AND trim(t.touchpoint) NOT IN ({ids})",
            )
        )
    err = "CASE " + " ".join(f"WHEN {cond} THEN {code}" for code, cond in checks) + " END"
    bad = """CASE e.err
            WHEN 5 THEN e.ts_in WHEN 6 THEN e.value_in WHEN 7 THEN e.conv_in
            WHEN 8 THEN e.currency WHEN 9 THEN CAST(e.value AS VARCHAR)
            WHEN 10 THEN e.touchpoint END"""
    hashed = (
        "md5(concat_ws(chr(31), e.customer_id, CAST(epoch_us(e.ts) AS VARCHAR), "
        "coalesce(e.event_name, ''), coalesce(e.touchpoint, ''), coalesce(e.url, ''), "
        "coalesce(CAST(e.value AS VARCHAR), '')))"
    )
    return f"""
        SELECT e.line, coalesce(e.given_id, {hashed}) AS event_id,
               e.given_id IS NULL AS derived, false AS dup,
               e.customer_id, e.ts, e.event_name, e.touchpoint, e.channel, e.campaign,
               e.source, e.medium, e.referrer, e.url,
               coalesce(e.is_conversion, false) AS is_conversion,
               e.value, e.currency, e.attributes, e.err,
               CASE WHEN e.err IS NOT NULL THEN left({bad}, 200) END AS bad
        FROM (SELECT t.*, {err} AS err FROM ({typed}) t) e
    """


_STAGED_TEXT = (
    "event_name",
    "touchpoint",
    "channel",
    "campaign",
    "source",
    "medium",
    "referrer",
    "url",
)


def _referenced(expr: str) -> list[str]:
    """The staged text columns a rules/channel expression reads (they quote their names)."""
    return [name for name in _STAGED_TEXT if f'"{name}"' in expr]


def _dimension_table(
    con: duckdb.DuckDBPyConnection, table: str, expr: str, origin: str
) -> list[str]:
    """Evaluate ``expr`` once per distinct combination of the columns it reads.

    Channel grouping and touchpoint rules are long chains of regular expressions; real
    files repeat a few thousand (source, medium, url ...) combinations millions of times.
    Returns the key columns (empty when ``expr`` reads none: it is then a constant).
    """
    keys = _referenced(expr)
    con.execute(f"DROP TABLE IF EXISTS {table}")
    if keys:
        cols = ", ".join(keys)
        con.execute(
            f"CREATE TEMP TABLE {table} AS SELECT hash({cols}) AS h, *, {expr} AS result "
            f"FROM (SELECT DISTINCT {cols} FROM {origin})"
        )
        # the join is on the hash; a hash two keys share is left to in-place evaluation
        con.execute(
            f"DELETE FROM {table} WHERE h IN (SELECT h FROM {table} GROUP BY h HAVING count(*) > 1)"
        )
    return keys


def _dimension_join(alias: str, table: str, keys: list[str], inline: str) -> tuple[str, str]:
    """(JOIN clause, value) for a dimension table: joined on the keys' hash, the keys
    compared again so a hash collision can never pick another key's value."""
    join = f"LEFT JOIN {table} {alias} ON {alias}.h = hash({', '.join('r.' + k for k in keys)})"
    same = " AND ".join(f"r.{k} IS NOT DISTINCT FROM {alias}.{k}" for k in keys)
    return join, f"CASE WHEN {alias}.h IS NOT NULL AND {same} THEN {alias}.result ELSE {inline} END"


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class _Plan:
    """Everything one import runs, as SQL text.

    ``rules`` and ``channel`` read the staged column names; the ``*_on_r`` twins read
    them from the alias ``r``.
    """

    staged: str
    typed: str
    rules: str
    channel: str
    rules_on_r: str
    channel_on_r: str


def _staged_types(con: duckdb.DuckDBPyConnection, staged: str) -> dict[str, str]:
    """The types of the staged columns a typed source may pass through (see readers).

    Empty when the staged relation cannot even be described: the import then reports the
    error where it reads the file.
    """
    try:
        rows = con.execute(
            f"DESCRIBE SELECT ts, value, is_conversion FROM ({staged}) LIMIT 0"
        ).fetchall()
    except duckdb.Error:
        return {}
    return {str(r[0]): str(r[1]) for r in rows}


def _plan(
    staged: str,
    mapping: Mapping,
    catalogue: Catalogue | None,
    types: dict[str, str] | None = None,
) -> _Plan:
    known = {tp.id for tp in catalogue.touchpoints} if catalogue is not None else None
    try:
        rules = touchpoint_sql(mapping.touchpoints, known)
    except UnknownTouchpointError as exc:
        raise TouchpathError(f"mapping: {exc}") from None
    channel = channel_group_sql(own_domains=mapping.own_domains)
    on_r = {name: f"r.{name}" for name in _STAGED_TEXT}
    return _Plan(
        staged=staged,
        typed=_typed_sql(staged, mapping, catalogue, types),
        rules=rules,
        channel=channel,
        rules_on_r=touchpoint_sql(mapping.touchpoints, known, columns=on_r),
        channel_on_r=channel_group_sql(columns=on_r, own_domains=mapping.own_domains),
    )


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    return row[0] if row else None


_BAD_MARK = "chr(0) || 'bad'"
_DUP_MARK = "chr(0) || 'dup'"
_SAMPLE_ROWS = 200_000


class _InFileDuplicatesError(Exception):
    """The fast path found ids repeated inside the file: redo the import materialised."""


def _run(
    con: duckdb.DuckDBPyConnection,
    reader: Reader,
    path: Path,
    source: Path,
    plan: _Plan,
    mapping: Mapping,
    step: Progress,
) -> ImportReport:
    """Import in one streaming pass; files with repeated ids take the materialised path."""
    con.execute(f"SET TimeZone = {sql_literal(mapping.timezone)}")
    for table in TABLES:
        con.execute(create_table_sql(table))
    job = _Job(con, reader, path, source, plan, mapping, step)
    try:
        return job.run(streaming=True)
    except _InFileDuplicatesError:
        return job.run(streaming=False)
    finally:
        for table in (_ROWS, _BAD, "_tp_channels", "_tp_rules", REJECTS_TABLE, REJECTS_SCANS):
            con.execute(f"DROP TABLE IF EXISTS {table}")


@dataclass
class _Job:
    con: duckdb.DuckDBPyConnection
    reader: Reader
    path: Path
    source: Path
    plan: _Plan
    mapping: Mapping
    step: Progress

    def run(self, *, streaming: bool) -> ImportReport:
        """One attempt, in one transaction.

        Streaming: the typed rows go straight into ``events``; rows that fail a check, or
        whose id is stored already, go in as marker rows that are counted and deleted
        before the commit. A file with bad rows is scanned once more for their details.
        Materialised: the typed rows land in a temporary table first, which also gives
        the file order needed to keep the first of repeated ids.
        """
        con = self.con
        started_at = datetime.now(UTC)
        for table in (REJECTS_TABLE, REJECTS_SCANS, _ROWS, _BAD):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        if streaming:
            origin = f"(SELECT * FROM ({self.plan.staged}) LIMIT {_SAMPLE_ROWS})"
        else:
            self._materialise()
            origin = f"(SELECT * FROM {_ROWS} WHERE err IS NULL)"
        keys = self._dimensions(origin)
        if streaming:
            # the sample scan filled the rejects tables with a partial view
            for table in (REJECTS_TABLE, REJECTS_SCANS):
                con.execute(f"DROP TABLE IF EXISTS {table}")
        self.step("validate", 0.3)
        con.execute("BEGIN TRANSACTION")
        try:
            import_id = int(_scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM imports"))
            existing = bool(_scalar(con, "SELECT EXISTS (SELECT 1 FROM events)"))
            if streaming:
                counts = self._insert_streaming(import_id, existing, keys)
            else:
                counts = self._insert_materialised(import_id, existing, keys)
            staged_rows, bad_rows, good_rows, imported = counts
            self.step("write", 0.8)
            _collect_bad(con, self.reader, self.source, self.plan, self.mapping, staged_rows)
            rejected = _rejected_records(con, self.source)
            quarantined = int(_scalar(con, f"SELECT count(*) FROM {_BAD}")) + len(rejected)
            rows_read = staged_rows + quarantined - bad_rows
            report = ImportReport(
                import_id=import_id,
                source=str(self.path),
                format=self.reader.format,
                rows_read=rows_read,
                imported=imported,
                duplicates=good_rows - imported,
                quarantined=quarantined,
            )
            self._write_quarantine(report, rejected)
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    import_id,
                    report.source,
                    report.format,
                    started_at,
                    datetime.now(UTC),
                    rows_read,
                    imported,
                    report.duplicates,
                    quarantined,
                ],
            )
            report.quarantine_sample = _sample(con, rejected)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return report

    def _materialise(self) -> None:
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {_ROWS} AS {self.plan.typed}")
        except duckdb.Error as exc:
            raise self._read_error(exc) from None
        good, distinct = self.con.execute(
            f"SELECT count(*), count(DISTINCT event_id) FROM {_ROWS} WHERE err IS NULL"
        ).fetchone() or (0, 0)
        if distinct < good:
            _mark_in_file_duplicates(self.con)

    def _read_error(self, exc: duckdb.Error) -> BaseException:
        if isinstance(exc, duckdb.InterruptException):
            return exc
        first = str(exc).strip().splitlines()[0]
        return ImportFileError(f"{self.path}: cannot read as {self.reader.format}: {first}")

    def _dimensions(self, origin: str) -> tuple[list[str], list[str]]:
        """Channel groups and rule touchpoints per distinct key, from ``origin`` rows."""
        try:
            channel = _dimension_table(self.con, "_tp_channels", self.plan.channel, origin)
            rules = _dimension_table(self.con, "_tp_rules", self.plan.rules, origin)
        except duckdb.Error as exc:
            raise self._read_error(exc) from None
        return channel, rules

    def _select(
        self,
        keys: tuple[list[str], list[str]],
        import_id: int,
        id_sql: str,
        source: str,
        *,
        customer_sql: str = "r.customer_id",
    ) -> str:
        """The events columns over ``source`` (alias ``r``) joined with the dimensions.

        A key a dimension table lacks (not in the sample) is evaluated in place.
        """
        channel_keys, rule_keys = keys
        joins = []
        channel = self.plan.channel_on_r
        if channel_keys:
            join, channel = _dimension_join("c", "_tp_channels", channel_keys, channel)
            joins.append(join)
        rule = self.plan.rules_on_r
        if rule_keys:
            join, rule = _dimension_join("p", "_tp_rules", rule_keys, rule)
            joins.append(join)
        touchpoint = f"coalesce(nullif(trim(r.touchpoint), ''), {rule})"
        return f"""
            SELECT {id_sql}, {customer_sql},
                   coalesce(r.ts, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
                   nullif(r.event_name, ''), {touchpoint}, coalesce({channel}, 'unassigned'),
                   nullif(r.campaign, ''), nullif(r.source, ''), nullif(r.medium, ''),
                   r.is_conversion, r.value, r.currency, r.attributes, {import_id}
            FROM {source} r {" ".join(joins)}
        """

    def _insert_streaming(
        self, import_id: int, existing: bool, keys: tuple[list[str], list[str]]
    ) -> tuple[int, int, int, int]:
        con = self.con
        # marks: a bad row's event_id, a stored id's customer_id (its id stays, so that
        # repeats inside the file are still seen)
        id_sql = f"CASE WHEN r.err IS NOT NULL THEN {_BAD_MARK} ELSE r.event_id END"
        stored = ""
        if existing:
            stored = f"WHEN r.event_id IN (SELECT event_id FROM events) THEN {_DUP_MARK} "
        customer_sql = (
            f"CASE WHEN r.err IS NOT NULL THEN {_BAD_MARK} {stored}ELSE r.customer_id END"
        )
        select = self._select(
            keys, import_id, id_sql, f"({self.plan.typed})", customer_sql=customer_sql
        )
        try:
            with _bulk_settings(con):
                con.execute(f"INSERT INTO events {select}")
        except duckdb.Error as exc:
            raise self._read_error(exc) from None
        self.step("validate", 0.6)
        mine = f"FROM events WHERE import_id = {import_id}"
        # customer_id is read only when some ids could be stored already
        dups = f"count(*) FILTER (WHERE customer_id = {_DUP_MARK})" if existing else "0"
        # distinct 64-bit hashes: as many as rows proves the ids distinct; fewer means a
        # repeated id or (very rarely) a hash collision, which the exact count tells apart
        row = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE event_id = {_BAD_MARK}), {dups}, "
            f"count(DISTINCT hash(event_id)) {mine}"
        ).fetchone()
        assert row is not None
        total, bad, stored_dups, distinct = (int(v) for v in row)
        good = total - bad
        if distinct - (1 if bad else 0) < good:  # the bad rows share one mark
            distinct = int(_scalar(con, f"SELECT count(DISTINCT event_id) {mine}"))
            if distinct - (1 if bad else 0) < good:
                raise _InFileDuplicatesError
        if bad or stored_dups:
            # the marks start with NUL: row groups without one are skipped by their stats
            con.execute(
                f"DELETE {mine} AND customer_id < chr(1) AND customer_id IN "
                f"({_BAD_MARK}, {_DUP_MARK})"
            )
        if bad:
            # the file order (for line numbers) comes from a second, numbered scan
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {_ROWS} AS SELECT * FROM ("
                f"SELECT row_number() OVER () - 1 AS ord, * FROM ({self.plan.typed})"
                ") WHERE err IS NOT NULL"
            )
            found = int(_scalar(con, f"SELECT count(*) FROM {_ROWS}"))
            if found != bad:
                raise RuntimeError(f"rescan found {found} bad rows, the import {bad}")
        return total, bad, good, good - stored_dups

    def _insert_materialised(
        self, import_id: int, existing: bool, keys: tuple[list[str], list[str]]
    ) -> tuple[int, int, int, int]:
        con = self.con
        select = self._select(keys, import_id, "r.event_id", _ROWS)
        anti = (
            " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = r.event_id)"
            if existing
            else ""
        )
        where = f"WHERE r.err IS NULL AND NOT r.dup{anti}"
        with _bulk_settings(con):
            inserted = _scalar(con, f"INSERT INTO events {select} {where}")
        row = con.execute(
            f"SELECT count(*), count(err), count(*) FILTER (WHERE err IS NULL) FROM {_ROWS}"
        ).fetchone()
        assert row is not None
        staged_rows, bad_rows, good_rows = (int(v) for v in row)
        return staged_rows, bad_rows, good_rows, int(inserted or 0)

    def _write_quarantine(
        self, report: ImportReport, rejected: list[tuple[int, str, str, str | None]]
    ) -> None:
        src = sql_literal(report.source)
        self.con.execute(
            f"INSERT INTO quarantine SELECT {report.import_id}, {src}, line, field, reason, raw "
            f"FROM {_BAD} ORDER BY line"
        )
        if rejected:
            self.con.executemany(
                "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)",
                [(report.import_id, report.source, *row) for row in rejected],
            )


@contextlib.contextmanager
def _bulk_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Settings for the one big INSERT, restored afterwards.

    The events table needs no particular row order, so threads may write their own row
    groups; the small dimension tables must be the hash join's build side (DuckDB
    otherwise may build on the 10M-row file because a CSV scan's size is a guess); and
    fallbacks must stay lazy.
    """
    saved = con.execute(
        "SELECT current_setting('preserve_insertion_order'), current_setting('disabled_optimizers')"
    ).fetchone()
    assert saved is not None
    disabled = [o for o in str(saved[1] or "").split(",") if o.strip()]
    con.execute("SET preserve_insertion_order = false")
    # common_subexpressions would hoist the fallbacks' trim() out of coalesce/CASE and run
    # them on every row
    extra = ["build_side_probe_side", "common_subexpressions"]
    con.execute("SET disabled_optimizers = " + sql_literal(",".join([*disabled, *extra])))
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if saved[0] else 'false'}")
        con.execute("SET disabled_optimizers = " + sql_literal(",".join(disabled)))


def _mark_in_file_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """Number repeated derived ids (``md5(id#k)``); mark repeated given ids as duplicates."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _tp_occ AS
            SELECT rid, derived, event_id, k FROM (
                SELECT rowid AS rid, derived, event_id,
                       row_number() OVER (PARTITION BY event_id ORDER BY rowid) AS k
                FROM {_ROWS} WHERE err IS NULL AND event_id IN (
                    SELECT event_id FROM {_ROWS} WHERE err IS NULL
                    GROUP BY event_id HAVING count(*) > 1)
            ) WHERE k > 1"""
    )
    con.execute(
        f"""UPDATE {_ROWS} SET
                event_id = CASE WHEN o.derived THEN md5(o.event_id || '#' || o.k)
                           ELSE {_ROWS}.event_id END,
                dup = NOT o.derived
            FROM _tp_occ o WHERE {_ROWS}.rowid = o.rid"""
    )
    con.execute("DROP TABLE _tp_occ")


_RAW_BY_LITERAL = 10_000


def _collect_bad(
    con: duckdb.DuckDBPyConnection,
    reader: Reader,
    source: Path,
    plan: _Plan,
    mapping: Mapping,
    staged_rows: int,
) -> None:
    """Fill ``_tp_bad`` (ord, line, field, reason, raw) with the rows that failed a check."""
    con.execute(f"DROP TABLE IF EXISTS {_BAD}")
    con.execute(
        f"CREATE TEMP TABLE {_BAD} (ord BIGINT, line BIGINT, field VARCHAR, reason VARCHAR, "
        "raw VARCHAR)"
    )
    tables = {str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if _ROWS in tables:
        _bad_rows(con, mapping)
    rejects_sql = getattr(reader, "rejects_sql", None)
    if rejects_sql is not None:
        con.execute(
            f"INSERT INTO {_BAD} SELECT NULL, line, field, reason, raw "
            f"FROM ({rejects_sql(source, mapping)})"
        )
    _fill_raw_by_line(con, plan.staged)
    resolve = getattr(reader, "resolve_lines", None)
    has_rows = bool(_scalar(con, f"SELECT EXISTS (SELECT 1 FROM {_BAD})"))
    if resolve is not None and has_rows:
        resolve(con, source, _BAD, staged_rows)


def _bad_rows(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> None:
    """Add the typed rows that failed a check, with field and reason, to ``_tp_bad``."""
    columns = {str(r[0]) for r in con.execute(f"DESCRIBE {_ROWS}").fetchall()}
    ord = "ord" if "ord" in columns else "rowid"
    fields = " ".join(f"WHEN {code} THEN {sql_literal(f)}" for code, (f, _) in _ERRORS.items())
    hint = (
        f"' (expected {mapping.timestamp_format}, ISO 8601 or epoch seconds/ms/µs)'"
        if mapping.timestamp_format
        else "' (expected ISO 8601 such as 2025-03-30T14:05:00+03:00, or epoch seconds/ms/µs)'"
    )
    reasons = " ".join(
        f"WHEN {code} THEN {reason.format(ts_hint=hint)}" for code, (_, reason) in _ERRORS.items()
    )
    con.execute(
        f"""INSERT INTO {_BAD}
            SELECT ord, line, CASE err {fields} END AS field,
                   CASE err {reasons} END AS reason, NULL::VARCHAR AS raw
            FROM (SELECT {ord} AS ord, line, err, '"' || coalesce(bad, '') || '"' AS bad
                  FROM {_ROWS} WHERE err IS NOT NULL)"""
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
            f"SELECT DISTINCT line FROM {_BAD} WHERE line IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    if not lines:
        return
    if len(lines) <= _RAW_BY_LITERAL:
        where = f"line IN ({', '.join(str(n) for n in lines)})"
    else:
        where = f"line IN (SELECT line FROM {_BAD})"
    con.execute(
        f"""UPDATE {_BAD} SET raw = x.raw
            FROM (SELECT line, raw FROM ({staged}) WHERE {where}) x
            WHERE {_BAD}.line = x.line"""
    )


def _rejected_records(
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


def _sample(
    con: duckdb.DuckDBPyConnection, rejected: list[tuple[int, str, str, str | None]]
) -> list[QuarantinedRow]:
    rows = con.execute(
        f"SELECT line, field, reason FROM {_BAD} ORDER BY line LIMIT {_SAMPLE}"
    ).fetchall()
    found = [(r[0], r[1], r[2]) for r in rows] + [(r[0], r[1], r[2]) for r in rejected]
    found.sort(key=lambda r: (r[0] is None, r[0] or 0))
    return [QuarantinedRow(line=r[0], field=r[1], reason=str(r[2])) for r in found[:_SAMPLE]]
