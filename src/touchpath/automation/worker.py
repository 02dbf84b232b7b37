"""The worker: fire the rules, then deliver what the outbox holds — in a loop, or once.

One cycle (:func:`run_cycle`) evaluates every trigger (new events, feedback, alerts, due
timers, schedules) and writes tasks and messages; then :func:`deliver` claims due messages
and sends them. Several workers may run at once against PostgreSQL (claims skip each
other's rows); on SQLite they take turns on the database lock.

What a crash costs: a message being sent when the worker dies stays ``sending`` until its
lease expires, then another worker (or the same one restarted) sends it again with the
same idempotency key. Receivers that dedupe on the key see it once (exactly once);
others may see it twice (at least once). Nothing is ever lost.
"""

from __future__ import annotations

import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from touchpath.automation import outbox
from touchpath.automation.channels import CHANNELS, Channel, DeliveryError
from touchpath.automation.documents import DocumentError, html_to_pdf
from touchpath.automation.firing import FireResult
from touchpath.automation.outbox import Message
from touchpath.automation.ratelimit import TokenBucket
from touchpath.automation.settings import AutomationSettings, load_settings
from touchpath.automation.triggers import DuckDBEvents, EventSource, run_triggers
from touchpath.errors import TouchpathError
from touchpath.store.automation import DocumentRow
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import Workspace


def worker_id() -> str:
    """Host, process and a random part: unique even when a pid is reused."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0
    lost_lease: int = 0

    def add(self, other: DeliveryStats) -> None:
        for name in ("sent", "retried", "dead", "deferred", "lost_lease"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "dead": self.dead,
            "deferred": self.deferred,
            "lost_lease": self.lost_lease,
        }


@dataclass
class Deliverer:
    """Channels and rate limits of one worker process, kept across batches."""

    engine: sa.Engine
    settings: AutomationSettings
    worker: str = field(default_factory=worker_id)
    channels: dict[str, Channel] = field(default_factory=dict)
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    factories: Mapping[str, Callable[[AutomationSettings], Channel]] = field(
        default_factory=lambda: dict(CHANNELS)
    )
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)

    def channel(self, name: str) -> Channel:
        if name not in self.channels:
            if name not in self.factories:
                raise DeliveryError(f"no channel {name!r}", permanent=True)
            self.channels[name] = self.factories[name](self.settings)
        return self.channels[name]

    def wait_for_token(self, name: str) -> float:
        limit = self.settings.rate_limits.get(name)
        if limit is None:
            return 0.0
        bucket = self.buckets.get(name)
        if bucket is None:
            bucket = self.buckets[name] = TokenBucket(
                rate=limit.per_second, burst=limit.burst, now=self.clock()
            )
        return bucket.take(self.clock())

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()
        self.channels.clear()

    def deliver(self, *, batch: int = 50) -> DeliveryStats:
        """Claim up to ``batch`` due messages and send each; returns what happened."""
        stats = DeliveryStats()
        lease = timedelta(seconds=self.settings.lease_seconds)
        messages = outbox.claim(self.engine, worker=self.worker, limit=batch, lease=lease)
        for msg in messages:
            wait = self.wait_for_token(msg.channel)
            if wait > 0:
                until = datetime.now(UTC) + timedelta(seconds=wait)
                outbox.defer(self.engine, msg, worker=self.worker, until=until)
                stats.deferred += 1
                continue
            self._one(msg, stats)
        return stats

    def _one(self, msg: Message, stats: DeliveryStats) -> None:
        try:
            if msg.channel == "document":
                done = store_document(self.engine, msg, worker=self.worker)
            else:
                self.channel(msg.channel).send(msg)
                done = outbox.complete(self.engine, msg, worker=self.worker)
        except sa.exc.SQLAlchemyError:
            raise  # the outbox itself is unreachable: nothing to record the failure in
        except (DeliveryError, DocumentError) as exc:
            error, permanent = str(exc), isinstance(exc, DeliveryError) and exc.permanent
        except Exception as exc:  # a library's surprise must not stop the worker
            error, permanent = f"{type(exc).__name__}: {exc}", False
        else:
            if done:
                stats.sent += 1
            else:
                stats.lost_lease += 1
            return
        status = outbox.fail(
            self.engine,
            msg,
            worker=self.worker,
            error=error,
            permanent=permanent,
            base=self.settings.backoff_base_seconds,
            cap=self.settings.backoff_cap_seconds,
            rng=self.rng,
        )
        if status == "dead":
            stats.dead += 1
        else:
            stats.retried += 1


def store_document(engine: sa.Engine, msg: Message, *, worker: str) -> bool:
    """Write the document and mark its message sent in one transaction (exactly once)."""
    pdf = html_to_pdf(msg.body) if msg.payload.get("pdf") else None
    t = outbox._table()
    with engine.begin() as con:
        done = con.execute(
            sa.update(t)
            .where(t.c.id == msg.id, t.c.claimed_by == worker, t.c.status == "sending")
            .values(status="sent", sent_at=datetime.now(UTC), lease_until=None, last_error=None)
        ).rowcount
        if not done:
            return False
        exists = con.execute(sa.select(DocumentRow.id).where(DocumentRow.key == msg.key)).first()
        if exists is None:
            con.execute(
                sa.insert(DocumentRow).values(
                    key=msg.key,
                    rule_id=msg.rule_id,
                    customer_id=msg.payload.get("customer_id"),
                    name=msg.subject or msg.recipient,
                    html=msg.body,
                    pdf=pdf,
                    created_at=datetime.now(UTC),
                )
            )
    return True


def drain(
    deliverer: Deliverer, *, batch: int, stop: threading.Event | None = None
) -> DeliveryStats:
    """Deliver until nothing is due now (or ``stop`` is set)."""
    total = DeliveryStats()
    while stop is None or not stop.is_set():
        stats = deliverer.deliver(batch=batch)
        total.add(stats)
        if stats.sent + stats.retried + stats.dead + stats.lost_lease == 0:
            break
    return total


@dataclass
class CycleReport:
    """What one worker cycle did (for logs and ``--json``); ``problems`` are one-liners."""

    fired: dict[str, int]
    delivered: dict[str, int]
    problems: list[str] = field(default_factory=list)


def event_source(ws: Workspace) -> EventSource | None:
    """The workspace's events for triggers: its DuckDB file (a Spark store's DuckDB ledger)."""
    from touchpath.bootstrap import ingest_store

    try:
        store = ingest_store(ws)
    except TouchpathError:
        return None
    if not store.path.exists():
        return None
    return DuckDBEvents(lambda: store.raw(read_only=True))


def run_cycle(
    engine: sa.Engine,
    deliverer: Deliverer,
    source: EventSource | None,
    *,
    batch: int,
    stop: threading.Event | None = None,
    timezone: str = "UTC",
) -> CycleReport:
    """Fire the rules once, then deliver until nothing is due.

    A busy events store (an import holds it) or a database that is briefly away does not
    stop delivery: the rules are fired again on the next cycle, from their watermarks.
    """
    problems: list[str] = []
    try:
        with session_factory(engine)() as session:
            fired = run_triggers(session=session, source=source, timezone=timezone)
    except (TouchpathError, sa.exc.OperationalError) as exc:
        problems.append(f"rules not fired this cycle: {str(exc).splitlines()[0]}")
        fired = FireResult()
    try:
        delivered = drain(deliverer, batch=batch, stop=stop)
    except sa.exc.OperationalError as exc:
        problems.append(f"delivery paused: {str(exc).splitlines()[0]}")
        delivered = DeliveryStats()
    return CycleReport(
        fired={
            "matched": fired.matched,
            "tasks": fired.tasks,
            "messages": fired.messages,
            "failed": fired.failed,
        },
        delivered=delivered.as_dict(),
        problems=problems,
    )


def run_worker(
    ws: Workspace,
    *,
    once: bool = False,
    batch: int = 50,
    poll: float = 5.0,
    stop: threading.Event | None = None,
    on_cycle: Callable[[CycleReport], None] | None = None,
) -> CycleReport:
    """Run cycles until ``stop`` is set (or just one with ``once``); returns the totals."""
    stop = stop or threading.Event()
    engine = create_engine(ws.metadata_url)
    timezone = ws.config.workspace.timezone if ws.config.workspace else "UTC"
    total = CycleReport(fired={}, delivered={})
    try:
        with session_factory(engine)() as session:
            settings = load_settings(session=session)
        deliverer = Deliverer(engine=engine, settings=settings)
        source = event_source(ws)
        try:
            while True:
                report = run_cycle(
                    engine, deliverer, source, batch=batch, stop=stop, timezone=timezone
                )
                for mine, theirs in (
                    (total.fired, report.fired),
                    (total.delivered, report.delivered),
                ):
                    for k, v in theirs.items():
                        mine[k] = mine.get(k, 0) + v
                total.problems += report.problems
                if on_cycle is not None:
                    on_cycle(report)
                if once or stop.wait(poll):
                    break
        finally:
            deliverer.close()
    finally:
        engine.dispose()
    return total
