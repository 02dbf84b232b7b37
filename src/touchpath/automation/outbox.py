"""The transactional outbox: messages written with the rule firing, delivered by the worker.

Life of a message (``automation_outbox.status``)::

    pending --claim--> sending --sent--> sent
       ^                  |--transient error, attempts left--> pending (later)
       |                  |--permanent error or no attempts left--> dead (reason kept)
       +--lease expired (the worker died)--+

* :func:`enqueue` inserts in the caller's transaction, and does nothing when a message with
  the same idempotency key exists: a rule that fires twice for the same thing writes once.
* :func:`claim` takes up to ``limit`` due messages for one worker with a lease. PostgreSQL
  uses ``SELECT ... FOR UPDATE SKIP LOCKED`` inside the ``UPDATE``, so two workers never
  take the same row and neither waits for the other; SQLite runs the same ``UPDATE`` as
  one atomic statement under its database write lock. ``attempts`` counts claims, so a
  message that kills every worker that touches it still ends up dead.
* :func:`backoff` is exponential with "equal jitter" (half fixed, half random), after
  M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from touchpath.store.automation import OutboxRow

STATUSES = ("pending", "sending", "sent", "dead")
CHANNELS = ("email", "sms", "webhook", "document")


@dataclass(frozen=True)
class Message:
    """A claimed message, as a channel sees it."""

    id: int
    key: str
    channel: str
    recipient: str
    subject: str | None
    body: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    rule_id: int | None = None


def _table() -> sa.Table:
    table = OutboxRow.__table__
    assert isinstance(table, sa.Table)
    return table


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; we only ever store UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def enqueue(
    *,
    session: Session,
    key: str,
    channel: str,
    recipient: str,
    body: str,
    subject: str | None = None,
    payload: Mapping[str, Any] | None = None,
    rule_id: int | None = None,
    max_attempts: int = 8,
    now: datetime | None = None,
) -> bool:
    """Add a message unless its key is already there; True when it was added.

    Runs in the caller's transaction (the caller commits) — that is the point of an outbox.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    now = now or datetime.now(UTC)
    values = {
        "idempotency_key": key,
        "rule_id": rule_id,
        "channel": channel,
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "payload": json.dumps(dict(payload or {}), ensure_ascii=False, default=str),
        "status": "pending",
        "attempts": 0,
        "max_attempts": max_attempts,
        "next_attempt_at": now,
        "created_at": now,
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(OutboxRow)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxRow.id)
    )
    return session.execute(stmt).first() is not None


def _message(row: Any) -> Message:
    return Message(
        id=row.id,
        key=row.idempotency_key,
        channel=row.channel,
        recipient=row.recipient,
        subject=row.subject,
        body=row.body,
        payload=json.loads(row.payload),
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        rule_id=row.rule_id,
    )


def claim(
    engine: sa.Engine,
    *,
    worker: str,
    limit: int,
    lease: timedelta,
    now: datetime | None = None,
) -> list[Message]:
    """Claim up to ``limit`` due messages (oldest due first) for ``worker``, in one statement."""
    now = now or datetime.now(UTC)
    t = _table()
    due = sa.or_(
        sa.and_(t.c.status == "pending", t.c.next_attempt_at <= now),
        sa.and_(t.c.status == "sending", t.c.lease_until < now),
    )
    pick = sa.select(t.c.id).where(due).order_by(t.c.next_attempt_at, t.c.id).limit(limit)
    if engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        sa.update(t)
        .where(t.c.id.in_(pick.scalar_subquery()))
        .values(
            status="sending",
            claimed_by=worker,
            lease_until=now + lease,
            attempts=t.c.attempts + 1,
        )
        .returning(*t.c)
    )
    with engine.begin() as con:
        rows = con.execute(stmt).all()
    claimed = sorted((_message(r) for r in rows), key=lambda m: m.id)
    alive = []
    for msg in claimed:
        if msg.attempts > msg.max_attempts:
            reason = f"gave up after {msg.max_attempts} attempts (the worker stopped mid-send)"
            fail(engine, msg, worker=worker, error=reason, permanent=True, now=now)
        else:
            alive.append(msg)
    return alive


def _finish(engine: sa.Engine, msg: Message, worker: str, **values: Any) -> bool:
    t = _table()
    stmt = (
        sa.update(t)
        .where(t.c.id == msg.id, t.c.claimed_by == worker, t.c.status == "sending")
        .values(**values)
    )
    with engine.begin() as con:
        return bool(con.execute(stmt).rowcount)


def complete(engine: sa.Engine, msg: Message, *, worker: str, now: datetime | None = None) -> bool:
    """Mark a message sent; False when this worker's lease was lost meanwhile."""
    return _finish(
        engine,
        msg,
        worker,
        status="sent",
        sent_at=now or datetime.now(UTC),
        lease_until=None,
        last_error=None,
    )


def backoff(attempts: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``attempts``-th failure: equal jitter on ``base * 2**(n-1)``.

    >>> backoff(1, base=30, cap=3600, rng=random.Random(0)) >= 15
    True
    >>> 1800 <= backoff(20, base=30, cap=3600) <= 3600
    True
    """
    ceiling = min(cap, base * 2.0 ** min(max(attempts - 1, 0), 60))
    jitter = (rng or random).uniform(0, ceiling / 2)  # spreads retries; not a secret
    return ceiling / 2 + jitter


def fail(
    engine: sa.Engine,
    msg: Message,
    *,
    worker: str,
    error: str,
    permanent: bool = False,
    base: float = 30.0,
    cap: float = 3600.0,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> str:
    """Record a failed attempt: back to pending after a backoff, or dead. Returns the status."""
    now = now or datetime.now(UTC)
    error = error[:2000]
    if permanent or msg.attempts >= msg.max_attempts:
        _finish(engine, msg, worker, status="dead", lease_until=None, last_error=error)
        return "dead"
    delay = timedelta(seconds=backoff(msg.attempts, base=base, cap=cap, rng=rng))
    _finish(
        engine,
        msg,
        worker,
        status="pending",
        lease_until=None,
        last_error=error,
        next_attempt_at=now + delay,
    )
    return "pending"


def defer(engine: sa.Engine, msg: Message, *, worker: str, until: datetime) -> None:
    """Put a claimed message back untried (a rate limit said wait); the attempt is not counted."""
    t = _table()
    _finish(
        engine,
        msg,
        worker,
        status="pending",
        lease_until=None,
        next_attempt_at=until,
        attempts=t.c.attempts - 1,
    )


def retry_dead(*, session: Session, ids: list[int] | None = None) -> int:
    """Give dead messages a fresh set of attempts (all, or the given ids); the caller commits."""
    t = _table()
    stmt = sa.update(t).where(t.c.status == "dead")
    if ids is not None:
        stmt = stmt.where(t.c.id.in_(ids))
    stmt = stmt.values(status="pending", attempts=0, next_attempt_at=datetime.now(UTC))
    return int(getattr(session.execute(stmt), "rowcount", 0))


def status_counts(*, session: Session) -> dict[str, dict[str, int]]:
    """Messages per channel and status, every status present (zeros included)."""
    t = _table()
    rows = session.execute(
        sa.select(t.c.channel, t.c.status, sa.func.count()).group_by(t.c.channel, t.c.status)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for channel, status, n in rows:
        counts.setdefault(channel, dict.fromkeys(STATUSES, 0))[status] = int(n)
    return counts


def list_messages(
    *, session: Session, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The newest messages (optionally of one status) for lists and ``--json``."""
    t = _table()
    stmt = sa.select(t).order_by(t.c.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(t.c.status == status)
    return [
        {
            "id": r.id,
            "key": r.idempotency_key,
            "channel": r.channel,
            "recipient": r.recipient,
            "subject": r.subject,
            "status": r.status,
            "attempts": r.attempts,
            "next_attempt_at": aware(r.next_attempt_at).isoformat(),
            "sent_at": aware(r.sent_at).isoformat() if r.sent_at else None,
            "last_error": r.last_error,
        }
        for r in session.execute(stmt).all()
    ]
