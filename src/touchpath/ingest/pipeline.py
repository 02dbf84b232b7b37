"""Import touch events: read → type and check → deduplicate → store, all inside DuckDB.

The reader's staged relation is typed in one vectorised pass (:mod:`.typing_sql`); rows
that fail a check keep their reason, and :mod:`.quarantine` finds their lines and text.
Then, in **one transaction**, the good rows go to ``events``, the bad ones to
``quarantine`` and the counts to ``imports``: a failure leaves nothing half-imported.

``seq`` keeps the file order: the row's position is its ``line`` when the reader says
so (Parquet's row number), or comes from the reader's ordered stream (CSV, read by
pyarrow); otherwise the rows are numbered (``row_number() OVER ()``, a window over the
whole file: numbering a CSV costs about as much as reading it).

Re-importing a file adds nothing: rows without an ``event_id`` get a stable one (an md5 of
customer, UTC time, event name, touchpoint, url and value; the k-th identical row of a file
gets ``md5(id#k)``), and rows whose id is already stored, or repeats earlier in the same
file, count as duplicates.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from touchpath.engines.schema import TABLES, create_table_sql
from touchpath.errors import TouchpathError
from touchpath.ingest.channels import channel_group_sql, channel_url_key_sql
from touchpath.ingest.files import needs_transcoding, transcode_to_utf8
from touchpath.ingest.mapping import Mapping
from touchpath.ingest.quarantine import BAD, collect_bad, rejected_records, sample_rows
from touchpath.ingest.readers import (
    REJECTS_SCANS,
    REJECTS_TABLE,
    STREAM_RELATION,
    ImportFileError,
    Reader,
    base_suffix,
    detect_format,
    get_reader,
    insert_rows,
    sql_literal,
)
from touchpath.ingest.report import ImportReport
from touchpath.ingest.rules import UnknownTouchpointError, touchpoint_sql
from touchpath.ingest.typing_sql import (
    ROWS,
    STAGED_TEXT,
    dimension_join,
    dimension_table,
    scalar,
    typed_sql,
)
from touchpath.model.catalogue import Catalogue

__all__ = ["ImportFileError", "ImportReport", "import_events"]

Progress = Callable[[str, float], None]

_TEXT_FORMATS = ("csv", "jsonl")


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
        When given, touchpoint ids not in it are quarantined and mapping rules must
        name its touchpoints. A catalogue without touchpoints (a new workspace that has
        not described them yet) checks nothing: it would otherwise reject every row.
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
    if catalogue is not None and not catalogue.touchpoints:
        catalogue = None
    step("read", 0.0)
    with _prepared(reader, path, mapping) as source:
        staged = reader.staging_sql(source, mapping)
        with engine.raw() as con:
            types = _staged_types(con, staged) if reader.format != "csv" else {}
            stream = getattr(reader, "stream_staging_sql", None)
            streamed = None
            if stream is not None and not _positional(reader):
                streamed = stream(source, mapping)
            plan = _plan(staged, mapping, catalogue, types, streamed)
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


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class _Plan:
    """Everything one import runs, as SQL text.

    ``rules`` and ``channel`` read the staged column names; the ``*_on_r`` twins read
    them from the alias ``r``. ``channel_key`` narrows the channel groups' url key.
    """

    staged: str
    typed: str
    rules: str
    channel: str
    rules_on_r: str
    channel_on_r: str
    channel_key: dict[str, str] = field(default_factory=dict)
    channel_key_on_r: dict[str, str] = field(default_factory=dict)
    stream_typed: str | None = None


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
    stream_staged: str | None = None,
) -> _Plan:
    known = {tp.id for tp in catalogue.touchpoints} if catalogue is not None else None
    try:
        rules = touchpoint_sql(mapping.touchpoints, known)
    except UnknownTouchpointError as exc:
        raise TouchpathError(f"mapping: {exc}") from None
    channel = channel_group_sql(own_domains=mapping.own_domains)
    on_r = {name: f"r.{name}" for name in STAGED_TEXT}
    return _Plan(
        staged=staged,
        typed=typed_sql(staged, mapping, catalogue, types),
        rules=rules,
        channel=channel,
        rules_on_r=touchpoint_sql(mapping.touchpoints, known, columns=on_r),
        channel_on_r=channel_group_sql(columns=on_r, own_domains=mapping.own_domains),
        channel_key={"url": channel_url_key_sql()},
        channel_key_on_r={"url": channel_url_key_sql(columns=on_r)},
        stream_typed=(
            typed_sql(stream_staged, mapping, catalogue, types) if stream_staged else None
        ),
    )


_BAD_MARK = "chr(0) || 'bad'"
_DUP_MARK = "chr(0) || 'dup'"
_SAMPLE_ROWS = 200_000

SEQ_PER_IMPORT = 1 << 40
"""``seq`` = import id × this + the row's position in its file: the source order."""


class _InFileDuplicatesError(Exception):
    """The fast path found ids repeated inside the file: redo the import materialised."""


class _StreamUnreadableError(Exception):
    """The reader's ordered stream could not read the file exactly: redo it with SQL."""


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
        try:
            return job.run(streaming=True)
        except _StreamUnreadableError:
            job.use_stream = False
            return job.run(streaming=True)
    except _InFileDuplicatesError:
        return job.run(streaming=False)
    finally:
        for table in (ROWS, BAD, "_tp_channels", "_tp_rules", REJECTS_TABLE, REJECTS_SCANS):
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
    # set by _materialise: the _tp_rows column of a row's 0-based position in the file,
    # and the counts of rows (all, bad, good)
    _position: str = field(default="rowid", init=False)
    _counts: tuple[int, int, int] = field(default=(0, 0, 0), init=False)
    # whether the streaming insert may read the reader's ordered stream (plan.stream_typed)
    use_stream: bool = field(default=True, init=False)

    def run(self, *, streaming: bool) -> ImportReport:
        """One attempt, in one transaction.

        Streaming: the typed rows go straight into ``events``; rows that fail a check, or
        whose id is stored already, go in as marker rows that are counted and deleted
        before the commit. A file with bad rows is scanned once more for their details.
        Materialised: the typed rows land in a temporary table first, in file order,
        which gives ``seq`` and the first of repeated ids.
        """
        con = self.con
        started_at = datetime.now(UTC)
        for table in (REJECTS_TABLE, REJECTS_SCANS, ROWS, BAD):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        if streaming:
            origin = f"(SELECT * FROM ({self.plan.staged}) LIMIT {_SAMPLE_ROWS})"
        else:
            self._materialise()
            origin = f"(SELECT * FROM {ROWS} WHERE err IS NULL LIMIT {_SAMPLE_ROWS})"
        keys = self._dimensions(origin)
        if streaming:
            # the sample scan filled the rejects tables with a partial view
            for table in (REJECTS_TABLE, REJECTS_SCANS):
                con.execute(f"DROP TABLE IF EXISTS {table}")
        self.step("validate", 0.3)
        con.execute("BEGIN TRANSACTION")
        try:
            import_id = int(scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM imports"))
            existing = bool(scalar(con, "SELECT EXISTS (SELECT 1 FROM events)"))
            if streaming:
                counts = self._insert_streaming(import_id, existing, keys)
            else:
                counts = self._insert_materialised(import_id, existing, keys)
            staged_rows, bad_rows, good_rows, imported = counts
            self.step("write", 0.8)
            collect_bad(con, self.reader, self.source, self.plan.staged, self.mapping, staged_rows)
            rejected = rejected_records(con, self.source)
            quarantined = int(scalar(con, f"SELECT count(*) FROM {BAD}")) + len(rejected)
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
            report.quarantine_sample = sample_rows(con, rejected)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return report

    def _materialise(self) -> None:
        """The typed rows into ``_tp_rows`` in file order, repeated ids marked.

        DuckDB keeps the order of a ``CREATE TABLE AS`` when every operator of its plan
        does (a batch insert): a row's ``rowid`` is then its position. Otherwise the
        position is a column, ``ord``: the line of a reader with positional lines, or a
        number given on the way in.
        """
        con = self.con
        create = f"CREATE OR REPLACE TEMP TABLE {ROWS} AS "
        typed = self.plan.typed
        try:
            with _bulk_settings(con, ordered=True):
                self._position = "ord"
                if _positional(self.reader):
                    typed = f"SELECT line - 1 AS ord, * FROM ({typed})"
                elif _keeps_order(con, create + typed):
                    self._position = "rowid"
                else:
                    typed = f"SELECT row_number() OVER () - 1 AS ord, * FROM ({typed})"
                con.execute(create + typed)
        except duckdb.Error as exc:
            raise self._read_error(exc) from None
        row = con.execute(f"SELECT count(*), count(err) FROM {ROWS}").fetchone()
        assert row is not None
        staged, bad = (int(v) for v in row)
        good = staged - bad
        if _repeated_ids(con, f"FROM {ROWS} WHERE err IS NULL"):
            _mark_in_file_duplicates(con, self._position)
        self._counts = (staged, bad, good)

    def _read_error(self, exc: duckdb.Error) -> BaseException:
        if isinstance(exc, duckdb.InterruptException):
            return exc
        first = str(exc).strip().splitlines()[0]
        return ImportFileError(f"{self.path}: cannot read as {self.reader.format}: {first}")

    def _dimensions(self, origin: str) -> tuple[list[str], list[str]]:
        """Channel groups and rule touchpoints per distinct key, from ``origin`` rows."""
        try:
            channel = dimension_table(
                self.con, "_tp_channels", self.plan.channel, origin, self.plan.channel_key
            )
            rules = dimension_table(self.con, "_tp_rules", self.plan.rules, origin)
        except duckdb.Error as exc:
            raise self._read_error(exc) from None
        return channel, rules

    def _select(
        self,
        keys: tuple[list[str], list[str]],
        import_id: int,
        id_sql: str,
        source: str,
        ordinal: str,
        *,
        customer_sql: str = "r.customer_id",
    ) -> str:
        """The events columns over ``source`` (alias ``r``) joined with the dimensions.

        ``ordinal`` is the row's 1-based position in the file (over ``r``). A key a
        dimension table lacks (not in the sample) is evaluated in place.
        """
        channel_keys, rule_keys = keys
        joins = []
        channel = self.plan.channel_on_r
        if channel_keys:
            join, channel = dimension_join(
                "c", "_tp_channels", channel_keys, channel, self.plan.channel_key_on_r
            )
            joins.append(join)
        rule = self.plan.rules_on_r
        if rule_keys:
            join, rule = dimension_join("p", "_tp_rules", rule_keys, rule)
            joins.append(join)
        touchpoint = f"coalesce(nullif(trim(r.touchpoint), ''), {rule})"
        return f"""
            SELECT {id_sql}, {customer_sql},
                   coalesce(r.ts, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
                   nullif(r.event_name, ''), {touchpoint}, coalesce({channel}, 'unassigned'),
                   nullif(r.campaign, ''), nullif(r.source, ''), nullif(r.medium, ''),
                   r.is_conversion, r.value, r.currency, r.attributes, {import_id},
                   {import_id * SEQ_PER_IMPORT} + {ordinal}
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
        typed = f"({self.plan.typed})"
        ordinal = "r.line"
        streamed = False
        if not _positional(self.reader):
            streamed = self._register_stream()
            if streamed:
                typed = f"({self.plan.stream_typed})"
            else:
                typed = f"(SELECT row_number() OVER () AS _ord, * FROM {typed})"
                ordinal = "r._ord"
        select = self._select(keys, import_id, id_sql, typed, ordinal, customer_sql=customer_sql)
        try:
            with _bulk_settings(con):
                con.execute(f"INSERT INTO events {select}")
        except duckdb.Error as exc:
            if streamed and not isinstance(exc, duckdb.InterruptException):
                raise _StreamUnreadableError from None
            raise self._read_error(exc) from None
        finally:
            if streamed:
                con.unregister(STREAM_RELATION)
        self.step("validate", 0.6)
        mine = f"FROM events WHERE import_id = {import_id}"
        total = int(scalar(con, f"SELECT count(*) {mine}"))
        # the marks start with NUL: row groups without one are skipped by their stats
        bad = int(scalar(con, f"SELECT count(*) {mine} AND {_marked('event_id', _BAD_MARK)}"))
        stored_dups = 0
        if existing:  # customer_id is read only when some ids could be stored already
            stored_dups = int(
                scalar(con, f"SELECT count(*) {mine} AND {_marked('customer_id', _DUP_MARK)}")
            )
        good = total - bad
        if _repeated_ids(con, f"{mine} AND event_id <> {_BAD_MARK}"):
            raise _InFileDuplicatesError
        if bad or stored_dups:
            con.execute(
                f"DELETE {mine} AND customer_id < chr(1) AND customer_id IN "
                f"({_BAD_MARK}, {_DUP_MARK})"
            )
        if bad:
            # their details come from a second scan, which gives their position too
            position = "line - 1" if _positional(self.reader) else "row_number() OVER () - 1"
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {ROWS} AS SELECT * FROM ("
                f"SELECT {position} AS ord, * FROM ({self.plan.typed})"
                ") WHERE err IS NOT NULL"
            )
            found = int(scalar(con, f"SELECT count(*) FROM {ROWS}"))
            if streamed and (found != bad or _rejected_any(con)):
                # DuckDB's scan saw the file differently from the stream: trust one reader
                raise _StreamUnreadableError
            if found != bad:
                raise RuntimeError(f"rescan found {found} bad rows, the import {bad}")
        return total, bad, good, good - stored_dups

    def _register_stream(self) -> bool:
        """Register the reader's ordered stream as :data:`STREAM_RELATION`, if it has one."""
        if not self.use_stream or self.plan.stream_typed is None:
            return False
        try:
            batches = self.reader.open_stream(self.source, self.mapping)  # type: ignore[attr-defined]
        except (pa.ArrowException, OSError, ValueError):
            return False
        self.con.register(STREAM_RELATION, batches)
        return True

    def _insert_materialised(
        self, import_id: int, existing: bool, keys: tuple[list[str], list[str]]
    ) -> tuple[int, int, int, int]:
        con = self.con
        select = self._select(keys, import_id, "r.event_id", ROWS, f"r.{self._position} + 1")
        anti = (
            " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = r.event_id)"
            if existing
            else ""
        )
        where = f"WHERE r.err IS NULL AND NOT r.dup{anti}"
        with _bulk_settings(con):
            inserted = scalar(con, f"INSERT INTO events {select} {where}")
        staged_rows, bad_rows, good_rows = self._counts
        return staged_rows, bad_rows, good_rows, int(inserted or 0)

    def _write_quarantine(
        self, report: ImportReport, rejected: list[tuple[int, str, str, str | None]]
    ) -> None:
        src = sql_literal(report.source)
        self.con.execute(
            f"INSERT INTO quarantine SELECT {report.import_id}, {src}, line, field, reason, raw "
            f"FROM {BAD} ORDER BY line"
        )
        insert_rows(
            self.con,
            "quarantine",
            ("BIGINT", "VARCHAR", "BIGINT", "VARCHAR", "VARCHAR", "VARCHAR"),
            [(report.import_id, report.source, *row) for row in rejected],
        )


def _marked(column: str, mark: str) -> str:
    """The condition that ``column`` holds ``mark``, a text that starts with NUL: the
    ``< chr(1)`` lets row groups without one be skipped by their min/max statistics."""
    return f"{column} < chr(1) AND {column} = {mark}"


def _repeated_ids(con: duckdb.DuckDBPyConnection, rows: str) -> bool:
    """Whether an ``event_id`` of ``rows`` (``FROM ... WHERE ...``) is there twice.

    Sorted 64-bit hashes without two equal neighbours prove the ids distinct, at two
    thirds of the cost of ``count(DISTINCT ...)`` (10M ids: 0.6 s, not 0.9 s); equal
    ones are a repeated id or (very rarely) a hash collision, told apart exactly.
    """
    sorted_hashes = (
        f"SELECT h, lag(h) OVER (ORDER BY h) AS before FROM (SELECT hash(event_id) AS h {rows})"
    )
    if not scalar(con, f"SELECT count(*) FILTER (WHERE h = before) FROM ({sorted_hashes})"):
        return False
    row = con.execute(f"SELECT count(*), count(DISTINCT event_id) {rows}").fetchone()
    assert row is not None
    return int(row[1]) < int(row[0])


def _rejected_any(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether DuckDB's CSV scanner rejected lines in this import (its rejects table)."""
    exists = scalar(
        con, f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{REJECTS_TABLE}'"
    )
    return bool(exists) and bool(scalar(con, f"SELECT EXISTS (SELECT 1 FROM {REJECTS_TABLE})"))


def _positional(reader: Reader) -> bool:
    """Whether the reader's staged ``line`` is the row's 1-based position in the file."""
    return bool(getattr(reader, "positional_lines", False))


def _keeps_order(con: duckdb.DuckDBPyConnection, create: str) -> bool:
    """Whether DuckDB runs the ``CREATE TABLE AS`` as a batch insert, keeping row order."""
    row = con.execute(f"EXPLAIN (FORMAT JSON) {create}").fetchone()  # (key, plan)
    try:
        nodes = json.loads(str(row[-1])) if row is not None else None
    except ValueError:
        return False
    return (
        isinstance(nodes, list) and bool(nodes) and nodes[0].get("name") == "BATCH_CREATE_TABLE_AS"
    )


@contextlib.contextmanager
def _bulk_settings(con: duckdb.DuckDBPyConnection, *, ordered: bool = False) -> Iterator[None]:
    """Settings for a bulk statement, restored afterwards.

    Unless ``ordered`` (a ``CREATE TABLE AS`` that must keep the file order), row order
    need not be kept, so threads may write their own row groups (``seq`` carries the file
    order); the small dimension tables must be the hash join's build side (DuckDB
    otherwise may build on the 10M-row file because a CSV scan's size is a guess); and
    fallbacks must stay lazy.
    """
    saved = con.execute(
        "SELECT current_setting('preserve_insertion_order'), current_setting('disabled_optimizers')"
    ).fetchone()
    assert saved is not None
    disabled = [o for o in str(saved[1] or "").split(",") if o.strip()]
    con.execute(f"SET preserve_insertion_order = {'true' if ordered else 'false'}")
    # common_subexpressions would hoist the fallbacks' trim() out of coalesce/CASE and run
    # them on every row
    extra = ["build_side_probe_side", "common_subexpressions"]
    if ordered:
        # in_clause turns an IN list of five or more values into a join, and DuckDB keeps
        # no row order through a join. (A numbered INSERT keeps it: over such a join the
        # window is the parallel, blocking kind; without one it streams on one thread.)
        extra.append("in_clause")
    con.execute("SET disabled_optimizers = " + sql_literal(",".join([*disabled, *extra])))
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if saved[0] else 'false'}")
        con.execute("SET disabled_optimizers = " + sql_literal(",".join(disabled)))


def _mark_in_file_duplicates(con: duckdb.DuckDBPyConnection, position: str) -> None:
    """Number repeated derived ids (``md5(id#k)``); mark repeated given ids as duplicates.

    ``position`` is the column of ``_tp_rows`` that gives the file order.
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _tp_occ AS
            SELECT rid, derived, event_id, k FROM (
                SELECT rowid AS rid, derived, event_id,
                       row_number() OVER (PARTITION BY event_id ORDER BY {position}) AS k
                FROM {ROWS} WHERE err IS NULL AND event_id IN (
                    SELECT event_id FROM {ROWS} WHERE err IS NULL
                    GROUP BY event_id HAVING count(*) > 1)
            ) WHERE k > 1"""
    )
    con.execute(
        f"""UPDATE {ROWS} SET
                event_id = CASE WHEN o.derived THEN md5(o.event_id || '#' || o.k)
                           ELSE {ROWS}.event_id END,
                dup = NOT o.derived
            FROM _tp_occ o WHERE {ROWS}.rowid = o.rid"""
    )
    con.execute("DROP TABLE _tp_occ")
