"""CSV files without quotes are read through pyarrow's ordered stream (``seq`` without a
window over the file): the events, reports and quarantine must be exactly those of the
DuckDB reading of the same file, which is the reference here (the stream turned off).
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from touchpath.engines import DuckDBEngine
from touchpath.ingest import import_events, parse_mapping, pipeline
from touchpath.ingest.files import CsvReader
from touchpath.ingest.mapping import Mapping
from touchpath.ingest.yandex_metrica import YandexMetricaReader

HEADER = "event_id,customer_id,ts,event_name,utm_source,value,currency\n"
ROWS = [
    "e1,c1,2025-03-01T10:00:00Z,view,google,,\n",
    "e2,c1,2025-03-01T10:00:00Z,чат,,,\n",  # a tie in time: the file order decides
    "e3,c2,2025-03-01T11:00:00+03:00,buy,,19.90,EUR\n",
    "e4,c2,2025-03-01T11:05:00Z,view,yandex,,\n",
]


def _events(engine: DuckDBEngine) -> list[tuple[Any, ...]]:
    with engine.raw() as con:
        return con.execute("SELECT * FROM events ORDER BY seq").fetchall()


def _quarantine(engine: DuckDBEngine) -> list[tuple[Any, ...]]:
    with engine.raw() as con:
        return con.execute(
            "SELECT line, field, reason, raw FROM quarantine ORDER BY line"
        ).fetchall()


def _import_both(
    tmp_path: Path,
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mapping: Mapping | None = None,
    reader: type = CsvReader,
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """Import ``path`` with the stream and without; (with, without, streams opened)."""
    opened: list[Path] = []
    open_stream = CsvReader.open_stream

    def counting(self: CsvReader, source: Path, rules: Mapping, **kwargs: Any) -> Any:
        opened.append(source)
        return open_stream(self, source, rules, **kwargs)

    monkeypatch.setattr(CsvReader, "open_stream", counting)
    results = []
    for name in ("with", "without"):
        if name == "without":
            monkeypatch.setattr(reader, "stream_staging_sql", lambda self, p, m: None)
        engine = DuckDBEngine(tmp_path / f"{name}.duckdb")
        engine.create()
        report = import_events(engine, path, mapping=mapping)
        results.append(
            {
                "counts": (
                    report.rows_read,
                    report.imported,
                    report.duplicates,
                    report.quarantined,
                ),
                "events": _events(engine),
                "quarantine": _quarantine(engine),
            }
        )
    return results[0], results[1], len(opened)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("plain", HEADER + "".join(ROWS)),
        (
            "crlf-bom-blank-lines",
            "\ufeff" + (HEADER + ROWS[0] + "\n" + "".join(ROWS[1:])).replace("\n", "\r\n"),
        ),
        ("no-final-newline", HEADER + "".join(ROWS).rstrip("\n")),
        ("bad-time-and-value", HEADER + ROWS[0] + "e9,c3,soon,view,,abc,EUR\n" + "".join(ROWS[1:])),
        ("missing-customer", HEADER + ROWS[0] + "e8,,2025-03-01T10:00:00Z,view,,,\n"),
    ],
)
def test_stream_reads_as_duckdb_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str
) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode("utf-8"))
    streamed, reference, opened = _import_both(tmp_path, path, monkeypatch)
    assert opened == 1
    assert streamed == reference
    assert streamed["events"], "nothing imported"
    positions = [row[-1] % (1 << 40) for row in streamed["events"]]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_stream_without_header_and_with_tabs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.txt"
    path.write_text("".join(r.replace(",", "\t") for r in ROWS), encoding="utf-8")
    mapping = parse_mapping(
        "header: false\ndelimiter: tab\ncolumns:\n  event_id: column1\n  customer_id: column2\n"
        "  ts: column3\n  event_name: column4\n"
    )
    streamed, reference, opened = _import_both(tmp_path, path, monkeypatch, mapping)
    assert opened == 1
    assert streamed == reference
    assert streamed["counts"] == (4, 4, 0, 0)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "wrong-column-count",
            (HEADER + ROWS[0] + "e7,c1,2025-03-01T10:00:00Z\n" + ROWS[1]).encode(),
        ),
        ("invalid-utf8", (HEADER + ROWS[0]).encode() + b"e6,c\xff1,2025-03-01T10:00:00Z,view,,,\n"),
        ("whitespace-line", (HEADER + ROWS[0] + "   \n" + ROWS[1]).encode()),
    ],
)
def test_what_the_stream_cannot_read_goes_through_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes
) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data)
    streamed, reference, opened = _import_both(tmp_path, path, monkeypatch)
    assert opened == 1  # tried, then read by DuckDB: the same outcome as without it
    assert streamed == reference
    assert streamed["counts"][3] == 1, streamed["quarantine"]


@pytest.mark.parametrize("late", [False, True], ids=["first-block", "past-first-block"])
def test_files_with_quotes_go_through_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: bool
) -> None:
    """pyarrow and DuckDB read quotes differently: ``"ab"c``, `` "x"``, an unclosed quote."""
    quoted = [
        'q1,c1,2025-03-01T10:00:00Z,"view, long",,,\n',
        'q2,c1,2025-03-01T10:00:01Z,"ab"c,,,\n',
        'q3,c1,2025-03-01T10:00:02Z, "x",,,\n',
        'q4,c1,2025-03-01T10:00:03Z,"never closed,,,\n',
    ]
    body = "".join(ROWS) * (100_000 if late else 1)
    if late:
        body = "".join(f"x{i}{row}" for i, row in enumerate(body.splitlines(keepends=True)))
    path = tmp_path / "quoted.csv"
    path.write_text(HEADER + body + "".join(quoted), encoding="utf-8")
    if late:
        assert path.stat().st_size > 16 << 20  # the quotes are past pyarrow's first block
    streamed, reference, opened = _import_both(tmp_path, path, monkeypatch)
    assert opened == 1
    assert streamed == reference
    assert streamed["quarantine"], "DuckDB quarantines the unclosed quote"


def test_compressed_files_skip_the_stream(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    packed = tmp_path / "plain.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert CsvReader().stream_staging_sql(plain, Mapping()) is not None
    assert CsvReader().stream_staging_sql(packed, Mapping()) is None


def test_no_quoting_reads_quotes_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "raw.csv"
    path.write_text(HEADER + 'e1,c1,2025-03-01T10:00:00Z,"view,,,\n', encoding="utf-8")
    streamed, reference, opened = _import_both(
        tmp_path, path, monkeypatch, parse_mapping('quote: ""\n')
    )
    assert opened == 1
    assert streamed == reference
    assert [row[3] for row in streamed["events"]] == ['"view']


METRICA = Path(__file__).parent / "vendor_data" / "metrica_visits.tsv"


@pytest.mark.parametrize("damage", ["none", "bad-rows-and-blank-line"])
def test_metrica_visits_stream_as_duckdb_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """The Logs API's TSV has no quotes: it streams too, with the same result."""
    lines = METRICA.read_text(encoding="utf-8").splitlines(keepends=True)
    if damage != "none":
        fields = lines[3].split("\t")
        fields[2] = ""  # no clientID: quarantined
        fields[3] = "yesterday"  # and no time
        lines[3] = "\t".join(fields)
        lines.insert(5, "\n")
    path = tmp_path / "visits.tsv"
    path.write_text("".join(lines), encoding="utf-8")
    attempts: list[bool] = []  # per attempt: whether it may read the stream
    run = pipeline._Job.run

    def spying(self: Any, *, streaming: bool) -> Any:
        attempts.append(self.use_stream)
        return run(self, streaming=streaming)

    monkeypatch.setattr(pipeline._Job, "run", spying)
    streamed, reference, opened = _import_both(
        tmp_path, path, monkeypatch, reader=YandexMetricaReader
    )
    assert opened == 1
    assert attempts == [True, True]  # read by the stream at once, no second attempt
    assert streamed == reference
    assert streamed["counts"][0] == 16  # rows read: the sample's, blank line not counted
    assert streamed["events"]
    found = [row[:2] for row in streamed["quarantine"]]
    assert ((4, "customer_id") in found) == (damage != "none")
