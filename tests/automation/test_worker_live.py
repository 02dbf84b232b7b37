"""Two processes on one events file: imports keep writing while ``touchpath worker`` polls.

DuckDB lets one process hold the file for writing and nobody else open it meanwhile
(NOTES.md); the worker opens it read-only for one query at a time, so neither side fails
and every event fires its rule once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from automation.helpers import T0, add_events, make_workspace
from automation.servers import Receiver
from touchpath.automation import rulebook
from touchpath.automation.rules import Rule
from touchpath.store.db import create_engine


def test_worker_and_imports_share_the_events_file(tmp_path: Path, receiver: Receiver) -> None:
    db_url = f"sqlite:///{tmp_path / 'meta.db'}"
    ws = make_workspace(tmp_path / "ws", db_url)
    engine = create_engine(db_url)
    with Session(engine) as session, session.begin():
        rule = Rule.model_validate(
            {
                "name": "every_order",
                "trigger": {"kind": "event", "event_name": ["purchase"]},
                "actions": [{"kind": "webhook", "url": f"{receiver.url}/orders"}],
            }
        )
        rulebook.save_rule(session=session, rule=rule, backfill=True)
    engine.dispose()
    log = tmp_path / "worker.log"
    env = {**os.environ, "TOUCHPATH_LANG": "en"}
    with log.open("ab") as sink:
        worker = subprocess.Popen(
            [sys.executable, "-m", "touchpath", "-w", str(ws.root), "worker", "--poll", "0.05"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    try:
        seq = 0
        for batch in range(8):  # imports while the worker polls
            rows = []
            for _ in range(5):
                seq += 1
                rows.append(
                    {
                        "event_id": f"o{seq}",
                        "customer_id": "c1",
                        "ts": T0 + timedelta(minutes=seq),
                        "event_name": "purchase",
                        "touchpoint": "callback_form",
                        "seq": seq,
                    }
                )
            add_events(ws, rows)
            time.sleep(0.1 * (batch % 3))
        deadline = time.monotonic() + 60
        while len(receiver.applied) < seq and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(15)
    assert worker.returncode == 0, log.read_text()
    assert sorted(b["event"]["event_id"] for b in receiver.applied.values()) == sorted(
        f"o{i}" for i in range(1, seq + 1)
    )
    assert receiver.duplicates == 0


def test_a_busy_events_store_does_not_stop_delivery(tmp_path: Path, receiver: Receiver) -> None:
    import json

    from cli_support import run
    from touchpath.automation import outbox

    db_url = f"sqlite:///{tmp_path / 'meta.db'}"
    ws = make_workspace(tmp_path / "ws", db_url)
    config = ws.root / "touchpath.toml"
    config.write_text(config.read_text() + "lock_timeout = 0.3\n", encoding="utf-8")
    assert tomllib.loads(config.read_text())["events"]["lock_timeout"] == 0.3  # wait briefly
    engine = create_engine(db_url)
    with Session(engine) as session, session.begin():
        rule = Rule.model_validate(
            {
                "name": "every_order",
                "trigger": {"kind": "event", "event_name": ["purchase"]},
                "actions": [{"kind": "webhook", "url": f"{receiver.url}/orders"}],
            }
        )
        rulebook.save_rule(session=session, rule=rule, backfill=True)
        outbox.enqueue(
            session=session,
            key="queued",
            channel="webhook",
            recipient=f"{receiver.url}/x",
            body="{}",
        )
    engine.dispose()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
            "time.sleep(30)",
            str(ws.root / "events.duckdb"),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"ok"
        code, out, _err = run("-w", str(ws.root), "worker", "--once", "--json")
    finally:
        holder.kill()
        holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()
    assert code == 1  # the rules could not be fired ...
    doc = json.loads(out)
    assert "events store is in use" in doc["problems"][0]
    assert doc["delivered"]["sent"] == 1  # ... yet the queued message went out
    assert list(receiver.applied) == ["queued"]
