"""The import pipeline end to end: formats, mapping, time zones, idempotency, quarantine.

Every expected number is computed independently: Python's csv/json/gzip modules count
the rows, zoneinfo converts the times, pyarrow writes the Parquet files, and line
numbers are found by searching the file's bytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpath.engines import DuckDBEngine
from touchpath.errors import TouchpathError
from touchpath.ingest import ImportFileError, ImportReport, import_events, parse_mapping
from touchpath.ingest import pipeline as pipeline_module
from touchpath.ingest.channels import channel_group_row
from touchpath.model import Catalogue, Touchpoint

REAL = Path("/work/shared/data/real")


class Store:
    """Reads an events store back for assertions (times as UTC epoch microseconds)."""

    def __init__(self, engine: DuckDBEngine) -> None:
        self.engine = engine

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.engine.raw() as con:
            cur = con.execute(sql, list(params))
            names = [d[0] for d in cur.description or []]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def events(self) -> dict[str, dict[str, Any]]:
        """Stored events by event_id; ``ts_us`` is the time in UTC microseconds."""
        rows = self.query(
            "SELECT * EXCLUDE (ts), epoch_us(ts) AS ts_us FROM events ORDER BY event_id"
        )
        return {row["event_id"]: row for row in rows}

    def quarantine(self) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM quarantine ORDER BY import_id, line")

    def count(self, table: str) -> int:
        return int(self.query(f"SELECT count(*) AS n FROM {table}")[0]["n"])


@pytest.fixture
def store(engine: DuckDBEngine) -> Store:
    return Store(engine)


# --------------------------------------------------------------------------- helpers


def csv_records(path: Path, *, delimiter: str = ",", encoding: str = "utf-8") -> list[list[str]]:
    """Data records as Python's csv module reads them (header and blank lines left out)."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    text = raw.decode(encoding, errors="surrogateescape")
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
    return rows[1:]


def line_of(path: Path, marker: str) -> int:
    """The 1-based line of the file on which ``marker`` first appears."""
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        if marker.encode() in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def us(moment: datetime) -> int:
    """UTC microseconds since the epoch of an aware datetime."""
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return delta.days * 86_400_000_000 + delta.seconds * 1_000_000 + delta.microseconds


def parse_time(text: str, zone: str = "UTC") -> int:
    """The instant of ISO text / epoch numbers, the way the docs define it (Python side)."""
    text = text.strip()
    if text.isdigit():
        number = int(text)
        digits = len(text)
        micros = number * 10 ** (6 - 3 * ((digits > 11) + (digits > 14)))
        return micros
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return us(moment)


def invariant(report: ImportReport) -> None:
    assert report.imported + report.duplicates + report.quarantined == report.rows_read


# --------------------------------------------------------------------------- formats


def test_csv_comma_all_rows_typed(engine: DuckDBEngine, store: Store, data_dir: Path) -> None:
    path = data_dir / "events.csv"
    records = csv_records(path)
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    report = import_events(engine, path)
    invariant(report)
    assert report.rows_read == len(records) == report.imported
    assert (report.duplicates, report.quarantined, report.format) == (0, 0, "csv")
    stored = store.events()
    assert sorted(stored) == sorted(r[0] for r in records)
    for record in records:
        row = dict(zip(header, record, strict=True))
        event = stored[row["event_id"]]
        assert event["customer_id"] == row["customer_id"]
        assert event["ts_us"] == parse_time(row["ts"])
        assert event["event_name"] == row["event_name"]
        assert event["value"] == (float(row["value"]) if row["value"] else None)
        assert event["currency"] == (row["currency"].upper() or None)
        assert event["source"] == (row["utm_source"] or None)
        assert event["campaign"] == (row["utm_campaign"] or None)
        staged = {
            "source": row["utm_source"] or None,
            "medium": row["utm_medium"] or None,
            "url": row["url"],
        }
        assert event["channel"] == channel_group_row(staged).value
        attributes = json.loads(event["attributes"])
        assert attributes["url"] == row["url"]
        assert attributes.get("device") == (row["device"] or None)
        assert event["import_id"] == report.import_id


def test_csv_semicolon_with_mapping(engine: DuckDBEngine, store: Store, data_dir: Path) -> None:
    path = data_dir / "events_semicolon.csv"
    mapping = parse_mapping(
        """
        delimiter: ";"
        timezone: Europe/Moscow
        timestamp_format: "%d.%m.%Y %H:%M"
        currency: RUB
        columns: {customer_id: клиент, ts: время, event_name: событие, value: сумма,
                  source: источник, medium: канал}
        conversion: [заказ]
        """
    )
    records = csv_records(path, delimiter=";")
    report = import_events(engine, path, mapping=mapping)
    invariant(report)
    assert report.rows_read == report.imported == len(records)
    stored = sorted(store.events().values(), key=lambda e: e["ts_us"])
    moscow = ZoneInfo("Europe/Moscow")
    expected = sorted(
        records, key=lambda r: datetime.strptime(r[1], "%d.%m.%Y %H:%M").replace(tzinfo=moscow)
    )
    for event, record in zip(stored, expected, strict=True):
        local = datetime.strptime(record[1], "%d.%m.%Y %H:%M").replace(tzinfo=moscow)
        assert event["ts_us"] == us(local)
        assert event["customer_id"] == record[0]
        amount = record[3].replace(" ", "").replace(",", ".")
        assert event["value"] == (float(amount) if amount else None)
        assert event["currency"] == "RUB"
        assert event["is_conversion"] is (record[2] == "заказ")


def test_tsv_and_aliases(engine: DuckDBEngine, store: Store, data_dir: Path) -> None:
    path = data_dir / "events.tsv"
    records = csv_records(path, delimiter="\t")
    report = import_events(engine, path)
    assert report.rows_read == report.imported == len(records) == 3
    pages = sorted(json.loads(e["attributes"])["url"] for e in store.events().values())
    assert pages == sorted(r[3] for r in records)


def test_gzip_csv_same_as_plain(
    engine: DuckDBEngine, store: Store, data_dir: Path, tmp_path: Path
) -> None:
    zipped = tmp_path / "events.csv.gz"
    zipped.write_bytes(gzip.compress((data_dir / "events.csv").read_bytes()))
    report = import_events(engine, zipped)
    assert report.rows_read == report.imported == len(csv_records(zipped))
    plain = DuckDBEngine(tmp_path / "plain.duckdb")
    plain.create()
    import_events(plain, data_dir / "events.csv")
    assert store.events() == {
        k: {**v, "import_id": report.import_id} for k, v in Store(plain).events().items()
    }


def test_jsonl(engine: DuckDBEngine, store: Store, data_dir: Path) -> None:
    path = data_dir / "events.jsonl"
    lines = path.read_text(encoding="utf-8").split("\n")
    objects: dict[int, dict[str, Any]] = {}
    broken: list[int] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            broken.append(number)
            continue
        if isinstance(value, dict):
            objects[number] = value
        else:
            broken.append(number)
    report = import_events(engine, path)
    invariant(report)
    assert report.rows_read == len(objects) + len(broken)
    bad = {q["line"]: q for q in store.quarantine()}
    for number in broken:
        assert bad[number]["field"] == "line"
        assert bad[number]["raw"] == lines[number - 1]
    assert bad[line_of(path, '"j5"')]["field"] == "customer_id"
    assert bad[line_of(path, '"j6"')]["field"] == "ts"
    assert bad[line_of(path, '"j7"')]["field"] == "value"
    stored = store.events()
    good = {o["event_id"]: o for o in objects.values() if o["event_id"] in stored}
    assert len(good) == report.imported == 4
    assert stored["j1"]["ts_us"] == good["j1"]["ts"] * 1000
    assert stored["j2"]["ts_us"] == parse_time(good["j2"]["ts"])
    assert stored["j2"]["is_conversion"] is True and stored["j2"]["value"] == 49.5
    assert json.loads(stored["j1"]["attributes"])["page"] == good["j1"]["page"]
    assert json.loads(stored["j3"]["attributes"]) == {"tags": ["a", "b"]}
    assert stored["j1"]["source"] == "google" and stored["j1"]["channel"] == "paid_search"


def parquet_file(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    rows = [
        {
            "event_id": f"p{i}",
            "customer_id": None if i == 3 else f"c{i % 4}",
            "ts": datetime(2025, 3, 1, 10, i, 30, 125000, tzinfo=UTC),
            "event_name": ["visit", "purchase"][i % 2],
            "value": 10.5 * i if i % 2 else None,
            "currency": "EUR" if i % 2 else None,
            "utm_source": "google" if i % 3 == 0 else None,
            "score": i * 2,
        }
        for i in range(1, 8)
    ]
    schema = pa.schema(
        [
            ("event_id", pa.string()),
            ("customer_id", pa.string()),
            ("ts", pa.timestamp("us", tz="UTC")),
            ("event_name", pa.string()),
            ("value", pa.float64()),
            ("currency", pa.string()),
            ("utm_source", pa.string()),
            ("score", pa.int64()),
        ]
    )
    path = tmp_path / "typed.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path, rows


def test_parquet_typed_columns(engine: DuckDBEngine, store: Store, tmp_path: Path) -> None:
    path, rows = parquet_file(tmp_path)
    report = import_events(engine, path)
    invariant(report)
    assert (report.rows_read, report.imported, report.quarantined) == (7, 6, 1)
    stored = store.events()
    for row in rows:
        if row["customer_id"] is None:
            continue
        event = stored[row["event_id"]]
        assert event["ts_us"] == us(row["ts"])
        assert event["value"] == row["value"]
        assert json.loads(event["attributes"]) == {"score": row["score"]}
    (bad,) = store.quarantine()
    assert bad["line"] == 3  # the third row of the file
    assert bad["field"] == "customer_id"
    assert json.loads(bad["raw"])["event_id"] == "p3"


def test_parquet_typed_values_pass_through(
    engine: DuckDBEngine, store: Store, tmp_path: Path
) -> None:
    """TIMESTAMP/TIMESTAMPTZ, numbers and booleans are not turned into text and back."""
    from decimal import Decimal

    path = tmp_path / "typed.parquet"
    naive = datetime(2025, 3, 30, 12, 0, 0)
    pq.write_table(
        pa.table(
            {
                "event_id": ["a", "b", "c", "d", "e"],
                "customer_id": ["c1", "c1", "c2", "c2", "c3"],
                "ts": pa.array([naive, naive, None, naive, naive], pa.timestamp("us")),
                "value": pa.array(
                    [Decimal("12.50"), None, Decimal("1.00"), Decimal("2.00"), None],
                    pa.decimal128(10, 2),
                ),
                "score": pa.array([1.0, 2.0, 3.0, float("nan"), 5.0]),
                "is_conversion": [True, False, None, True, None],
            }
        ),
        path,
    )
    mapping = parse_mapping("timezone: Europe/Berlin\ncurrency: EUR\n")
    report = import_events(engine, path, mapping=mapping)
    invariant(report)
    assert (report.rows_read, report.imported, report.quarantined) == (5, 4, 1)
    stored = store.events()
    berlin = naive.replace(tzinfo=ZoneInfo("Europe/Berlin"))
    assert stored["a"]["ts_us"] == us(berlin)
    assert stored["a"]["value"] == 12.5 and stored["a"]["is_conversion"] is True
    assert stored["b"]["value"] is None and stored["b"]["is_conversion"] is False
    assert stored["e"]["is_conversion"] is False
    (bad,) = store.quarantine()
    assert (bad["line"], bad["field"], bad["reason"]) == (3, "ts", "missing timestamp")

    nan_path = tmp_path / "nan.parquet"
    pq.write_table(
        pa.table(
            {
                "customer_id": ["c1", "c2"],
                "ts": pa.array([berlin, berlin], pa.timestamp("us", tz="UTC")),
                "value": [1.5, float("nan")],
            }
        ),
        nan_path,
    )
    report = import_events(engine, nan_path, mapping=mapping)
    invariant(report)
    assert (report.imported, report.quarantined) == (1, 1)
    nan_bad = store.quarantine()[-1]
    assert (nan_bad["line"], nan_bad["field"]) == (2, "value")
    assert "nan" in nan_bad["reason"].lower()


def test_parquet_without_mapping_needs_customer(engine: DuckDBEngine, tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"who": ["a"], "ts": ["2025-01-01T00:00:00Z"]}), path)
    with pytest.raises(ImportFileError, match=r"customer_id.*who"):
        import_events(engine, path)
    report = import_events(engine, path, mapping=parse_mapping("columns: {customer_id: who}"))
    assert report.imported == 1


# --------------------------------------------------------------------------- time zones


TIMES = [
    ("dst gap", "2025-03-30 02:30", "Europe/Berlin"),
    ("dst repeat", "2025-10-26 02:30", "Europe/Berlin"),
    ("naive", "2025-01-15 09:00:00", "America/New_York"),
    ("offset", "2025-03-30T02:30:00+05:00", "Europe/Berlin"),
    ("zulu", "2025-03-30T02:30:00Z", "Europe/Berlin"),
    ("fraction", "2025-03-30T02:30:00.123456Z", "UTC"),
    ("epoch s", "1743301800", "Europe/Berlin"),
    ("epoch ms", "1743301800123", "Europe/Berlin"),
    ("epoch us", "1743301800123456", "Europe/Berlin"),
]


def expected_instant(text: str, zone: str) -> int:
    if text == "2025-10-26 02:30":
        # the repeated autumn hour: DuckDB (ICU) takes the later, standard-time reading
        return us(datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=ZoneInfo(zone)))
    if text == "2025-03-30 02:30":
        # a time inside the spring gap is read with the offset before the change (fold=0)
        return us(datetime(2025, 3, 30, 2, 30, tzinfo=ZoneInfo(zone)))
    return parse_time(text, zone)


@pytest.mark.parametrize(("case", "text", "zone"), TIMES, ids=[t[0] for t in TIMES])
def test_time_zones(
    engine: DuckDBEngine, store: Store, tmp_path: Path, case: str, text: str, zone: str
) -> None:
    path = write_csv(tmp_path / "t.csv", ["customer_id", "ts"], [["c1", text]])
    report = import_events(engine, path, mapping=parse_mapping(f"timezone: {zone}"))
    assert report.imported == 1, report.quarantine_sample
    (event,) = store.events().values()
    assert event["ts_us"] == expected_instant(text, zone)


def test_berlin_gap_is_one_thirty_utc(engine: DuckDBEngine, store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ["customer_id", "ts"], [["c1", "2025-03-30 02:30"]])
    import_events(engine, path, mapping=parse_mapping("timezone: Europe/Berlin"))
    (event,) = store.events().values()
    assert event["ts_us"] == us(datetime(2025, 3, 30, 1, 30, tzinfo=UTC))


def test_custom_format_with_zone(engine: DuckDBEngine, store: Store, tmp_path: Path) -> None:
    rows = [["c1", "30/03/2025 14:05"], ["c2", "2025-03-30T14:05:00Z"], ["c3", "31/02/2025 10:00"]]
    path = write_csv(tmp_path / "t.csv", ["customer_id", "ts"], rows)
    mapping = parse_mapping('timezone: Asia/Yekaterinburg\ntimestamp_format: "%d/%m/%Y %H:%M"')
    report = import_events(engine, path, mapping=mapping)
    assert (report.imported, report.quarantined) == (2, 1)
    times = {e["customer_id"]: e["ts_us"] for e in store.events().values()}
    zone = ZoneInfo("Asia/Yekaterinburg")
    assert times["c1"] == us(datetime(2025, 3, 30, 14, 5, tzinfo=zone))
    assert times["c2"] == us(datetime(2025, 3, 30, 14, 5, tzinfo=UTC))
    (bad,) = store.quarantine()
    assert bad["line"] == 4 and bad["field"] == "ts" and "31/02/2025" in bad["reason"]


# --------------------------------------------------------------------------- idempotency


def test_reimport_adds_nothing(engine: DuckDBEngine, store: Store, data_dir: Path) -> None:
    path = data_dir / "events.csv"
    first = import_events(engine, path)
    second = import_events(engine, path)
    n = len(csv_records(path))
    assert (first.imported, first.duplicates) == (n, 0)
    assert (second.imported, second.duplicates, second.rows_read) == (0, n, n)
    invariant(second)
    assert store.count("events") == n
    imports = store.query("SELECT imported, duplicates FROM imports ORDER BY import_id")
    assert [(i["imported"], i["duplicates"]) for i in imports] == [(n, 0), (0, n)]


def test_reimport_without_event_ids(engine: DuckDBEngine, store: Store, data_dir: Path) -> None:
    path = data_dir / "events.tsv"
    import_events(engine, path)
    again = import_events(engine, path)
    assert (again.imported, again.duplicates) == (0, 3)
    assert store.count("events") == 3


def test_identical_rows_are_distinct_events(
    engine: DuckDBEngine, store: Store, tmp_path: Path
) -> None:
    rows = [["c1", "2025-03-01T10:00:00Z", "call"]] * 3 + [["c1", "2025-03-01T10:05:00Z", "call"]]
    path = write_csv(tmp_path / "same.csv", ["customer_id", "ts", "event_name"], rows)
    first = import_events(engine, path)
    assert (first.imported, first.duplicates) == (4, 0)
    assert len(set(store.events())) == 4
    again = import_events(engine, path)
    assert (again.imported, again.duplicates) == (0, 4)
    longer = write_csv(tmp_path / "more.csv", ["customer_id", "ts", "event_name"], rows + rows[:1])
    more = import_events(engine, longer)
    assert (more.imported, more.duplicates) == (1, 4)


def test_repeated_event_id_keeps_the_first(
    engine: DuckDBEngine, store: Store, tmp_path: Path
) -> None:
    rows = [
        ["x1", "c1", "2025-03-01T10:00:00Z", "first"],
        ["x2", "c1", "2025-03-01T10:01:00Z", "other"],
        ["x1", "c9", "2025-03-01T10:02:00Z", "second"],
    ]
    path = write_csv(tmp_path / "d.csv", ["event_id", "customer_id", "ts", "event_name"], rows)
    report = import_events(engine, path)
    assert (report.imported, report.duplicates) == (2, 1)
    assert store.events()["x1"]["event_name"] == "first"


@pytest.mark.parametrize("repeat", [False, True])
def test_bad_rows_are_not_repeats(
    engine: DuckDBEngine, store: Store, tmp_path: Path, repeat: bool
) -> None:
    """Quarantined rows share one marker id on the way: they must not read as repeats."""
    rows = [[f"e{i}", f"c{i % 7}", f"2025-03-01T10:{i % 60:02d}:00Z"] for i in range(3000)]
    for i in (10, 1500, 2999):
        rows[i][2] = "not a time"
    if repeat:
        rows[2500][0] = "e20"
    path = write_csv(tmp_path / "b.csv", ["event_id", "customer_id", "ts"], rows)
    report = import_events(engine, path)
    assert report.quarantined == 3
    assert (report.imported, report.duplicates) == ((2996, 1) if repeat else (2997, 0))
    assert store.events()["e20"]["ts_us"] == parse_time("2025-03-01T10:20:00Z")


def test_overlapping_files(engine: DuckDBEngine, store: Store, tmp_path: Path) -> None:
    header = ["event_id", "customer_id", "ts"]
    a = [[f"e{i}", "c", f"2025-03-01T10:{i:02d}:00Z"] for i in range(10)]
    b = a[5:] + [[f"e{i}", "c", f"2025-03-01T11:{i:02d}:00Z"] for i in range(10, 14)]
    import_events(engine, write_csv(tmp_path / "a.csv", header, a))
    report = import_events(engine, write_csv(tmp_path / "b.csv", header, b))
    assert (report.imported, report.duplicates) == (4, 5)
    assert store.count("events") == 14


@pytest.mark.parametrize("with_bad_row", [False, True])
def test_seq_keeps_the_file_order_across_imports(
    engine: DuckDBEngine, store: Store, tmp_path: Path, with_bad_row: bool
) -> None:
    """Ties in time are broken by the source's order: seq follows the file, then the import."""
    header = ["event_id", "customer_id", "ts", "event_name"]
    same = "2025-03-01T10:00:00Z"
    names = ["zeta", "alpha", "mid", "beta", "omega"]  # not sorted: the file order matters
    rows = [[f"e{i}", "c", same, name] for i, name in enumerate(names)]
    if with_bad_row:
        rows.insert(2, ["bad", "c", "not a time", "broken"])
    import_events(engine, write_csv(tmp_path / "a.csv", header, rows))
    later = [["f1", "c", same, "later"]]
    import_events(engine, write_csv(tmp_path / "b.csv", header, later))
    got = [r["event_name"] for r in store.query("SELECT event_name FROM events ORDER BY ts, seq")]
    assert got == [*names, "later"]
    seqs = [r["seq"] for r in store.query("SELECT seq FROM events ORDER BY seq")]
    assert len(set(seqs)) == len(seqs)


# --------------------------------------------------------------------------- quarantine


BAD_EXPECTED = {
    "b02": "customer_id",
    "b03": "ts",
    "b04": "value",
    "b05": "line",
    "b07": "currency",
    "b08": "is_conversion",
    "b09": "line",
    "b10": "currency",
    "b12": "line",
}


def test_quarantine_reasons_and_lines(engine: DuckDBEngine, store: Store, data_dir: Path) -> None:
    path = data_dir / "bad.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        records = [r for r in csv.reader(fh) if r][1:]
    report = import_events(engine, path)
    invariant(report)
    assert report.rows_read == len(records)
    assert report.quarantined == len(BAD_EXPECTED)
    assert report.imported == len(records) - len(BAD_EXPECTED)
    found = {q["line"]: q for q in store.quarantine()}
    assert set(found) == {line_of(path, marker) for marker in BAD_EXPECTED}
    for marker, field in BAD_EXPECTED.items():
        row = found[line_of(path, marker)]
        assert row["field"] == field, row
        assert row["source"] == str(path)
        assert row["import_id"] == report.import_id
        assert row["raw"].startswith(marker)
    assert "yesterday" in found[line_of(path, "b03")]["reason"]
    assert "12abc" in found[line_of(path, "b04")]["reason"]
    assert "expected 7 columns, found 3" in found[line_of(path, "b05")]["reason"]
    assert "cut off" in found[line_of(path, "b12")]["reason"]
    assert sorted(store.events()) == ["b01", "b06", "b11"]
    assert [s.line for s in report.quarantine_sample] == sorted(found)[:5]


def test_invalid_utf8_line(engine: DuckDBEngine, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "enc.csv"
    path.write_bytes(
        b"customer_id,ts,event_name\n"
        b"c1,2025-03-01T10:00:00Z,ok\n"
        b"c2,2025-03-01T10:01:00Z,caf\xe9 \xff\n"
        b"c3,2025-03-01T10:02:00Z,\xd0\xb7\xd0\xb2\xd0\xbe\xd0\xbd\xd0\xbe\xd0\xba\n"
    )
    report = import_events(engine, path)
    invariant(report)
    assert (report.rows_read, report.imported, report.quarantined) == (3, 2, 1)
    (bad,) = store.quarantine()
    assert bad["line"] == line_of(path, "c2,")
    assert "UTF-8" in bad["reason"] and bad["raw"].startswith("c2,")
    assert {e["event_name"] for e in store.events().values()} == {"ok", "звонок"}


def test_truncated_inside_quotes(engine: DuckDBEngine, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_text(
        'customer_id,ts,note\nc1,2025-03-01T10:00:00Z,"fine"\nc2,2025-03-01T10:01:00Z,"cut he',
        encoding="utf-8",
    )
    report = import_events(engine, path)
    invariant(report)
    assert (report.rows_read, report.imported, report.quarantined) == (2, 1, 1)
    (bad,) = store.quarantine()
    assert bad["line"] == 3 and "quote" in bad["reason"]


def test_line_numbers_with_quoted_newlines_and_blank_lines(
    engine: DuckDBEngine, store: Store, data_dir: Path
) -> None:
    path = data_dir / "multiline.csv"
    records = csv_records(path)
    report = import_events(engine, path)
    invariant(report)
    assert report.rows_read == len(records)
    lines = {q["line"]: q["field"] for q in store.quarantine()}
    assert lines == {line_of(path, "m4,"): "ts", line_of(path, "m5,"): "line"}
    raw = {q["line"]: q["raw"] for q in store.quarantine()}
    assert raw[line_of(path, "m4,")] == "m4,c2,not-a-time,after the blank lines"


def test_unknown_touchpoint_with_catalogue(
    engine: DuckDBEngine, store: Store, tmp_path: Path
) -> None:
    catalogue = Catalogue(
        business="shop",
        touchpoints=[
            Touchpoint(id="site", name="Site", channel="site"),
            Touchpoint(id="checkout", name="Checkout", channel="site"),
        ],
    )
    rows = [
        ["c1", "2025-03-01T10:00:00Z", "site", "https://a.example/"],
        ["c1", "2025-03-01T10:01:00Z", "nope", "https://a.example/"],
        ["c1", "2025-03-01T10:02:00Z", "", "https://a.example/checkout/1"],
        ["c1", "2025-03-01T10:03:00Z", "", "https://a.example/about"],
    ]
    path = write_csv(tmp_path / "tp.csv", ["customer_id", "ts", "touchpoint", "url"], rows)
    mapping = parse_mapping('touchpoints:\n  - {touchpoint: checkout, url: "*/checkout/*"}\n')
    report = import_events(engine, path, mapping=mapping, catalogue=catalogue)
    invariant(report)
    assert (report.imported, report.quarantined) == (3, 1)
    (bad,) = store.quarantine()
    assert (bad["line"], bad["field"]) == (3, "touchpoint") and "nope" in bad["reason"]
    by_url = {json.loads(e["attributes"])["url"]: e["touchpoint"] for e in store.events().values()}
    assert by_url == {
        "https://a.example/": "site",
        "https://a.example/checkout/1": "checkout",
        "https://a.example/about": None,
    }
    wrong = parse_mapping('touchpoints:\n  - {touchpoint: blog, url: "*/blog/*"}\n')
    with pytest.raises(TouchpathError, match="blog"):
        import_events(engine, path, mapping=wrong, catalogue=catalogue)


def test_catalogue_without_touchpoints_checks_nothing(
    engine: DuckDBEngine, store: Store, tmp_path: Path
) -> None:
    """A new workspace's empty catalogue neither quarantines rows nor refuses rules."""
    rows = [
        ["c1", "2025-03-01T10:00:00Z", "site", "https://a.example/"],
        ["c1", "2025-03-01T10:02:00Z", "", "https://a.example/checkout/1"],
    ]
    path = write_csv(tmp_path / "tp.csv", ["customer_id", "ts", "touchpoint", "url"], rows)
    mapping = parse_mapping('touchpoints:\n  - {touchpoint: checkout, url: "*/checkout/*"}\n')
    report = import_events(engine, path, mapping=mapping, catalogue=Catalogue(business="new"))
    invariant(report)
    assert (report.imported, report.quarantined) == (2, 0)
    assert sorted(e["touchpoint"] for e in store.events().values()) == ["checkout", "site"]


def test_conversions_and_channel_given(engine: DuckDBEngine, store: Store, tmp_path: Path) -> None:
    rows = [
        ["c1", "2025-03-01T10:00:00Z", "lead", "", "email"],
        ["c1", "2025-03-01T10:01:00Z", "view", "yes", "not a group"],
        ["c1", "2025-03-01T10:02:00Z", "view", "0", ""],
    ]
    header = ["customer_id", "ts", "event_name", "is_conversion", "channel"]
    path = write_csv(tmp_path / "c.csv", header, rows)
    import_events(engine, path, mapping=parse_mapping("conversion: [LEAD]"))
    by_time = sorted(store.events().values(), key=lambda e: e["ts_us"])
    assert [e["is_conversion"] for e in by_time] == [True, True, False]
    assert by_time[0]["channel"] == "email"
    assert by_time[1]["channel"] == channel_group_row({"channel": "not a group"}).value


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_ids_and_currency_lose_surrounding_spaces(
    engine: DuckDBEngine, store: Store, tmp_path: Path, fmt: str
) -> None:
    """Spaces around an id or currency go; inside they stay; blank means missing."""
    header = ["event_id", "customer_id", "ts", "value", "currency"]
    ts = "2025-03-01T10:00:00Z"
    rows = [
        [" e1", "c1 ", ts, "1", " eur "],
        ["e2", "c 2", ts, "", ""],
        ["e 3 ", "  c3", ts, "", ""],
        ["e4", "   ", ts, "", ""],  # blank customer: quarantined
        ["", "c5", ts, "", ""],  # no event id: derived
        ["   ", "c6", ts, "", ""],  # blank event id: derived
    ]
    path = write_csv(tmp_path / "ids.csv", header, rows)
    if fmt == "parquet":
        table = pa.table({name: [row[i] for row in rows] for i, name in enumerate(header)})
        path = tmp_path / "ids.parquet"
        pq.write_table(table, path)
    report = import_events(engine, path)
    assert (report.imported, report.quarantined) == (5, 1)
    assert store.quarantine()[0]["field"] == "customer_id"
    events = store.events()
    assert {k: events[k]["customer_id"] for k in ("e1", "e2", "e 3")} == {
        "e1": "c1",
        "e2": "c 2",
        "e 3": "c3",
    }
    assert events["e1"]["currency"] == "EUR"
    derived = {e["customer_id"]: k for k, e in events.items() if k not in ("e1", "e2", "e 3")}
    assert set(derived) == {"c5", "c6"}
    assert all(len(k) == 32 and k.strip() == k for k in derived.values())


def test_value_needs_currency(engine: DuckDBEngine, store: Store, tmp_path: Path) -> None:
    rows = [["c1", "2025-03-01T10:00:00Z", "12.5"], ["c2", "2025-03-01T10:00:00Z", "0"]]
    path = write_csv(tmp_path / "v.csv", ["customer_id", "ts", "value"], rows)
    report = import_events(engine, path)
    assert (report.imported, report.quarantined) == (1, 1)
    assert store.quarantine()[0]["field"] == "currency"
    other = DuckDBEngine(tmp_path / "o.duckdb")
    other.create()
    again = import_events(other, path, mapping=parse_mapping("currency: KZT"))
    assert again.imported == 2
    assert {e["currency"] for e in Store(other).events().values()} == {"KZT"}


def test_cp1251_file(engine: DuckDBEngine, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    text = "клиент;дата;событие\nИван;2025-03-01 10:00;звонок\nМария;2025-03-01 11:00;заявка\n"
    path.write_bytes(text.encode("cp1251"))
    mapping = parse_mapping(
        "encoding: cp1251\ncolumns: {customer_id: клиент, ts: дата, event_name: событие}\n"
    )
    report = import_events(engine, path, mapping=mapping)
    assert report.imported == 2
    names = {(e["customer_id"], e["event_name"]) for e in store.events().values()}
    assert names == {("Иван", "звонок"), ("Мария", "заявка")}


# --------------------------------------------------------------------------- failures


def test_unreadable_files(engine: DuckDBEngine, tmp_path: Path, data_dir: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.parquet"
    garbage.write_text("customer_id,ts\nc1,2025-01-01\n", encoding="utf-8")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"PAR1\x00\x01\x02" * 100)
    no_customer = write_csv(tmp_path / "nc.csv", ["who", "ts"], [["a", "2025-01-01"]])
    broken_gz = tmp_path / "broken.csv.gz"
    broken_gz.write_bytes(b"not gzip at all")
    cases = [
        (tmp_path / "missing.csv", "no such file"),
        (empty, "empty"),
        (tmp_path, "folder"),
        (garbage, "Parquet"),
        (binary, "text"),
        (no_customer, "customer_id"),
        (broken_gz, "gzip"),
        (tmp_path / "events.xyz", "format"),
    ]
    (tmp_path / "events.xyz").write_bytes(b"\x00\x01")
    for path, words in cases:
        with pytest.raises(ImportFileError) as info:
            import_events(engine, path)
        message = str(info.value)
        assert message.startswith(str(path)), message
        assert "\n" not in message and words in message, message
    with pytest.raises(ImportFileError, match="unknown format"):
        import_events(engine, data_dir / "events.csv", fmt="excel")
    assert Store(engine).count("imports") == 0  # nothing recorded for unreadable files


def test_failure_leaves_nothing(
    engine: DuckDBEngine, store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline_module, "sample_rows", boom)
    for name in ("events.csv", "bad.csv"):
        with pytest.raises(RuntimeError, match="disk full"):
            import_events(engine, data_dir / name)
    assert [store.count(t) for t in ("events", "quarantine", "imports")] == [0, 0, 0]


def test_progress_and_json(engine: DuckDBEngine, data_dir: Path) -> None:
    calls: list[tuple[str, float]] = []
    report = import_events(engine, data_dir / "bad.csv", progress=lambda s, f: calls.append((s, f)))
    assert {s for s, _ in calls} == {"read", "validate", "write"}
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and calls[-1] == ("write", 1.0)
    data = report.to_json()
    assert set(data) == {
        "import_id",
        "source",
        "format",
        "rows_read",
        "imported",
        "duplicates",
        "quarantined",
        "quarantine_sample",
        "seconds",
    }
    assert json.loads(json.dumps(data))["quarantine_sample"][0] == {
        "line": 3,
        "field": "customer_id",
        "reason": "missing customer_id",
    }


# --------------------------------------------------------------------------- properties


KINDS = ["good", "no_customer", "bad_ts", "bad_value", "bad_currency", "bad_bool", "dup_id"]
NOTES = st.text(alphabet=st.sampled_from(list("ab ,;\"\n'é")), max_size=12)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(KINDS), NOTES), min_size=1, max_size=25))
def test_every_row_is_accounted_for(tmp_path: Path, rows: list[tuple[str, str]]) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    engine = DuckDBEngine(folder / "events.duckdb")
    engine.create()
    header = ["event_id", "customer_id", "ts", "value", "currency", "is_conversion", "note"]
    table = []
    expected_bad: dict[int, str] = {}
    line = 2
    for i, (kind, note) in enumerate(rows):
        record = [f"id{i}", f"c{i % 3}", f"2025-03-01T10:{i % 60:02d}:00Z", "1.5", "EUR", "1", note]
        if kind == "no_customer":
            record[1] = ""
        elif kind == "bad_ts":
            record[2] = "soon"
        elif kind == "bad_value":
            record[3] = "1.5.5"
        elif kind == "bad_currency":
            record[4] = "EU"
        elif kind == "bad_bool":
            record[5] = "perhaps"
        elif kind == "dup_id" and i > 0:
            record[0] = "id0"
        field = {
            "no_customer": "customer_id",
            "bad_ts": "ts",
            "bad_value": "value",
            "bad_currency": "currency",
            "bad_bool": "is_conversion",
        }.get(kind)
        if field:
            expected_bad[line] = field
        table.append(record)
        line += 1 + note.count("\n")
    path = write_csv(folder / "p.csv", header, table)
    report = import_events(engine, path)
    invariant(report)
    assert report.rows_read == len(csv_records(path)) == len(rows)
    assert report.quarantined == len(expected_bad)
    found = {q["line"]: q["field"] for q in Store(engine).quarantine()}
    assert found == expected_bad
    good_ids = [r[0] for r, (kind, _) in zip(table, rows, strict=True) if kind not in KINDS[1:6]]
    assert report.imported == len(set(good_ids))
    assert report.duplicates == len(good_ids) - len(set(good_ids))


# --------------------------------------------------------------------------- real logs


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "events", "cases"),
    [
        ("helpdesk_tickets.csv.gz", 21_348, 4_580),
        ("bpic2012_loan_applications.csv.gz", 262_200, 13_087),
    ],
)
def test_real_logs(
    engine: DuckDBEngine, store: Store, tmp_path: Path, name: str, events: int, cases: int
) -> None:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert len(records) == events
    local = tmp_path / name
    shutil.copy(path, local)
    mapping = parse_mapping("columns: {customer_id: case_id, event_name: activity, ts: timestamp}")
    report = import_events(engine, local, mapping=mapping)
    invariant(report)
    assert (report.rows_read, report.imported, report.quarantined) == (events, events, 0)
    summary = store.query(
        "SELECT count(*) AS n, count(DISTINCT customer_id) AS customers, "
        "min(epoch_us(ts)) AS first, max(epoch_us(ts)) AS last FROM events"
    )[0]
    assert summary["n"] == events
    assert summary["customers"] == len({r["case_id"] for r in records}) == cases
    assert summary["first"] == min(parse_time(r["timestamp"]) for r in records)
    assert summary["last"] == max(parse_time(r["timestamp"]) for r in records)
    again = import_events(engine, local, mapping=mapping)
    assert (again.imported, again.duplicates) == (0, events)
