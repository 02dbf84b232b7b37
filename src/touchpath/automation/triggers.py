"""Triggers: find what happened since each rule last looked, and fire the rules.

Sources and how a rule remembers where it stopped (``automation_rules.watermark``):

* events — the events store's ``seq`` (ingestion order). The DuckDB file is opened
  read-only for one query at a time and closed at once: the collector and imports need it.
* feedback answers and KPI alerts — the ``id`` of the metadata tables ``feedback`` and
  ``alerts`` (written by :mod:`touchpath.store.feedback`).
* no reply within N minutes — a start event opens a timer (``automation_timers``); a
  matching event of the same customer before it is due closes it; a due timer fires.
* schedules and overdue tasks — ``last_run_at`` (a task is escalated once, when its due
  time plus the grace falls between two passes).

Every batch is one transaction: the tasks and messages of the firings and the new
watermarks commit together or not at all (the transactional outbox). A worker that dies
mid-batch re-reads the batch and writes nothing twice (the keys are unique).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from touchpath.automation.firing import FireResult, Firing, fire
from touchpath.automation.rulebook import FROM_NOW, StoredRule, list_rules
from touchpath.automation.rules import (
    AlertTrigger,
    EventTrigger,
    FeedbackTrigger,
    NoReplyTrigger,
    ScheduleTrigger,
    TaskOverdueTrigger,
)
from touchpath.automation.schedule import due_times, interval_due, parse_cron
from touchpath.automation.settings import load_settings
from touchpath.store import crud
from touchpath.store.automation import KEY, RuleRow, TaskRow, TimerRow
from touchpath.store.feedback import AlertRow, FeedbackRow

BATCH = 2_000
EVENT_FIELDS = (
    *("event_id", "customer_id", "ts", "event_name", "touchpoint", "channel", "campaign"),
    *("source", "medium", "is_conversion", "value", "currency", "attributes", "seq"),
)
CUSTOMER_FIELDS = ("name", "email", "phone", "language", "segment", "attributes")


class EventSource(Protocol):
    """New events in ingestion order, with their customer."""

    def max_seq(self) -> int: ...

    def after(self, seq: int, limit: int) -> list[dict[str, Any]]: ...


class DuckDBEvents:
    """Events of a DuckDB store, read with a short read-only connection per call."""

    def __init__(self, connect: Callable[[], AbstractContextManager[Any]]) -> None:
        self.connect = connect  # e.g. lambda: engine.raw(read_only=True)

    def max_seq(self) -> int:
        with self.connect() as con:
            [(value,)] = con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchall()
        return int(value)

    def after(self, seq: int, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` events after ``seq`` with their customer's fields.

        Only the batch's customers are looked up (a customer listed twice gives one row).
        """
        ev = ", ".join(f"e.{c}" for c in EVENT_FIELDS)
        cu = ", ".join(f"c.{c} AS customer_{c}" for c in CUSTOMER_FIELDS)
        any_values = ", ".join(f"any_value({c}) AS {c}" for c in CUSTOMER_FIELDS)
        sql = (
            "WITH e AS (SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2), "
            f"c AS (SELECT customer_id, {any_values} FROM customers "
            "WHERE customer_id IN (SELECT customer_id FROM e) GROUP BY customer_id) "
            f"SELECT {ev}, {cu} FROM e LEFT JOIN c USING (customer_id) ORDER BY e.seq"
        )
        with self.connect() as con:
            cursor = con.execute(sql, [seq, limit])
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        return [dict(zip(names, row, strict=True)) for row in rows]


def _json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _present(record: dict[str, Any]) -> dict[str, Any]:
    """Only the fields with a value: a template using an absent one fails loudly instead of
    printing "None" (``{{ customer.name | default("") }}`` makes it optional)."""
    return {k: v for k, v in record.items() if v is not None}


@dataclass(frozen=True)
class Context:
    """What firings need besides the rule: the catalogue's touchpoints, and the clock."""

    touchpoints: dict[str, dict[str, Any]]
    owners: dict[str, str | None]
    now: datetime
    max_attempts: int
    timezone: str = "UTC"

    @classmethod
    def load(cls, session: Session, now: datetime | None = None, timezone: str = "UTC") -> Context:
        catalogue = crud.load_catalogue(session=session)
        tps = {tp.id: tp.model_dump(mode="json") for tp in catalogue.touchpoints}
        owners = {tp.id: tp.owner for tp in catalogue.touchpoints}
        settings = load_settings(session=session)
        return cls(tps, owners, now or datetime.now(UTC), settings.max_attempts, timezone)

    def event_data(self, row: dict[str, Any]) -> dict[str, Any]:
        event = _present({c: _plain(_json(row.get(c))) for c in EVENT_FIELDS})
        customer = {"id": row.get("customer_id")}
        customer |= {c: _plain(_json(row.get(f"customer_{c}"))) for c in CUSTOMER_FIELDS}
        touchpoint = self.touchpoints.get(str(row.get("touchpoint")), {})
        return {"event": event, "customer": _present(customer), "touchpoint": _present(touchpoint)}


def _fire(session: Session, stored: StoredRule, firing: Firing, ctx: Context) -> FireResult:
    return fire(
        session=session,
        stored=stored,
        firing=firing,
        owners=ctx.owners,
        max_attempts=ctx.max_attempts,
        now=ctx.now,
        timezone=ctx.timezone,
    )


def _set_watermark(session: Session, rule_id: int, value: int) -> None:
    session.execute(sa.update(RuleRow).where(RuleRow.id == rule_id).values(watermark=value))


# -- events and timers --------------------------------------------------------------------


def poll_events(
    *, session: Session, source: EventSource, rules: Sequence[StoredRule], ctx: Context
) -> FireResult:
    """Fire event rules and run no-reply timers over events newer than each watermark."""
    result = FireResult()
    active = [r for r in rules if isinstance(r.rule.trigger, EventTrigger | NoReplyTrigger)]
    if not active:
        return result
    marks = {r.id: r.watermark for r in active}
    if any(m == FROM_NOW for m in marks.values()):
        top = source.max_seq()
        for rule_id, mark in marks.items():
            if mark == FROM_NOW:
                marks[rule_id] = top
                _set_watermark(session, rule_id, top)
        session.commit()
    position = min(marks.values())
    while True:
        rows = source.after(position, BATCH)
        if not rows:
            break
        for row in rows:
            data = ctx.event_data(row)
            seq = int(row["seq"])
            for stored in active:
                if seq > marks[stored.id]:
                    result.add(_on_event(session, stored, row, data, ctx))
        position = int(rows[-1]["seq"])
        for stored in active:
            marks[stored.id] = max(marks[stored.id], position)
            _set_watermark(session, stored.id, marks[stored.id])
        session.commit()
        if len(rows) < BATCH:
            break
    return result


def _on_event(
    session: Session, stored: StoredRule, row: dict[str, Any], data: dict[str, Any], ctx: Context
) -> FireResult:
    trigger = stored.rule.trigger
    name, tp = row.get("event_name"), row.get("touchpoint")
    if isinstance(trigger, EventTrigger):
        if trigger.matches(name, tp):
            return _fire(session, stored, Firing(f"ev:{row['event_id']}", data), ctx)
        return FireResult()
    assert isinstance(trigger, NoReplyTrigger)
    ts = row["ts"] if isinstance(row["ts"], datetime) else datetime.fromisoformat(str(row["ts"]))
    ts = ts.astimezone(UTC) if ts.tzinfo else ts.replace(tzinfo=UTC)  # stored as UTC
    if trigger.reply.matches(name, tp):
        session.execute(
            sa.update(TimerRow)
            .where(
                TimerRow.rule_id == stored.id,
                TimerRow.customer_id == str(row["customer_id"])[:KEY],
                TimerRow.state == "pending",
                TimerRow.started_at < ts,
                TimerRow.due_at >= ts,
            )
            .values(state="answered")
        )
    if trigger.start.matches(name, tp):
        exists = session.scalar(
            sa.select(TimerRow.id).where(
                TimerRow.rule_id == stored.id, TimerRow.subject == str(row["event_id"])[:KEY]
            )
        )
        if exists is None:
            session.add(
                TimerRow(
                    rule_id=stored.id,
                    subject=str(row["event_id"])[:KEY],
                    customer_id=str(row["customer_id"])[:KEY],
                    started_at=ts,
                    due_at=ts + timedelta(minutes=trigger.minutes),
                    state="pending",
                    context=json.dumps(data, ensure_ascii=False, default=str),
                )
            )
            session.flush()
    return FireResult()


def fire_due_timers(*, session: Session, rules: Sequence[StoredRule], ctx: Context) -> FireResult:
    """Fire every pending timer that is due: no reply came in time."""
    result = FireResult()
    by_id = {r.id: r for r in rules if isinstance(r.rule.trigger, NoReplyTrigger)}
    if not by_id:
        return result
    due = session.scalars(
        sa.select(TimerRow)
        .where(
            TimerRow.state == "pending",
            TimerRow.due_at <= ctx.now,
            TimerRow.rule_id.in_(list(by_id)),
        )
        .order_by(TimerRow.id)
        .limit(BATCH)
    ).all()
    for timer in due:
        data = json.loads(timer.context)
        result.add(_fire(session, by_id[timer.rule_id], Firing(f"nr:{timer.subject}", data), ctx))
        timer.state = "fired"
    session.commit()
    return result


# -- feedback and alerts ------------------------------------------------------------------


def _rows_after(session: Session, model: Any, after: int) -> Iterator[Any]:
    yield from session.scalars(
        sa.select(model).where(model.id > after).order_by(model.id).limit(BATCH)
    ).all()


def _top(session: Session, model: Any) -> int:
    return int(session.scalar(sa.select(sa.func.coalesce(sa.func.max(model.id), 0))) or 0)


def poll_feedback_and_alerts(
    *, session: Session, rules: Sequence[StoredRule], ctx: Context
) -> FireResult:
    """Fire feedback rules (by reaction) and alert rules over rows newer than the watermark."""
    result = FireResult()
    for stored in rules:
        trigger = stored.rule.trigger
        if not isinstance(trigger, FeedbackTrigger | AlertTrigger):
            continue
        model = FeedbackRow if isinstance(trigger, FeedbackTrigger) else AlertRow
        mark = stored.watermark if stored.watermark != FROM_NOW else _top(session, model)
        rows = list(_rows_after(session, model, mark))
        for row in rows:
            if trigger.touchpoint and row.touchpoint not in trigger.touchpoint:
                continue
            if isinstance(trigger, FeedbackTrigger):
                if row.reaction not in trigger.reaction:
                    continue
                part = "feedback"
                fields: tuple[str, ...] = (
                    "feedback_id",
                    "customer_id",
                    "ts",
                    "touchpoint",
                    "stage",
                    "channel",
                    "kind",
                    "score",
                    "text",
                    "language",
                    "reaction",
                )
            else:
                if trigger.alert_kind and row.kind not in trigger.alert_kind:
                    continue
                part = "alert"
                fields = (
                    "id",
                    "created_at",
                    "kind",
                    "touchpoint",
                    "metric",
                    "value",
                    "previous",
                    "message",
                    "status",
                )
            record = _present({f: _plain(getattr(row, f)) for f in fields})
            data: dict[str, Any] = {part: record}
            data["touchpoint"] = _present(ctx.touchpoints.get(str(row.touchpoint), {}))
            customer = {"id": record.get("customer_id"), "language": record.get("language")}
            data["customer"] = _present(customer)
            subject = f"{part[:2]}:{row.id}"
            result.add(_fire(session, stored, Firing(subject, data), ctx))
        new_mark = rows[-1].id if rows else mark
        if new_mark != stored.watermark:
            _set_watermark(session, stored.id, new_mark)
        session.commit()
    return result


# -- overdue tasks ------------------------------------------------------------------------


def fire_overdue_tasks(
    *, session: Session, rules: Sequence[StoredRule], ctx: Context
) -> FireResult:
    """Escalate tasks that became overdue since the rule last looked (once per task)."""
    result = FireResult()
    names = {r.id: r.rule.name for r in list_rules(session=session)}
    for stored in rules:
        trigger = stored.rule.trigger
        if not isinstance(trigger, TaskOverdueTrigger):
            continue
        grace = timedelta(minutes=trigger.grace_minutes)
        since = (stored.last_run_at or stored.created_at) - grace
        until = ctx.now - grace
        stmt = (
            sa.select(TaskRow)
            .where(
                TaskRow.status == "open",
                TaskRow.first_reply_at.is_(None),
                TaskRow.due_at > since,
                TaskRow.due_at <= until,
                sa.or_(TaskRow.rule_id.is_(None), TaskRow.rule_id != stored.id),
            )
            .order_by(TaskRow.due_at, TaskRow.id)
        )
        if trigger.touchpoint:
            stmt = stmt.where(TaskRow.touchpoint.in_(trigger.touchpoint))
        for task in session.scalars(stmt).all():
            if trigger.rules and names.get(task.rule_id or -1) not in trigger.rules:
                continue
            record = _present(
                {
                    "id": task.id,
                    "title": task.title,
                    "manager": task.manager,
                    "touchpoint": task.touchpoint,
                    "customer_id": task.customer_id,
                    "created_at": _plain(task.created_at),
                    "due_at": _plain(task.due_at),
                }
            )
            data = {
                "task": record,
                "customer": _present({"id": task.customer_id}),
                "touchpoint": _present(ctx.touchpoints.get(str(task.touchpoint), {})),
            }
            result.add(_fire(session, stored, Firing(f"task:{task.id}", data), ctx))
        session.execute(
            sa.update(RuleRow).where(RuleRow.id == stored.id).values(last_run_at=ctx.now)
        )
        session.commit()
    return result


# -- schedules ----------------------------------------------------------------------------


def fire_schedules(*, session: Session, rules: Sequence[StoredRule], ctx: Context) -> FireResult:
    """Fire each schedule that came due since it last ran (once, however many were missed)."""
    result = FireResult()
    for stored in rules:
        trigger = stored.rule.trigger
        if not isinstance(trigger, ScheduleTrigger):
            continue
        last = stored.last_run_at or stored.created_at
        if trigger.cron is not None:
            times = due_times(parse_cron(trigger.cron), last, ctx.now)
            at = times[-1] if times else None
        else:
            assert trigger.every_minutes is not None
            due = interval_due(stored.last_run_at, ctx.now, trigger.every_minutes)
            at = ctx.now.replace(second=0, microsecond=0) if due else None
        if at is None:
            continue
        data = {"schedule": {"at": at.isoformat()}, "customer": {}}
        result.add(_fire(session, stored, Firing(f"at:{at.isoformat()}", data), ctx))
        session.execute(
            sa.update(RuleRow).where(RuleRow.id == stored.id).values(last_run_at=ctx.now)
        )
        session.commit()
    return result


def run_triggers(
    *,
    session: Session,
    source: EventSource | None,
    now: datetime | None = None,
    timezone: str = "UTC",
) -> FireResult:
    """One pass over every enabled rule; commits batch by batch.

    ``timezone`` (the workspace's) is where templates print times.
    """
    rules = list_rules(session=session, enabled_only=True)
    result = FireResult()
    if not rules:
        return result
    ctx = Context.load(session, now, timezone)
    session.commit()  # end the read transaction; each step commits its own batches
    if source is not None:
        result.add(poll_events(session=session, source=source, rules=rules, ctx=ctx))
    result.add(fire_due_timers(session=session, rules=rules, ctx=ctx))
    result.add(poll_feedback_and_alerts(session=session, rules=rules, ctx=ctx))
    result.add(fire_schedules(session=session, rules=rules, ctx=ctx))
    result.add(fire_overdue_tasks(session=session, rules=rules, ctx=ctx))
    return result
