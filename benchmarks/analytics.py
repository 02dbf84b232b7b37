"""Benchmark: a 5-step funnel and the directly-follows graph vs one GROUP BY scan, and vs pm4py.

Builds (once, reused from ``benchmarks/data/analytics-demo``) the shop demo with 1M
customers, then times in one run, on the same DuckDB connection, best of ``--repeat``:

(a) scan: ``GROUP BY touchpoint`` with a count over the events table (and, for
    reference, ``GROUP BY customer_id``: the per-customer grouping a funnel needs);
(b) funnel: the default funnel, the five journey stages (ordered mode);
(c) dfg: the directly-follows graph (counts, customers, median and mean times);
(d) pm4py: ``pm4py.discover_dfg`` on the same events as a pandas frame (loading excluded).

Targets (DESIGN.md): funnel and dfg each at most 3× the scan, and dfg at least 10× faster
than pm4py. Peak memory of the process (max RSS) is reported after our part and after
pm4py. Appends rows to docs/benchmarks.md unless ``--no-record``.

    python benchmarks/analytics.py                         # 1M customers
    python benchmarks/analytics.py --customers 100000 --no-record
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from record import add_rows  # benchmarks/record.py, beside this script

from touchpath.analytics.funnels import funnel
from touchpath.analytics.journey import directly_follows
from touchpath.bootstrap import build_demo, load_catalogue
from touchpath.workspace import find_workspace

HERE = Path(__file__).resolve().parent


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    root = HERE / "data" / f"analytics-demo-{args.customers}"
    if not (root / "touchpath.toml").exists():
        print(f"building the shop demo with {args.customers:,} customers in {root} ...")
        build_demo(root, customers=args.customers, seed=1, businesses=["shop"])
    ws = find_workspace(root)
    catalogue = load_catalogue(ws)
    con = ws.engine.connect(read_only=True)
    events = ws.engine.events(con)
    n_events = int(con.execute(events.count()))

    scan = events.group_by("touchpoint").aggregate(n=events.count())
    t_scan = best_of(args.repeat, lambda: con.execute(scan))
    # for reference: the grouping every funnel needs, one row per customer
    per_customer = events.group_by("customer_id").aggregate(n=events.count())
    t_cust = best_of(args.repeat, lambda: con.execute(per_customer.count()))
    result = funnel(events, catalogue=catalogue)
    print(result.steps[["label", "customers"]].to_string(index=False))
    t_funnel = best_of(args.repeat, lambda: funnel(events, catalogue=catalogue))
    t_dfg = best_of(args.repeat, lambda: directly_follows(events))
    rss_ours = max_rss_mb()

    import pm4py  # AGPL: a benchmark oracle only, never imported by touchpath

    log = con.execute(
        events.filter(events.touchpoint.notnull())
        .order_by(["customer_id", "ts", "seq"])
        .select(
            **{
                "case:concept:name": events.customer_id,
                "concept:name": events.touchpoint,
                "time:timestamp": events.ts,
            }
        )
    )
    t_pm4py = best_of(
        1,
        lambda: pm4py.discover_dfg(
            log,
            case_id_key="case:concept:name",
            activity_key="concept:name",
            timestamp_key="time:timestamp",
        ),
    )
    rss_all = max_rss_mb()
    con.disconnect()

    rows = [
        ("5-step funnel ≤ 3× one GROUP BY scan", t_funnel / t_scan, t_funnel, 3.0, "≤"),
        ("directly-follows graph ≤ 3× one GROUP BY scan", t_dfg / t_scan, t_dfg, 3.0, "≤"),
        ("directly-follows graph ≥ 10× faster than pm4py", t_pm4py / t_dfg, t_dfg, 10.0, "≥"),
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
    print(f"\n{n_events:,} events, {args.customers:,} customers; scan {t_scan:.3f} s")
    print(
        f"per-customer GROUP BY {t_cust:.3f} s (funnel {t_funnel / t_cust:.1f}×, "
        f"dfg {t_dfg / t_cust:.1f}×)"
    )
    print(f"funnel {t_funnel:.3f} s, dfg {t_dfg:.3f} s, pm4py {t_pm4py:.2f} s")
    print(f"max RSS: {rss_ours:,.0f} MB after ours, {rss_all:,.0f} MB after pm4py\n")
    lines = []
    for name, ratio, _, target, how in rows:
        met = ratio <= target if how == "≤" else ratio >= target
        detail = (
            f"{ratio:.1f}× (scan {t_scan:.3f} s, per-customer GROUP BY {t_cust:.2f} s, "
            f"funnel {t_funnel:.2f} s, dfg {t_dfg:.2f} s, "
            f"pm4py {t_pm4py:.1f} s; {n_events:,} events; best of {args.repeat}; "
            f"max RSS {rss_ours:,.0f} MB ours, {rss_all:,.0f} MB with pm4py)"
        )
        lines.append(
            f"| {name} | {detail} — {'met' if met else 'NOT met'} | {machine} | {date.today()} |"
        )
    print("\n".join(lines))
    if not args.no_record:
        add_rows(
            "Funnel and directly-follows graph",
            "`benchmarks/analytics.py`: the shop demo with 1M customers in DuckDB; one "
            "`GROUP BY touchpoint` scan, the default 5-stage funnel, the directly-follows "
            "graph and pm4py's `discover_dfg`, side by side in one run.",
            "| target | measured | machine | date |\n|---|---|---|---|",
            lines,
        )


if __name__ == "__main__":
    main()
