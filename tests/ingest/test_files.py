"""Readers, format detection, column matching and the mapping file, piece by piece."""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from touchpath.ingest import READERS, STAGED_COLUMNS, MappingError, detect_format, load_mapping
from touchpath.ingest.files import (
    CsvReader,
    JsonlReader,
    match_columns,
    read_lines,
    scan_newlines,
)
from touchpath.ingest.mapping import Mapping, parse_mapping
from touchpath.ingest.readers import (
    ImportFileError,
    get_reader,
    insert_rows,
    register_reader,
    staged_select,
)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.csv", "csv"),
        ("a.TSV", "csv"),
        ("a.txt", "csv"),
        ("a.csv.gz", "csv"),
        ("a.jsonl", "jsonl"),
        ("a.ndjson.gz", "jsonl"),
        ("a.json", "jsonl"),
        ("a.parquet", "parquet"),
    ],
)
def test_detect_format_by_name(name: str, fmt: str) -> None:
    assert detect_format(Path("/nonexistent") / name) == fmt


def test_detect_format_by_content(tmp_path: Path) -> None:
    parquet = tmp_path / "export.bin"
    pq.write_table(pa.table({"a": [1]}), parquet)
    jsonl = tmp_path / "export.log"
    jsonl.write_text('{"customer_id": "c"}\n', encoding="utf-8")
    text = tmp_path / "export"
    text.write_text("customer_id,ts\n", encoding="utf-8")
    binary = tmp_path / "export.dat"
    binary.write_bytes(b"\x00\x01\x02")
    assert [detect_format(p) for p in (parquet, jsonl, text)] == ["parquet", "jsonl", "csv"]
    with pytest.raises(ImportFileError, match="--format"):
        detect_format(binary)


def test_vendor_sniff_comes_first(tmp_path: Path) -> None:
    class Fake:
        format = "fake_vendor"

        def sniff(self, path: Path) -> bool:
            return path.read_bytes().startswith(b"FAKE")

        def staging_sql(self, path: Path, mapping: Mapping) -> str:
            raise NotImplementedError

    saved = dict(READERS)
    try:
        register_reader(Fake())
        mine = tmp_path / "x.csv"
        mine.write_bytes(b"FAKE,export\n")
        other = tmp_path / "y.csv"
        other.write_bytes(b"customer_id,ts\n")
        assert detect_format(mine) == "fake_vendor"
        assert detect_format(other) == "csv"
        assert get_reader("fake_vendor").format == "fake_vendor"
    finally:
        READERS.clear()
        READERS.update(saved)
    with pytest.raises(ImportFileError, match="unknown format 'fake_vendor'; choose one of"):
        get_reader("fake_vendor")


def test_builtin_and_vendor_readers_registered() -> None:
    assert {"csv", "jsonl", "parquet"} <= set(READERS)
    for name, reader in READERS.items():
        assert reader.format == name


# --------------------------------------------------------------------------- staged relation


def describe(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, str]]:
    return [(str(r[0]), str(r[1])) for r in con.execute(f"DESCRIBE {sql}").fetchall()]


EXPECTED_TYPES = [("line", "BIGINT")] + [(c, "VARCHAR") for c in STAGED_COLUMNS[1:]]


def test_staged_columns_of_each_reader(
    con: duckdb.DuckDBPyConnection, data_dir: Path, tmp_path: Path
) -> None:
    parquet = tmp_path / "p.parquet"
    pq.write_table(
        pa.table({"customer_id": ["c"], "ts": pa.array([0], pa.timestamp("ms")), "n": [1.5]}),
        parquet,
    )
    files = {"csv": data_dir / "events.csv", "jsonl": data_dir / "events.jsonl"}
    files["parquet"] = parquet
    for fmt, path in files.items():
        sql = READERS[fmt].staging_sql(path, Mapping())
        expected = EXPECTED_TYPES
        if fmt == "parquet":  # typed timestamps pass through (the pipeline types them)
            expected = [("ts", "TIMESTAMP") if c == "ts" else (c, t) for c, t in expected]
        assert describe(con, sql) == expected, fmt


def test_staged_values_csv(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    sql = CsvReader().staging_sql(data_dir / "events.csv", Mapping())
    rows = con.execute(f"SELECT * FROM ({sql}) ORDER BY event_id").fetchall()
    first = dict(zip(STAGED_COLUMNS, rows[0], strict=True))
    assert first["line"] is None  # resolved after the scan, see readers.py
    assert first["customer_id"] == "c1" and first["source"] == "google"
    assert first["attributes"] == '{"device":"desktop"}'
    quoted = dict(zip(STAGED_COLUMNS, rows[3], strict=True))
    assert quoted["url"] == "https://shop.example.com/?a=1,b=2"
    assert quoted["raw"].split(",", 7)[-1].startswith('"https://shop.example.com/?a=1,b=2"')


def test_jsonl_json_path_mapping(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    mapping = parse_mapping("columns: {url: $.page.path, customer_id: user_id}")
    sql = JsonlReader().staging_sql(data_dir / "events.jsonl", mapping)
    rows = con.execute(f"SELECT line, event_id, url FROM ({sql}) ORDER BY line").fetchall()
    assert rows[0] == (1, "j1", "/")
    assert [r[0] for r in rows] == [1, 2, 4, 7, 8, 9, 10]  # blank and broken lines left out


@pytest.mark.parametrize(("delimiter", "suffix"), [(";", ".csv"), ("\t", ".tsv"), ("|", ".txt")])
def test_delimiter_sniffing(tmp_path: Path, delimiter: str, suffix: str) -> None:
    path = tmp_path / f"d{suffix}"
    path.write_text(
        delimiter.join(["customer_id", "ts", "note"]) + "\nc1" + delimiter + "x\n",
        encoding="utf-8",
    )
    delim, names = CsvReader().dialect(path, Mapping())
    assert (delim, names) == (delimiter, ["customer_id", "ts", "note"])


def test_duplicate_and_empty_header_names(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("customer_id,ts,Note,note,\nc,t,a,b,c\n", encoding="utf-8")
    _, names = CsvReader().dialect(path, Mapping())
    assert names == ["customer_id", "ts", "Note", "note_2", "column5"]


def test_no_header(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("c1,2025-03-01T10:00:00Z\n", encoding="utf-8")
    mapping = parse_mapping("header: false\ncolumns: {customer_id: column1, ts: column2}")
    _, names = CsvReader().dialect(path, mapping)
    assert names == ["column1", "column2"]


# --------------------------------------------------------------------------- columns


def test_match_columns_by_alias_and_mapping() -> None:
    available = ["Timestamp", "User_ID", "utm_source", "page", "Revenue", "extra", "other"]
    chosen, attributes = match_columns(available, Mapping(), Path("f.csv"))
    assert chosen == {
        "customer_id": "User_ID",
        "ts": "Timestamp",
        "source": "utm_source",
        "url": "page",
        "value": "Revenue",
    }
    assert attributes == ["extra", "other"]
    mapping = parse_mapping(
        "columns: {customer_id: extra}\nattributes: [other]\nconversion: {column: Revenue}"
    )
    chosen, attributes = match_columns(available, mapping, Path("f.csv"))
    assert chosen["customer_id"] == "extra" and chosen["is_conversion"] == "Revenue"
    assert "value" not in chosen and attributes == ["other"]


def test_match_columns_errors() -> None:
    with pytest.raises(ImportFileError, match=r"column 'nope'.*columns are: a, ts"):
        match_columns(["a", "ts"], parse_mapping("columns: {customer_id: nope}"), Path("f"))
    with pytest.raises(ImportFileError, match="no column gives ts"):
        match_columns(["customer_id"], Mapping(), Path("f"))


def test_staged_select() -> None:
    sql = staged_select("t", {"customer_id": "a", "ts": "b"}, line="n", raw="r", where="x")
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 1 AS n, 'r' AS r, 'c' AS a, 't' AS b, true AS x")
    assert describe(con, sql) == EXPECTED_TYPES
    assert con.execute(sql).fetchone() == (1, "r", None, "c", "t", *([None] * 12))
    con.close()
    with pytest.raises(ValueError, match="not staged columns"):
        staged_select("t", {"customer": "a"}, line="n", raw="r")


# --------------------------------------------------------------------------- file helpers


def test_scan_newlines_and_read_lines(tmp_path: Path) -> None:
    rng = random.Random(7)
    lines = [
        "".join(rng.choice("abcé,\r") for _ in range(rng.randint(0, 3000))) for _ in range(1500)
    ]
    data = "\n".join(lines).encode("utf-8")  # no newline at the end
    for path in (tmp_path / "l.txt", tmp_path / "l.txt.gz"):
        path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
        # few positions, then many per 1 MiB chunk with repeats (the counting resumes)
        for positions in (
            sorted(rng.sample(range(len(data)), 50)),
            [*sorted(rng.choices(range(len(data)), k=3000)), len(data) + 5],
        ):
            before, total, ends = scan_newlines(path, positions)
            assert before == [data.count(b"\n", 0, p) for p in positions]
        assert (total, ends) == (data.count(b"\n"), False)
        wanted = [(1, 1), (700, 702), (1500, 1500)]
        texts = read_lines(path, wanted)
        assert texts[1] == lines[0].rstrip("\r")
        assert texts[700] == "\n".join(line.rstrip("\r") for line in lines[699:702])
        assert texts[1500] == lines[1499].rstrip("\r")


def test_insert_rows_in_one_statement() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n BIGINT, s VARCHAR)")
    rows = [(i, None if i % 3 == 0 else f"ё'{i}\"") for i in range(5000)]
    insert_rows(con, "t", ("BIGINT", "VARCHAR"), rows)
    insert_rows(con, "t", ("BIGINT", "VARCHAR"), [])
    assert con.execute("SELECT n, s FROM t ORDER BY n").fetchall() == rows
    con.close()


# --------------------------------------------------------------------------- mapping


def test_mapping_defaults_and_shorthands() -> None:
    mapping = parse_mapping(
        "delimiter: tab\ncurrency: rub\nconversion: purchase\nconversion_goals: [123, abc]\n"
        "options: {counter: 42}\n"
    )
    assert mapping.delimiter == "\t" and mapping.currency == "RUB"
    assert mapping.conversion is not None and mapping.conversion.events == ["purchase"]
    assert mapping.conversion_goals == ["123", "abc"]
    assert mapping.options == {"counter": 42}
    assert parse_mapping("") == Mapping()
    assert Mapping().timezone == "UTC" and Mapping().header is True


def test_mapping_errors_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "timezone: Europe/Berlin\n"
        "columns:\n"
        "  customer_id: case_id\n"
        "  client: who\n"
        "timestamp_format: plain\n"
        "touchpoints:\n"
        "  - touchpoint: Site Page\n"
        "    url: '*'\n"
        "delimiter: ';;'\n"
        "colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    issues = [str(issue) for issue in info.value.issues]
    assert issues[0].startswith(f"{path}:4: columns.client: not a canonical field")
    assert issues[1].startswith(f"{path}:5: timestamp_format:")
    assert issues[2].startswith(f"{path}:7: touchpoints.0.touchpoint:")
    assert issues[3].startswith(f"{path}:9: delimiter: a delimiter is one character")
    assert issues[4] == f"{path}:10: colour: unknown setting"
    assert len(issues) == 5


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("timezone: Mars/Olympus\n", 1, "unknown time zone"),
        ("encoding: klingon\n", 1, "unknown encoding"),
        ("columns: {customer_id: a, ts: a}\n", 1, "both read source column 'a'"),
        ("conversion: {column: a, events: [b]}\n", 1, "either column"),
        ("currency: euro\n", 1, "currency"),
        ("a: [1,\n", 2, "yaml"),
        ("- just\n- a list\n", 1, "expected key: value"),
    ],
)
def test_mapping_error_cases(text: str, line: int, words: str) -> None:
    with pytest.raises(MappingError) as info:
        parse_mapping(text, filename="m.yaml")
    first = str(info.value.issues[0])
    assert first.startswith(f"m.yaml:{line}:"), first
    assert words in first


def test_load_mapping_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="no such file"):
        load_mapping(tmp_path / "none.yaml")
