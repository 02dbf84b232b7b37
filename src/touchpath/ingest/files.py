"""The built-in readers: CSV/TSV, JSON Lines and Parquet (each optionally gzip-compressed).

Each builds the staged relation (see :mod:`touchpath.ingest.readers`) with DuckDB's own
scanners. Source columns are matched to canonical fields by the mapping's ``columns``,
else by name: the canonical name itself or a common alias (``timestamp`` → ``ts``,
``utm_source`` → ``source``, ``user_id`` → ``customer_id`` ...), ignoring case.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from touchpath.ingest.mapping import CANONICAL_FIELDS, Mapping
from touchpath.ingest.readers import (
    POSITION_COLUMN,
    REJECTS_OPTIONS,
    REJECTS_TABLE,
    STREAM_RELATION,
    ImportFileError,
    base_suffix,
    head_bytes,
    insert_rows,
    quote_ident,
    register_reader,
    sql_literal,
    staged_select,
)

__all__ = [
    "ALIASES",
    "CsvReader",
    "JsonlReader",
    "ParquetReader",
    "match_columns",
    "reject_lines",
    "scan_newlines",
    "streamable",
]

ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("id", "eventid", "event_uuid", "uuid"),
    "customer_id": (
        "customer",
        "customerid",
        "client_id",
        "clientid",
        "user_id",
        "userid",
        "user",
        "visitor_id",
        "contact_id",
    ),
    "ts": ("timestamp", "time", "datetime", "date_time", "event_time", "event_timestamp"),
    "event_name": ("event", "action", "activity", "event_type", "name"),
    "touchpoint": ("touchpoint_id", "touch_point"),
    "channel": ("channel_group", "channelgroup"),
    "campaign": ("utm_campaign",),
    "source": ("utm_source",),
    "medium": ("utm_medium",),
    "referrer": ("referer", "ref"),
    "url": ("page", "page_url", "location", "landing_page"),
    "is_conversion": ("conversion", "converted"),
    "value": ("revenue", "amount", "price"),
    "currency": ("currency_code",),
}
"""Source column names recognised without a mapping, besides the canonical name."""

_DUCKDB_ENCODINGS = ("utf-8", "utf8", "utf_8")
_COMPRESSED = (".gz", ".zst", ".bz2", ".lz4")


def match_columns(
    available: Sequence[str],
    mapping: Mapping,
    path: Path,
    *,
    automatic: Sequence[str] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Canonical field → source column, and the attribute columns, for one file.

    Columns not named in the mapping are matched by name among ``automatic`` (default:
    all). Raises :class:`ImportFileError` when the mapping names a column the file lacks,
    or when no column gives ``customer_id`` or ``ts``.
    """
    found = {name.lower(): name for name in reversed(available)}
    candidates = {name.lower(): name for name in reversed(automatic or available)}
    listed = ", ".join(available) or "(none)"

    def source_column(wanted: str, field: str) -> str:
        if wanted in available:
            return wanted
        if wanted.lower() in found:
            return found[wanted.lower()]
        raise ImportFileError(
            f"{path}: the mapping reads {field} from column {wanted!r}, which the file "
            f"does not have; its columns are: {listed}"
        )

    chosen: dict[str, str] = {}
    for field, wanted in mapping.columns.items():
        chosen[field] = source_column(wanted, f"columns.{field}")
    if mapping.conversion is not None and mapping.conversion.column is not None:
        chosen["is_conversion"] = source_column(mapping.conversion.column, "conversion.column")
    used = set(chosen.values())
    for canonical in CANONICAL_FIELDS:
        if canonical in chosen:
            continue
        for candidate in (canonical, *ALIASES.get(canonical, ())):
            name = candidates.get(candidate)
            if name is not None and name not in used:
                chosen[canonical] = name
                used.add(name)
                break
    for required in ("customer_id", "ts"):
        if required not in chosen:
            raise ImportFileError(
                f"{path}: no column gives {required}; map one in the mapping "
                f"(columns: {{{required}: <column>}}); the file's columns are: {listed}"
            )
    if mapping.attributes is None:
        attributes = [name for name in available if name not in used]
    else:
        attributes = [source_column(name, "attributes") for name in mapping.attributes]
    return chosen, attributes


def _json_object_sql(pairs: Sequence[tuple[str, str]]) -> str | None:
    """``json_object`` of (key, SQL expression) pairs, NULL when every value is NULL."""
    if not pairs:
        return None
    args = ", ".join(f"{sql_literal(key)}, {expr}" for key, expr in pairs)
    exprs = ", ".join(expr for _, expr in pairs)
    any_value = f"coalesce({exprs}) IS NOT NULL" if len(pairs) > 1 else f"{exprs} IS NOT NULL"
    return f"CASE WHEN {any_value} THEN json_object({args}) END"


# --------------------------------------------------------------------------- text helpers


def _open_binary(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def scan_newlines(path: Path, positions: Sequence[int]) -> tuple[list[int], int, bool]:
    """Count ``\\n`` bytes before each byte position (ascending), and in the whole file.

    Returns (newlines before each position, total newlines, whether the file ends with
    one). Positions are in the decompressed stream for ``.gz`` files, as DuckDB gives them.
    """
    before: list[int] = []
    total = 0
    offset = 0
    last = b""
    pending = list(positions)
    index = 0
    with _open_binary(path) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            end = offset + len(chunk)
            cursor = seen = 0  # newlines in chunk[:cursor]: each byte is counted once
            while index < len(pending) and pending[index] < end:
                upto = max(pending[index] - offset, 0)
                if upto > cursor:
                    seen += chunk.count(b"\n", cursor, upto)
                    cursor = upto
                before.append(total + seen)
                index += 1
            total += chunk.count(b"\n")
            offset = end
            last = chunk[-1:]
    before.extend(total for _ in pending[index:])
    return before, total, last == b"\n"


def reject_lines(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[int, int]]:
    """(byte position, real line number) of each rejected record of the last scan of ``path``.

    DuckDB's own ``line`` in ``reject_errors`` counts records, not lines: a quoted value
    with a line break shifts it. The byte position is exact; the line is counted from it.
    """
    if not _table_exists(con, REJECTS_TABLE):
        return []
    rows = con.execute(
        f"SELECT DISTINCT line_byte_position FROM {REJECTS_TABLE} ORDER BY 1"
    ).fetchall()
    positions = [int(r[0]) for r in rows]
    if not positions:
        return []
    before, _, _ = scan_newlines(path, positions)
    return [(pos, nl + 1) for pos, nl in zip(positions, before, strict=True)]


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])


def _ord_to_line_by_rejects(
    con: duckdb.DuckDBPyConnection, table: str, first: int, rejected: Sequence[int]
) -> None:
    """Set ``line`` from ``ord`` when each accepted record is one line after ``first``.

    ``rejected`` are the real line numbers of rejected records (ascending). The accepted
    record with ordinal i sits on the line L with L - #(rejected lines < L) = first + i.
    """
    con.execute("DROP TABLE IF EXISTS _tp_rejslots")
    con.execute("CREATE TEMP TABLE _tp_rejslots (a BIGINT, j BIGINT)")
    if rejected:
        slots: dict[int, int] = {}
        for j, line in enumerate(sorted(rejected), start=1):
            slots[line - (j - 1)] = j
        insert_rows(con, "_tp_rejslots", ("BIGINT", "BIGINT"), list(slots.items()))
    con.execute(
        f"""
        UPDATE {table} SET line = x.l FROM (
            SELECT t.ord, t.ord + {first} + coalesce(r.j, 0) AS l
            FROM {table} t ASOF LEFT JOIN _tp_rejslots r ON t.ord + {first} >= r.a
            WHERE t.ord IS NOT NULL
        ) x WHERE {table}.ord = x.ord
        """
    )
    con.execute("DROP TABLE _tp_rejslots")


def _decode_head(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace")


# --------------------------------------------------------------------------- CSV


def _sniff_delimiter(first_line: str, path: Path) -> str:
    if base_suffix(path) in (".tsv", ".tab"):
        return "\t"
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _unique_names(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names, start=1):
        name = raw.strip() or f"column{i}"
        candidate, n = name, 2
        while candidate.lower() in seen:
            candidate, n = f"{name}_{n}", n + 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def streamable(path: Path) -> bool:
    """Whether :meth:`CsvReader.open_stream` may read the file: not a compressed one
    (DuckDB reads those; decompression is one thread anyway)."""
    return path.suffix.lower() not in _COMPRESSED


class CsvReader:
    """Delimited text: CSV, TSV, ``;``-separated exports; ``.gz`` is read directly.

    The dialect is fixed, not guessed row by row: the delimiter comes from the mapping, or
    ``.tsv``, or the most frequent of ``, ; TAB |`` in the header line; quotes are ``"``
    (doubled inside a value). Lines DuckDB cannot parse are quarantined with their line.
    """

    format = "csv"

    def sniff(self, path: Path) -> bool:
        head = head_bytes(path, 4096)
        return bool(head) and b"\x00" not in head

    def dialect(self, path: Path, mapping: Mapping) -> tuple[str, list[str]]:
        """The delimiter and the column names (header, or ``column1`` ...) of ``path``."""
        head = head_bytes(path)
        if not head.strip():
            raise ImportFileError(f"{path}: the file is empty")
        if b"\x00" in head:
            raise ImportFileError(
                f"{path}: binary data, not delimited text; pass --format if it is Parquet"
            )
        text = _decode_head(head)
        first_line = text.splitlines()[0] if text.splitlines() else ""
        delimiter = mapping.delimiter or _sniff_delimiter(first_line, path)
        reader = csv.reader(
            io.StringIO(text),
            delimiter=delimiter,
            quotechar=mapping.quote or None,
            quoting=csv.QUOTE_MINIMAL if mapping.quote else csv.QUOTE_NONE,
        )
        try:
            first = next(reader)
        except (StopIteration, csv.Error) as exc:
            raise ImportFileError(f"{path}: cannot read a first line ({exc})") from None
        if mapping.header:
            names = _unique_names(first)
        else:
            names = [f"column{i}" for i in range(1, len(first) + 1)]
        return delimiter, names

    def source_sql(self, path: Path, mapping: Mapping, names: Sequence[str], delim: str) -> str:
        """The ``read_csv(...)`` call: every column VARCHAR, rejects kept."""
        columns = ", ".join(f"{sql_literal(n)}: 'VARCHAR'" for n in names)
        quote = sql_literal(mapping.quote)
        return (
            f"read_csv({sql_literal(str(path))}, auto_detect=false, "
            f"header={'true' if mapping.header else 'false'}, delim={sql_literal(delim)}, "
            f"quote={quote}, escape={quote}, columns={{{columns}}}, "
            f"compression='auto', {REJECTS_OPTIONS})"
        )

    def staging_sql(self, path: Path, mapping: Mapping) -> str:
        delim, names = self.dialect(path, mapping)
        chosen, attributes = match_columns(names, mapping, path)
        cols = {field: quote_ident(name) for field, name in chosen.items()}
        attrs = _json_object_sql([(n, quote_ident(n)) for n in attributes])
        raw = self._raw_sql(names, delim, mapping.quote)
        # `line` is resolved after the scan (resolve_lines): see the readers module.
        return staged_select(
            self.source_sql(path, mapping, names, delim) + " AS src",
            cols,
            line="NULL",
            raw=raw,
            attributes=attrs,
        )

    def stream_staging_sql(self, path: Path, mapping: Mapping) -> str | None:
        """The staged relation over :meth:`open_stream` (``line`` is the row's position).

        None for a compressed file (DuckDB reads those: decompression is one thread
        anyway).
        """
        if not streamable(path):
            return None
        _, names = self.dialect(path, mapping)
        chosen, attributes = match_columns(names, mapping, path)
        cols = {field: quote_ident(name) for field, name in chosen.items()}
        attrs = _json_object_sql([(n, quote_ident(n)) for n in attributes])
        return staged_select(
            f"{STREAM_RELATION} AS src", cols, line=POSITION_COLUMN, raw="NULL", attributes=attrs
        )

    def open_stream(
        self, path: Path, mapping: Mapping, dialect: tuple[str, list[str]] | None = None
    ) -> pa.RecordBatchReader:
        """The records in file order, numbered, from pyarrow's streaming CSV reader.

        Why: DuckDB's ``read_csv`` gives no row number, and numbering its rows with a
        window holds the whole file and leaves the rest of the import on one thread (an
        import of 10M rows took twice as long). pyarrow parses blocks on its threads but
        hands them over in order, so a running count is each row's position. Reads as
        DuckDB does here: every column text, an empty value (quoted or not) NULL, blank
        lines skipped; anything else raises (see readers). A file that uses the quote
        character raises too, as soon as it is read: where quotes are used the two readers
        differ (pyarrow takes ``"ab"c`` as ``abc``, keeps the spaces of `` "x"`` and runs
        an unclosed quote to the end of the file, where DuckDB quarantines the line).
        ``dialect`` (delimiter, column names) is for vendor readers that name the columns
        themselves.
        """
        delim, names = dialect or self.dialect(path, mapping)
        source = _Unquoted(path, mapping.quote)
        try:
            batches = self._open_csv(source, mapping, delim, names)
        except BaseException:
            source.close()
            raise
        return numbered(batches, done=source.close)

    @staticmethod
    def _open_csv(
        source: io.RawIOBase, mapping: Mapping, delim: str, names: Sequence[str]
    ) -> pa.RecordBatchReader:
        return pa_csv.open_csv(
            source,
            read_options=pa_csv.ReadOptions(
                column_names=names, skip_rows=1 if mapping.header else 0, block_size=16 << 20
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delim,
                quote_char=mapping.quote or False,
                double_quote=True,
                escape_char=False,
                newlines_in_values=bool(mapping.quote),
                ignore_empty_lines=True,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    @staticmethod
    def _raw_sql(names: Sequence[str], delim: str, quote: str) -> str:
        if not quote:
            parts = [f"coalesce({quote_ident(n)}, '')" for n in names]
        else:
            q = sql_literal(quote)
            needs = sql_literal(f"[{_regex_class(delim + quote)}\\r\\n]")
            parts = [
                f"CASE WHEN regexp_matches({quote_ident(n)}, {needs}) THEN "
                f"{q} || replace({quote_ident(n)}, {q}, {q} || {q}) || {q} "
                f"ELSE coalesce({quote_ident(n)}, '') END"
                for n in names
            ]
        return f"concat_ws({sql_literal(delim)}, {', '.join(parts)})"

    def resolve_lines(
        self, con: duckdb.DuckDBPyConnection, path: Path, table: str, rows: int
    ) -> None:
        """Real line numbers (and the source text) of the staged rows listed in ``table``.

        ``table`` has columns ord, line, raw. When every record is one line (no blank
        lines, no quoted line breaks), lines follow from the row's position and the
        rejected lines; otherwise the file is read once more with Python's csv module to
        find where each record starts. ``raw`` is then the record's lines from the file.
        """
        rejects = [line for _, line in reject_lines(con, path)]
        header = 1 if self._header(con) else 0
        _, newlines, ends_with_newline = scan_newlines(path, [])
        physical = newlines if ends_with_newline else newlines + 1
        if physical == header + rows + len(rejects):
            _ord_to_line_by_rejects(con, table, header + 1, rejects)
            spans = {
                int(r[0]): (int(r[0]), int(r[0]))
                for r in con.execute(f"SELECT line FROM {table} WHERE ord IS NOT NULL").fetchall()
            }
        else:
            spans = self._lines_by_python_csv(con, path, table, set(rejects), header)
        texts = read_lines(path, list(spans.values()))
        found = [(start, texts.get(start)) for start in spans]
        _update_from(con, table, "line", "raw", "VARCHAR", found)

    @staticmethod
    def _header(con: duckdb.DuckDBPyConnection) -> bool:
        row = con.execute(
            "SELECT has_header FROM _tp_reject_scans ORDER BY scan_id DESC LIMIT 1"
        ).fetchone()
        return bool(row[0]) if row else True

    @staticmethod
    def _scan_dialect(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
        row = con.execute(
            "SELECT delimiter, quote FROM _tp_reject_scans ORDER BY scan_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return ",", '"'
        delim, quote = str(row[0]), str(row[1])
        return delim, "" if quote == "(empty)" else quote

    def _lines_by_python_csv(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        table: str,
        rejected: set[int],
        header: int,
    ) -> dict[int, tuple[int, int]]:
        wanted = {int(r[0]) for r in con.execute(f"SELECT ord FROM {table}").fetchall()}
        delim, quote = self._scan_dialect(con)
        found: list[tuple[int, int]] = []
        spans: dict[int, tuple[int, int]] = {}
        records = _record_lines(path, delim, quote, header, rejected)
        for ordinal, (start, end) in enumerate(records):
            if ordinal in wanted:
                found.append((ordinal, start))
                spans[start] = (start, end)
        _update_from(con, table, "ord", "line", "BIGINT", found)
        return spans


class _QuoteInFileError(ValueError):
    """The file uses the quote character, which the ordered stream does not read."""


class _Unquoted(io.RawIOBase):
    """The file's bytes, read as they are asked for; raises on the first quote character.

    Checking the blocks as pyarrow reads them costs no second pass over the file.
    """

    def __init__(self, path: Path, quote: str) -> None:
        super().__init__()
        self._file = path.open("rb")
        self._quote = quote.encode("utf-8")
        self._path = path

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        if self._quote and self._quote in data:
            raise _QuoteInFileError(f"{self._path}: uses quotes")
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


def numbered(
    batches: pa.RecordBatchReader, *, done: Callable[[], None] | None = None
) -> pa.RecordBatchReader:
    """``batches`` with :data:`POSITION_COLUMN`: each row's 1-based position in the stream.

    ``done`` runs when the stream ends, is abandoned or fails (e.g. closes the file).
    """
    schema = batches.schema.append(pa.field(POSITION_COLUMN, pa.int64()))

    def with_positions() -> Iterator[pa.RecordBatch]:
        start = 1
        try:
            for batch in batches:
                positions = pa.array(np.arange(start, start + batch.num_rows, dtype=np.int64))
                yield pa.RecordBatch.from_arrays([*batch.columns, positions], schema=schema)
                start += batch.num_rows
        finally:
            if done is not None:
                done()

    return pa.RecordBatchReader.from_batches(schema, with_positions())


def _update_from(
    con: duckdb.DuckDBPyConnection,
    table: str,
    key: str,
    column: str,
    sql_type: str,
    pairs: Sequence[tuple[int, object]],
) -> None:
    """``UPDATE table SET column = value WHERE key = k`` for each (k, value) pair."""
    con.execute("DROP TABLE IF EXISTS _tp_pairs")
    con.execute(f"CREATE TEMP TABLE _tp_pairs (k BIGINT, v {sql_type})")
    insert_rows(con, "_tp_pairs", ("BIGINT", sql_type), pairs)
    con.execute(f"UPDATE {table} SET {column} = p.v FROM _tp_pairs p WHERE {table}.{key} = p.k")
    con.execute("DROP TABLE _tp_pairs")


def read_lines(path: Path, spans: Sequence[tuple[int, int]]) -> dict[int, str]:
    """The text of lines ``start..end`` (1-based, inclusive) for each span, by start.

    Reads the file in 1 MiB chunks and only splits the chunks that hold a wanted line.
    """
    owner: dict[int, int] = {}
    for start, end in spans:
        for n in range(start, end + 1):
            owner.setdefault(n, start)
    wanted = sorted(owner)
    parts: dict[int, list[str]] = {}
    line_no = 1
    carry = b""
    index = 0

    def take(number: int, data: bytes) -> None:
        start = owner[number]
        parts.setdefault(start, []).append(data.decode("utf-8", errors="replace").rstrip("\r"))

    with _open_binary(path) as fh:
        while index < len(wanted):
            chunk = fh.read(1 << 20)
            if not chunk:
                if carry and wanted[index] == line_no:
                    take(line_no, carry)
                break
            data = carry + chunk
            complete = data.count(b"\n")
            if wanted[index] >= line_no + complete:
                carry = data[data.rfind(b"\n") + 1 :] if complete else data
                line_no += complete
                continue
            pieces = data.split(b"\n")
            for offset, piece in enumerate(pieces[:-1]):
                number = line_no + offset
                if number in owner:
                    take(number, piece)
            while index < len(wanted) and wanted[index] < line_no + complete:
                index += 1
            carry = pieces[-1]
            line_no += complete
    return {start: "\n".join(lines) for start, lines in parts.items()}


def _record_lines(
    path: Path, delim: str, quote: str, header: int, rejected: set[int]
) -> Iterator[tuple[int, int]]:
    """The first and last line of each accepted record, in order (blank lines skipped)."""
    with _open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
        reader = csv.reader(
            text,
            delimiter=delim,
            quotechar=quote or None,
            quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE,
            strict=False,
        )
        previous = 0
        skip = header
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                previous = reader.line_num
                continue
            start = previous + 1
            previous = reader.line_num
            if not record:
                continue
            if skip:
                skip -= 1
                continue
            if start in rejected:
                continue
            yield start, previous


def _regex_class(chars: str) -> str:
    return "".join("\\" + c if c in "\\^]-[" else c for c in chars).replace("\t", "\\t")


# --------------------------------------------------------------------------- JSON Lines


class JsonlReader:
    """JSON Lines: one JSON object per line; keys are the source columns.

    A mapped column may also be a JSON path (``$.page.url``). Lines that are not JSON
    objects are quarantined; blank lines are skipped.
    """

    format = "jsonl"

    def sniff(self, path: Path) -> bool:
        text = _decode_head(head_bytes(path, 4096)).lstrip()
        return text.startswith("{")

    def source_sql(self, path: Path) -> str:
        """Each line as one VARCHAR ``j`` with its line number ``n`` (before rejects)."""
        return (
            "(SELECT row_number() OVER () AS n, j FROM read_csv("
            f"{sql_literal(str(path))}, auto_detect=false, header=false, "
            "delim='\x01', quote='', escape='', columns={'j': 'VARCHAR'}, "
            f"compression='auto', {REJECTS_OPTIONS}))"
        )

    def keys(self, path: Path, sample: int = 1000) -> tuple[list[str], list[str]]:
        """Top-level keys of the first ``sample`` objects, in first-seen order; and those
        whose values there are all scalars (only these are matched to fields by name)."""
        head = head_bytes(path, 1 << 20)
        if not head.strip():
            raise ImportFileError(f"{path}: the file is empty")
        keys: dict[str, None] = {}
        nested: set[str] = set()
        lines = _decode_head(head).splitlines()
        for line in lines[:sample]:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                keys.update(dict.fromkeys(obj))
                nested.update(k for k, v in obj.items() if isinstance(v, dict | list))
        if not keys:
            raise ImportFileError(f"{path}: no JSON object in the first lines; is it JSON Lines?")
        return list(keys), [k for k in keys if k not in nested]

    @staticmethod
    def _path(key: str) -> str:
        if key.startswith("$"):
            return key
        return "$." + json.dumps(key)

    def staging_sql(self, path: Path, mapping: Mapping) -> str:
        keys, scalars = self.keys(path)
        available = keys + [v for v in mapping.columns.values() if v.startswith("$")]
        chosen, attributes = match_columns(available, mapping, path, automatic=scalars)
        fields = list(chosen.items())
        paths = "[" + ", ".join(sql_literal(self._path(key)) for _, key in fields) + "]"
        cols = {field: f"v[{i}]" for i, (field, _) in enumerate(fields, start=1)}
        if mapping.attributes is None:
            drop = {key: None for _, key in fields if not key.startswith("$")}
            patch = sql_literal(json.dumps(drop))
            attrs = f"nullif(json_merge_patch(j, {patch})::VARCHAR, '{{}}')"
        else:
            attrs = (
                _json_object_sql(
                    [
                        (key, f"json_extract(j, {sql_literal(self._path(key))})")
                        for key in attributes
                    ]
                )
                or "NULL"
            )
        source = (
            f"(SELECT n, j, json_extract_string(j, {paths}) AS v FROM {self.source_sql(path)} "
            "WHERE json_type(try_cast(j AS JSON)) = 'OBJECT')"
        )
        return staged_select(source, cols, line="n", raw="j", attributes=attrs)

    def rejects_sql(self, path: Path, mapping: Mapping) -> str:
        """Lines that are neither blank nor a JSON object: (line, field, reason, raw)."""
        del mapping
        return (
            "SELECT n AS line, 'line' AS field, "
            "CASE WHEN json_valid(j) THEN 'not a JSON object' ELSE 'malformed JSON' END "
            f"AS reason, j AS raw FROM {self.source_sql(path)} "
            "WHERE nullif(trim(j), '') IS NOT NULL "
            "AND coalesce(json_type(try_cast(j AS JSON)), '') <> 'OBJECT'"
        )

    def resolve_lines(
        self, con: duckdb.DuckDBPyConnection, path: Path, table: str, rows: int
    ) -> None:
        """Shift the line numbers past the lines DuckDB rejected (invalid UTF-8)."""
        del rows
        rejects = [line for _, line in reject_lines(con, path)]
        if not rejects:
            return
        con.execute(f"UPDATE {table} SET ord = line - 1 WHERE line IS NOT NULL")
        _ord_to_line_by_rejects(con, table, 1, rejects)


# --------------------------------------------------------------------------- Parquet


class ParquetReader:
    """Parquet files; every column is read as text and typed by the pipeline."""

    format = "parquet"
    positional_lines = True

    def sniff(self, path: Path) -> bool:
        return head_bytes(path, 4) == b"PAR1"

    def columns(self, path: Path) -> list[tuple[str, str]]:
        """(name, DuckDB type) of each column."""
        con = duckdb.connect()
        try:
            rows = con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({sql_literal(str(path))})"
            ).fetchall()
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0]
            raise ImportFileError(f"{path}: not a readable Parquet file ({first})") from None
        finally:
            con.close()
        return [(str(r[0]), str(r[1])) for r in rows]

    def staging_sql(self, path: Path, mapping: Mapping) -> str:
        described = self.columns(path)
        names = [n for n, _ in described]
        chosen, attributes = match_columns(names, mapping, path)
        types = dict(described)

        cols = {field: quote_ident(name) for field, name in chosen.items()}
        # typed values go through as they are: no text round trip for the pipeline to parse
        typed = {field for field, name in chosen.items() if passes_typed(field, types[name])}
        attrs = _json_object_sql([(n, quote_ident(n)) for n in attributes])
        struct = ", ".join(f"{quote_ident(n)} := {quote_ident(n)}" for n in names)
        return staged_select(
            f"read_parquet({sql_literal(str(path))}, file_row_number=true)",
            cols,
            line="file_row_number + 1",
            raw=f"to_json(struct_pack({struct}))",
            attributes=attrs,
            typed=typed,
        )


_NUMERIC = re.compile(
    r"U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?"
)


def passes_typed(field: str, type_name: str) -> bool:
    """Whether a source column of DuckDB type ``type_name`` reaches the pipeline typed.

    >>> passes_typed("ts", "TIMESTAMP WITH TIME ZONE"), passes_typed("value", "VARCHAR")
    (True, False)
    """
    t = type_name.upper()
    if field == "ts":
        return t in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "DATE") or t.startswith("TIMESTAMP_")
    if field == "value":
        return _NUMERIC.fullmatch(t) is not None
    if field == "is_conversion":
        return t == "BOOLEAN"
    return False


register_reader(CsvReader())
register_reader(JsonlReader())
register_reader(ParquetReader())


def needs_transcoding(encoding: str) -> bool:
    """Whether DuckDB cannot read ``encoding`` itself (it reads UTF-8, with or without BOM)."""
    import codecs

    return codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig")


def transcode_to_utf8(path: Path, encoding: str, target: Path) -> Path:
    """Copy ``path`` (``.gz`` allowed) to ``target`` as UTF-8, in 1 MiB chunks.

    Bytes the encoding cannot decode are written back unchanged, so DuckDB quarantines
    their line as invalid UTF-8 instead of the import guessing.
    """
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    with _open_binary(path) as src, target.open("wb") as dst:
        while True:
            chunk = src.read(1 << 20)
            final = not chunk
            text = decoder.decode(chunk, final=final)
            dst.write(text.encode("utf-8", errors="surrogateescape"))
            if final:
                break
    return target
