"""Benchmark: import of events vs DuckDB's own raw load of the same file (target ≥ 0.7).

Generates N synthetic events (default 10M: 1M customers, ISO times with ``Z``, utm fields,
values) as CSV and Parquet under ``benchmarks/data/`` (reused when present), then times in
one run, for each file:

(a) raw: ``CREATE TABLE t AS SELECT * FROM read_csv(file)`` / ``read_parquet(file)`` into
    a fresh database file;
(b) ours: :func:`touchpath.ingest.import_events` of the same file into a fresh workspace
    events database.

It prints the ratio raw_time / our_time per format and appends a row per format to
docs/benchmarks.md.

    python benchmarks/import_events.py              # 10M events
    python benchmarks/import_events.py --events 1000000 --no-record
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
from record import add_rows  # benchmarks/record.py, beside this script

from touchpath.engines import DuckDBEngine
from touchpath.ingest import import_events

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TARGET = 0.7

EVENTS_SQL = """
SELECT
  'ev-' || lpad(CAST(i AS VARCHAR), 9, '0') AS event_id,
  'cust-' || CAST((i * 7919) % {customers} AS VARCHAR) AS customer_id,
  strftime(TIMESTAMP '2025-01-01' + to_seconds(CAST(i * 3 AS BIGINT)),
           '%Y-%m-%dT%H:%M:%S') || 'Z' AS ts,
  (['page_view', 'page_view', 'page_view', 'search', 'add_to_cart', 'form_submit', 'chat',
    'purchase'])[1 + i % 8] AS event_name,
  (['google', 'yandex', 'facebook', 'newsletter', '(direct)', 'vk'])[1 + (i // 7) % 6]
    AS utm_source,
  (['cpc', 'organic', 'social', 'email', '(none)', 'cpc'])[1 + (i // 7) % 6] AS utm_medium,
  CASE WHEN i % 3 = 0 THEN 'spring_sale' WHEN i % 3 = 1 THEN 'brand' END AS utm_campaign,
  'https://shop.example.com/p/' || CAST(i % 5000 AS VARCHAR) AS url,
  CASE WHEN i % 8 = 7 THEN round(10 + (i % 997) * 1.37, 2) END AS value,
  CASE WHEN i % 8 = 7 THEN 'EUR' END AS currency
FROM range({events}) t(i)
"""


def generate(events: int) -> tuple[Path, Path]:
    """The CSV and Parquet files of ``events`` synthetic events (made once, then reused)."""
    DATA.mkdir(parents=True, exist_ok=True)
    csv_path = DATA / f"events_{events}.csv"
    parquet_path = DATA / f"events_{events}.parquet"
    sql = EVENTS_SQL.format(events=events, customers=min(1_000_000, max(events // 10, 1)))
    con = duckdb.connect()
    try:
        for path, options in ((csv_path, "HEADER"), (parquet_path, "FORMAT parquet")):
            if not path.exists():
                started = time.perf_counter()
                partial = path.with_suffix(path.suffix + ".partial")
                con.execute(f"COPY ({sql}) TO '{partial}' ({options})")
                partial.rename(path)
                print(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    finally:
        con.close()
    return csv_path, parquet_path


def time_raw(path: Path, workdir: Path) -> float:
    """Seconds for DuckDB's own CREATE TABLE AS from the file, into a fresh database file."""
    db = workdir / f"raw_{path.suffix[1:]}.duckdb"
    scan = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    started = time.perf_counter()
    con = duckdb.connect(str(db))
    try:
        con.execute(f"CREATE TABLE t AS SELECT * FROM {scan}('{path}')")
    finally:
        con.close()
    return time.perf_counter() - started


def time_ours(path: Path, workdir: Path) -> tuple[float, int]:
    """Seconds for import_events of the file into a fresh events store, and rows imported."""
    engine = DuckDBEngine(workdir / f"events_{path.suffix[1:]}.duckdb")
    engine.create()
    started = time.perf_counter()
    report = import_events(engine, path)
    seconds = time.perf_counter() - started
    total = report.imported + report.duplicates + report.quarantined
    assert total == report.rows_read, report
    return seconds, report.imported


def machine(load: float | None = None) -> str:
    """The machine, and its 1-minute load average before the run (a shared machine's
    other work shows in both timings)."""
    text = f"{platform.machine()}, {os.cpu_count()} CPUs, duckdb {duckdb.__version__}"
    return text if load is None else f"{text}, load {load:.2f}"


def record(
    rows: list[tuple[str, float, float, float]], events: int, repeat: int, load: float
) -> None:
    """Add the results to the "Import of events" table of docs/benchmarks.md."""
    intro = (
        "`benchmarks/import_events.py`: `touchpath` import vs DuckDB's own "
        "`CREATE TABLE AS SELECT * FROM read_csv/read_parquet` of the same file, "
        "run side by side. Ratio = raw time / our time."
    )
    lines = [
        f"| import {fmt.upper()} ≥ {TARGET:.0%} of raw DuckDB load | "
        f"{ratio:.2f} (raw {raw:.2f} s, ours {ours:.2f} s, {events:,} events, "
        f"best of {repeat}) | "
        f"{machine(load)} | {date.today().isoformat()} |"
        for fmt, raw, ours, ratio in rows
    ]
    add_rows(
        "Import of events",
        intro,
        "| target | measured | machine | date |\n|---|---|---|---|",
        lines,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="alternate raw and ours this many times, keep each one's best (shared machines)",
    )
    parser.add_argument("--no-record", action="store_true", help="do not touch docs/")
    args = parser.parse_args()

    csv_path, parquet_path = generate(args.events)
    paths = {"csv": csv_path, "parquet": parquet_path}
    load = os.getloadavg()[0]
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="touchpath-bench-", dir=DATA))
    try:
        for fmt in args.formats.split(","):
            path = paths[fmt]
            raws, ourss = [], []
            for _ in range(args.repeat):
                raws.append(time_raw(path, workdir))
                seconds, imported = time_ours(path, workdir)
                ourss.append(seconds)
                for db in workdir.glob("*.duckdb*"):
                    db.unlink()
            raw, ours = min(raws), min(ourss)
            ratio = raw / ours
            verdict = "meets" if ratio >= TARGET else "BELOW"
            print(
                f"{fmt:8} raw {raw:6.2f} s   ours {ours:6.2f} s   ratio {ratio:.2f} "
                f"({verdict} target {TARGET})   imported {imported:,}"
            )
            results.append((fmt, raw, ours, ratio))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(machine(load))
    if not args.no_record:
        record(results, args.events, args.repeat, load)


if __name__ == "__main__":
    main()
