"""Kill ``touchpath worker`` (a real process, SIGKILL) mid-batch, restart it: exactly once.

The receiver dedupes by the Idempotency-Key header and counts every try. Message 8 of
30 is held by the receiver for two seconds after it was recorded; the worker is killed
while it waits for that answer, with messages 9 and 10 of its batch claimed and not yet
sent. After the restart (once the lease ran out) every message must have reached the
receiver exactly once as an effect, message 8 having been tried twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from automation.servers import Receiver
from touchpath.automation import outbox
from touchpath.automation.settings import AutomationSettings, save_settings
from touchpath.bootstrap import init_workspace
from touchpath.store.automation import OutboxRow
from touchpath.store.db import create_engine

N = 30
HELD = 8


def _wait(predicate: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _start(root: Path, db_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TOUCHPATH_METADATA_URL": db_url, "TOUCHPATH_LANG": "en"}
    with log.open("ab") as sink:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "touchpath",
                "-w",
                str(root),
                "worker",
                "--batch",
                "10",
                "--poll",
                "0.1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )


def _statuses(engine: sa.Engine) -> dict[str, str]:
    with Session(engine) as session:
        return dict(session.execute(sa.select(OutboxRow.idempotency_key, OutboxRow.status)).all())


def test_sigkill_mid_batch_then_restart_delivers_each_message_once(
    tmp_path: Path, db_url: str, receiver: Receiver
) -> None:
    root = tmp_path / "ws"
    init_workspace(root, metadata_url=db_url)
    engine = create_engine(db_url)
    keys = [f"msg-{i:02d}" for i in range(1, N + 1)]
    with Session(engine) as session, session.begin():
        save_settings(
            session=session,
            settings=AutomationSettings(lease_seconds=2.0, backoff_base_seconds=0.1),
        )
        for i, key in enumerate(keys, start=1):
            path = "/hold/2" if i == HELD else "/hold/0.01"
            outbox.enqueue(
                session=session,
                key=key,
                channel="webhook",
                recipient=receiver.url + path,
                body=f'{{"n": {i}}}',
            )

    log = tmp_path / "worker.log"
    first = _start(root, db_url, log)
    try:
        _wait(lambda: keys[HELD - 1] in receiver.applied, 60, "message 8 to arrive")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    mid = _statuses(engine)
    # killed mid-batch: 1-7 sent, 8 in flight, 9 and 10 claimed but never sent
    assert [mid[k] for k in keys[: HELD - 1]] == ["sent"] * (HELD - 1)
    assert [mid[k] for k in keys[HELD - 1 : 10]] == ["sending"] * 3
    assert {mid[k] for k in keys[10:]} == {"pending"}

    second = _start(root, db_url, log)
    try:
        _wait(lambda: set(_statuses(engine).values()) == {"sent"}, 60, "all messages sent")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(15)
    assert second.returncode == 0, log.read_text()

    assert sorted(receiver.applied) == keys
    assert all(receiver.applied[k] == {"n": i} for i, k in enumerate(keys, start=1))
    assert receiver.tries[keys[HELD - 1]] == 2  # tried again after the crash, deduped
    assert all(receiver.tries[k] == 1 for k in keys if k != keys[HELD - 1])
    assert receiver.duplicates == 1
    engine.dispose()


def test_two_workers_share_the_outbox_without_sending_twice(
    tmp_path: Path, db_url: str, receiver: Receiver
) -> None:
    root = tmp_path / "ws"
    init_workspace(root, metadata_url=db_url)
    engine = create_engine(db_url)
    keys = [f"m{i:03d}" for i in range(60)]
    with Session(engine) as session, session.begin():
        save_settings(session=session, settings=AutomationSettings(lease_seconds=30.0))
        for key in keys:
            outbox.enqueue(
                session=session,
                key=key,
                channel="webhook",
                recipient=receiver.url + "/hold/0.05",
                body="{}",
            )
    log = tmp_path / "workers.log"
    workers = [_start(root, db_url, log) for _ in range(2)]
    try:
        _wait(lambda: set(_statuses(engine).values()) == {"sent"}, 90, "all messages sent")
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(15)
    assert [w.returncode for w in workers] == [0, 0], log.read_text()
    assert sorted(receiver.applied) == keys
    assert receiver.duplicates == 0 and all(receiver.tries[k] == 1 for k in keys)
    with Session(engine) as session:
        owners = set(session.scalars(sa.select(OutboxRow.claimed_by)))
    assert len(owners) == 2  # both took a share
    engine.dispose()
