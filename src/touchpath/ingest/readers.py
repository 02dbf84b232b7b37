"""Readers turn a source file into one *staged relation*: a DuckDB ``SELECT``.

Every reader, built-in (csv, jsonl, parquet) or vendor (ga4, yandex_metrica, bitrix24),
produces SQL text whose columns are exactly :data:`STAGED_COLUMNS`:

- ``line BIGINT``: where the row is in the source: the 1-based line number for CSV/TSV
  (the header is line 1), the record's line for JSON Lines, the row number for Parquet;
- ``raw VARCHAR``: the source row as text, kept in quarantine when the row is rejected;
- VARCHAR (``ts``, ``value`` and ``is_conversion`` may instead keep a typed source's
  TIMESTAMP/TIMESTAMPTZ/DATE, numeric and BOOLEAN type): ``event_id, customer_id, ts,
  event_name, touchpoint, channel, campaign, source, medium, referrer, url, is_conversion,
  value, currency`` and ``attributes`` (a JSON object of the extra columns, or NULL).
  Missing ones are ``NULL::VARCHAR``.

The pipeline types, checks and stores the rows in DuckDB (no Python per row).

Optional hooks a reader may define (the pipeline looks them up with ``getattr``):

- ``positional_lines = True``: the staged ``line`` is the row's 1-based position in the
  staged relation, no row skipped (Parquet's row number). The pipeline then takes the
  file order (``seq``) from it instead of numbering the rows, a window over the whole
  file that costs about as much as reading a CSV.
- ``stream_staging_sql(path, mapping) -> str | None`` and ``open_stream(path, mapping) ->
  pyarrow.RecordBatchReader``: an ordered stream of the file's rows, each with its
  1-based position in :data:`POSITION_COLUMN`, and the staged relation over it (read from
  :data:`STREAM_RELATION`, ``line`` = the position, ``raw`` NULL; None when the stream
  would not read this file as the staged SQL does). The pipeline then
  takes ``seq`` from the stream instead of numbering DuckDB's rows. The stream is
  strict: anything it cannot read exactly (a wrong column count, invalid UTF-8) raises,
  and the pipeline then imports the file through the staged SQL as usual, which
  quarantines such rows.
- ``prepare(path) -> Path``: e.g. transcode a cp1251 export into a temporary UTF-8 file;
  the staged SQL then reads the returned path. A prepared file under the system temp folder
  is deleted after the import.
- ``resolve_lines(con, path, table) -> None``: for readers that cannot give exact line
  numbers inside one ``SELECT`` (a CSV's blank lines, quoted line breaks and rejected lines
  are known only after the scan): ``table`` has columns ``ord BIGINT`` (0-based position of
  the row in the staged relation, in source order) and ``line BIGINT`` (the staged value);
  the hook rewrites ``line`` to the real line number. It runs only for rejected rows.

Readers that read text with DuckDB's ``read_csv`` should pass :data:`REJECTS_OPTIONS`:
lines DuckDB cannot parse (wrong column count, invalid UTF-8, an unterminated quote) are
then quarantined with their real line number instead of failing the import.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping as AbcMapping
from collections.abc import Sequence
from collections.abc import Set as AbcSet
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from touchpath.errors import TouchpathError
from touchpath.ingest.mapping import CANONICAL_FIELDS
from touchpath.ingest.rules import sql_literal

if TYPE_CHECKING:
    import duckdb

    from touchpath.ingest.mapping import Mapping

__all__ = [
    "GENERIC_FORMATS",
    "POSITION_COLUMN",
    "READERS",
    "REJECTS_OPTIONS",
    "REJECTS_SCANS",
    "REJECTS_TABLE",
    "STAGED_COLUMNS",
    "STREAM_RELATION",
    "ImportFileError",
    "Reader",
    "detect_format",
    "get_reader",
    "insert_rows",
    "quote_ident",
    "register_reader",
    "sql_literal",
    "staged_select",
]

STAGED_COLUMNS: tuple[str, ...] = ("line", "raw", *CANONICAL_FIELDS, "attributes")
"""The staged relation's columns, in order."""

STREAM_RELATION = "_tp_stream"
"""The name an ``open_stream`` reader's batches are registered under."""
POSITION_COLUMN = "_tp_pos"
"""The stream's column of each row's 1-based position in the file."""

REJECTS_TABLE = "_tp_reject_errors"
REJECTS_SCANS = "_tp_reject_scans"
REJECTS_OPTIONS = (
    f"store_rejects=true, rejects_table='{REJECTS_TABLE}', rejects_scan='{REJECTS_SCANS}'"
)
"""``read_csv`` options that keep unparseable lines for the quarantine (see module docs)."""

GENERIC_FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")

_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


class ImportFileError(TouchpathError):
    """A file cannot be imported at all (missing, empty, a folder, not the format)."""


@runtime_checkable
class Reader(Protocol):
    """Reads one source format into the staged relation (see the module docs)."""

    format: str

    def sniff(self, path: Path) -> bool:
        """Whether ``path`` looks like this reader's format (cheap: a few KiB at most)."""
        ...

    def staging_sql(self, path: Path, mapping: Mapping) -> str:
        """The staged relation of ``path`` as a DuckDB ``SELECT``."""
        ...


READERS: dict[str, Reader] = {}
"""Readers by format name; built-ins and vendor readers register the same way."""


def register_reader(reader: Reader) -> Reader:
    """Add ``reader`` under its ``format`` name (a later one replaces an earlier one)."""
    READERS[reader.format] = reader
    return reader


def get_reader(fmt: str) -> Reader:
    """The reader for ``fmt``; an unknown name fails with the choices."""
    try:
        return READERS[fmt]
    except KeyError:
        choices = ", ".join(sorted(READERS))
        raise ImportFileError(f"unknown format {fmt!r}; choose one of: {choices}") from None


def base_suffix(path: Path) -> str:
    """The format suffix of ``path`` in lower case, ignoring a trailing ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def head_bytes(path: Path, size: int = 65536) -> bytes:
    """The first ``size`` bytes of ``path``, decompressed when it ends in ``.gz``."""
    if path.suffix.lower() == ".gz":
        with gzip.open(path, "rb") as fh:
            try:
                return fh.read(size)
            except (OSError, EOFError) as exc:
                raise ImportFileError(f"{path}: not a readable gzip file ({exc})") from None
    with path.open("rb") as fh:
        return fh.read(size)


def detect_format(path: Path) -> str:
    """The format of ``path``: vendor readers' ``sniff`` first, then the file name.

    ``.csv``/``.tsv``/``.txt`` → csv, ``.jsonl``/``.ndjson``/``.json`` → jsonl,
    ``.parquet`` → parquet, each optionally ``.gz``; other names are sniffed by content.

    >>> detect_format(Path("events.tsv.gz"))
    'csv'
    """
    path = Path(path)
    if path.is_file():
        for name, reader in READERS.items():
            if name not in GENERIC_FORMATS and _sniffs(reader, path):
                return name
    by_name = _EXTENSIONS.get(base_suffix(path))
    if by_name is not None:
        return by_name
    if path.is_file():
        for name in ("parquet", "jsonl", "csv"):
            generic = READERS.get(name)
            if generic is not None and _sniffs(generic, path):
                return name
    raise ImportFileError(
        f"{path}: cannot tell the format from the name; pass --format "
        f"({', '.join(sorted(READERS))})"
    )


def _sniffs(reader: Reader, path: Path) -> bool:
    """``reader.sniff(path)``; a file the sniffer cannot even open is not its format."""
    try:
        return bool(reader.sniff(path))
    except (OSError, EOFError, ValueError, ImportFileError):
        return False


def quote_ident(name: str) -> str:
    """A SQL identifier for ``name``, quotes doubled.

    >>> quote_ident("event name")
    '"event name"'
    """
    return '"' + name.replace('"', '""') + '"'


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    types: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> None:
    """``INSERT INTO table`` many rows in one statement (nothing when there are none).

    ``executemany`` runs one statement per row (10,000 quarantined rows took 8 s); here
    the rows go in column by column, as lists unnested side by side.
    """
    if not rows:
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    values = ", ".join(f"unnest(?::{sql_type}[])" for sql_type in types)
    con.execute(f"INSERT INTO {table} SELECT {values}", columns)


def staged_select(
    source: str,
    columns: AbcMapping[str, str],
    *,
    line: str,
    raw: str,
    attributes: str | None = None,
    where: str | None = None,
    typed: AbcSet[str] = frozenset(),
) -> str:
    """Assemble a staged ``SELECT`` from SQL expressions over ``source``.

    ``columns`` maps canonical names to SQL expressions (cast to VARCHAR here); the
    missing ones become ``NULL::VARCHAR``. Names in ``typed`` (``ts``, ``value``,
    ``is_conversion`` of a typed source) keep their own type; the pipeline types them.

    >>> staged_select("t", {"customer_id": "c"}, line="n", raw="r").split(",")[:3]
    ['SELECT CAST(n AS BIGINT) AS line', ' CAST(r AS VARCHAR) AS raw', ' NULL::VARCHAR AS event_id']
    """
    unknown = set(columns) - set(CANONICAL_FIELDS)
    if unknown:
        raise ValueError(f"not staged columns: {sorted(unknown)}")
    parts = [f"CAST({line} AS BIGINT) AS line", f"CAST({raw} AS VARCHAR) AS raw"]
    for name in CANONICAL_FIELDS:
        expr = columns.get(name)
        if expr and name in typed:
            parts.append(f"{expr} AS {name}")
        else:
            parts.append(
                f"CAST({expr} AS VARCHAR) AS {name}" if expr else f"NULL::VARCHAR AS {name}"
            )
    parts.append(
        f"CAST({attributes} AS VARCHAR) AS attributes"
        if attributes
        else "NULL::VARCHAR AS attributes"
    )
    sql = "SELECT " + ", ".join(parts) + f" FROM {source}"
    return sql + (f" WHERE {where}" if where else "")
