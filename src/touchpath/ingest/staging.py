"""The collector's staging area: a durable, append-only log of accepted items.

Why it exists: DuckDB lets one process write the events file and blocks every other
process meanwhile (NOTES.md), so an HTTP request cannot wait for the events store. The
collector appends accepted items here instead and answers only after the append is on
disk; a merger moves them into the events store in batches, through the import pipeline.

Why SQLite, and how:

* WAL mode with ``synchronous=FULL``: a commit returns only after the write-ahead log is
  fsync'd, so an acknowledged batch survives a killed process or a power cut.
* Every item id is kept (``ids``, unique per kind), so a resent batch adds nothing. Ids
  are kept for :data:`KEEP_IDS` after their batch was merged, then pruned with the
  batch's row: a resend after that is staged again, and the import drops it (events are
  deduplicated by ``event_id``, feedback by ``feedback_id``), so it is still stored once.
  A merged batch's payload is emptied at once: the staging area stays small.
* A batch's new items are stored as one row (``staged.payload``, JSON Lines serialised by
  pydantic): one row per request, not per event, is what keeps appends cheap.
* ``seq`` only grows, and SQLite has one writer at a time, so rows appear in ``seq``
  order; the merger keeps a watermark per kind (``merged``) and never rereads a row. A
  crash between the import and the watermark update re-imports a batch: harmless, for
  the import skips ids already stored.
* Group commit: one writer thread takes every batch waiting in its queue and commits
  them in one transaction (one fsync for many requests), which is what makes tens of
  thousands of events per second possible on one disk.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

STAGING_DIR = ".collector"
STAGING_FILE = "staging.sqlite"
KEEP_IDS = 7 * 24 * 3600.0
"""Seconds a merged batch's ids are remembered (a week)."""

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS staged (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        items INTEGER NOT NULL,
        payload BLOB NOT NULL,
        received_at REAL NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS ids (
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (kind, item_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS ids_seq ON ids (seq)",
    """CREATE TABLE IF NOT EXISTS merged (
        kind TEXT PRIMARY KEY,
        upto INTEGER NOT NULL
    )""",
)

Serialize = Callable[[list[int]], bytes]
"""Given the positions of a batch's new items, their payload (JSON Lines)."""


def staging_path(root: Path) -> Path:
    """Where a workspace's staging database lives."""
    return root / STAGING_DIR / STAGING_FILE


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode with fsync on every commit; creates the file if needed."""
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA busy_timeout=30000")
    for statement in _SCHEMA:
        con.execute(statement)
    if new:
        _fsync_dir(path.parent)
    return con


def _fsync_dir(folder: Path) -> None:
    """Make a new file's directory entry durable too."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append(con: sqlite3.Connection, kind: str, ids: Sequence[str], serialize: Serialize) -> int:
    """Store a batch durably in one transaction; returns how many of its items were new."""
    con.execute("BEGIN IMMEDIATE")
    try:
        new = _insert(con, kind, ids, serialize, time.time())
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return new


def _insert(
    con: sqlite3.Connection, kind: str, ids: Sequence[str], serialize: Serialize, now: float
) -> int:
    """Inside a transaction: note the new ids, store the new items as one payload row.

    The ids carry the ``seq`` their row will get: the writer holds the database's write
    lock, so it is the last ``seq`` given plus one.
    """
    [(last,)] = con.execute(
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'staged'), 0)"
    ).fetchall()
    seq = int(last) + 1
    fresh = [
        i
        for i, item_id in enumerate(ids)
        if con.execute(
            "INSERT OR IGNORE INTO ids (kind, item_id, seq) VALUES (?, ?, ?)",
            (kind, item_id, seq),
        ).rowcount
    ]
    if fresh:
        con.execute(
            "INSERT INTO staged (seq, kind, items, payload, received_at) VALUES (?, ?, ?, ?, ?)",
            (seq, kind, len(fresh), serialize(fresh), now),
        )
    return len(fresh)


def pending(con: sqlite3.Connection, kind: str, limit: int) -> list[tuple[int, bytes]]:
    """Staged ``(seq, payload)`` of ``kind`` not merged yet, in arrival order.

    As many rows as hold at most ``limit`` items (at least one row).
    """
    rows = con.execute(
        "SELECT seq, items, payload FROM staged WHERE kind = ? AND seq > "
        "coalesce((SELECT upto FROM merged WHERE kind = ?), 0) ORDER BY seq",
        (kind, kind),
    )
    taken: list[tuple[int, bytes]] = []
    total = 0
    for seq, items, payload in rows:
        if taken and total + int(items) > limit:
            break
        taken.append((int(seq), bytes(payload)))
        total += int(items)
    return taken


def mark_merged(con: sqlite3.Connection, kind: str, upto: int) -> None:
    """Move the watermark of ``kind`` forward to ``upto`` (never back); empty the payloads."""
    con.execute("BEGIN IMMEDIATE")
    try:
        con.execute(
            "INSERT INTO merged (kind, upto) VALUES (?, ?) "
            "ON CONFLICT (kind) DO UPDATE SET upto = max(upto, excluded.upto)",
            (kind, upto),
        )
        con.execute(
            "UPDATE staged SET payload = x'' WHERE kind = ? AND seq <= ? AND payload != x''",
            (kind, upto),
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def prune(con: sqlite3.Connection, *, keep: float = KEEP_IDS, now: float | None = None) -> int:
    """Forget merged batches (and their ids) received more than ``keep`` seconds ago."""
    cutoff = (time.time() if now is None else now) - keep
    con.execute("BEGIN IMMEDIATE")
    try:
        [(last,)] = con.execute(
            "SELECT max(s.seq) FROM staged s JOIN merged m ON m.kind = s.kind "
            "WHERE s.received_at < ? AND s.seq <= m.upto",
            (cutoff,),
        ).fetchall()
        forgotten = 0
        if last is not None:
            # only batches merged already: a batch still waiting keeps its ids
            done = (
                "seq <= ? AND seq <= "
                "coalesce((SELECT upto FROM merged m WHERE m.kind = {t}.kind), 0)"
            )
            forgotten = con.execute(
                f"DELETE FROM ids WHERE {done.format(t='ids')}", (int(last),)
            ).rowcount
            con.execute(f"DELETE FROM staged WHERE {done.format(t='staged')}", (int(last),))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(forgotten)


@dataclass(frozen=True)
class Backlog:
    """What the staging area holds: staged items and those still to merge, per kind."""

    staged: dict[str, int]
    waiting: dict[str, int]

    def to_json(self) -> dict[str, dict[str, int]]:
        return {"staged": self.staged, "waiting": self.waiting}


def backlog(con: sqlite3.Connection) -> Backlog:
    staged = con.execute("SELECT kind, count(*) FROM ids GROUP BY kind").fetchall()
    waiting = con.execute(
        "SELECT s.kind, sum(s.items) FROM staged s LEFT JOIN merged m ON m.kind = s.kind "
        "WHERE s.seq > coalesce(m.upto, 0) GROUP BY s.kind"
    ).fetchall()
    found = {str(k): 0 for k, _n in staged}
    return Backlog(
        staged={str(k): int(n) for k, n in staged},
        waiting={**found, **{str(k): int(w) for k, w in waiting}},
    )


class _Job:
    __slots__ = ("future", "ids", "kind", "serialize")

    def __init__(self, kind: str, ids: Sequence[str], serialize: Serialize) -> None:
        self.kind = kind
        self.ids = ids
        self.serialize = serialize
        self.future: Future[int] = Future()


class GroupWriter:
    """One thread appending every waiting batch in one transaction (one fsync for all).

    ``submit`` returns a future that resolves to the number of new items once they are
    on disk, or to the error that kept them off it.
    """

    def __init__(self, path: Path, *, max_items: int = 50_000) -> None:
        self.path = path
        self.max_items = max_items
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="touchpath-staging", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def submit(self, kind: str, ids: Sequence[str], serialize: Serialize) -> Future[int]:
        """Queue a batch (its item ids; ``serialize`` gives the payload of the new ones)."""
        job = _Job(kind, ids, serialize)
        if not self._thread.is_alive():
            job.future.set_exception(RuntimeError("the staging writer has stopped"))
        else:
            self._queue.put(job)
        return job.future

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            con = connect(self.path)
        except BaseException as exc:  # reported to the constructor
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    return
                jobs = [job]
                count = len(job.ids)
                stop = False
                while count < self.max_items:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stop = True
                        break
                    jobs.append(more)
                    count += len(more.ids)
                self._commit(con, jobs)
                if stop:
                    return
        finally:
            con.close()

    @staticmethod
    def _commit(con: sqlite3.Connection, jobs: list[_Job]) -> None:
        now = time.time()
        try:
            con.execute("BEGIN IMMEDIATE")
            counts = [_insert(con, job.kind, job.ids, job.serialize, now) for job in jobs]
            con.execute("COMMIT")
        except BaseException as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            for job in jobs:
                job.future.set_exception(exc)
            return
        for job, new in zip(jobs, counts, strict=True):
            job.future.set_result(new)
