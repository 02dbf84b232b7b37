"""Tasks for managers, their SLA, and the response-time KPIs.

SLA state of a task at a moment ``now`` (``due_at`` is when the first reply was due):

=========== ==========================================================================
``met``     replied (or done) by ``due_at``
``late``    replied after ``due_at``
``breached`` still no reply and ``due_at`` has passed
``due_soon`` no reply, due within the next quarter of its SLA window
``open``    no reply, time left (or no SLA at all)
=========== ==========================================================================

Response time of a task is ``first_reply_at - created_at`` (marking a task done counts as
its reply when nobody recorded one). :func:`response_times` gives, per touchpoint and
manager, the number of replied tasks, the median and the 90th percentile in seconds —
percentiles by linear interpolation between order statistics (Hyndman & Fan 1996, type 7,
numpy's default), the same definition as ``pandas.Series.quantile``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.store.automation import TaskRow

TASK_STATUSES = ("open", "done", "cancelled")
SLA_STATES = ("open", "due_soon", "breached", "met", "late")


class TaskError(TouchpathError):
    pass


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Task:
    id: int
    key: str
    title: str
    body: str
    status: str
    touchpoint: str | None
    manager: str | None
    customer_id: str | None
    created_at: datetime
    due_at: datetime | None
    first_reply_at: datetime | None
    done_at: datetime | None
    sla: str

    def as_json(self) -> dict[str, Any]:
        doc = asdict(self)
        for k in ("created_at", "due_at", "first_reply_at", "done_at"):
            doc[k] = doc[k].isoformat() if doc[k] else None
        return doc


def sla_state(
    *,
    created_at: datetime,
    due_at: datetime | None,
    first_reply_at: datetime | None,
    status: str,
    now: datetime,
) -> str:
    """The SLA state of one task (see the module docstring).

    >>> from datetime import timedelta
    >>> t0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    >>> due = t0 + timedelta(minutes=15)
    >>> sla_state(created_at=t0, due_at=due, first_reply_at=None, status="open",
    ...           now=t0 + timedelta(minutes=12))
    'due_soon'
    """
    if first_reply_at is not None:
        return "met" if due_at is None or first_reply_at <= due_at else "late"
    if status == "cancelled" or due_at is None:
        return "open"
    if now > due_at:
        return "breached"
    window = due_at - created_at
    return "due_soon" if due_at - now <= window / 4 else "open"


def _task(row: TaskRow, now: datetime) -> Task:
    created = _aware(row.created_at)
    assert created is not None
    due, reply = _aware(row.due_at), _aware(row.first_reply_at)
    return Task(
        id=row.id,
        key=row.key,
        title=row.title,
        body=row.body,
        status=row.status,
        touchpoint=row.touchpoint,
        manager=row.manager,
        customer_id=row.customer_id,
        created_at=created,
        due_at=due,
        first_reply_at=reply,
        done_at=_aware(row.done_at),
        sla=sla_state(
            created_at=created, due_at=due, first_reply_at=reply, status=row.status, now=now
        ),
    )


def list_tasks(
    *,
    session: Session,
    manager: str | None = None,
    touchpoint: str | None = None,
    status: str | None = None,
    sla: str | None = None,
    limit: int = 500,
    now: datetime | None = None,
) -> list[Task]:
    """Tasks, newest first, filtered by manager, touchpoint, status and SLA state."""
    now = now or datetime.now(UTC)
    stmt = sa.select(TaskRow).order_by(TaskRow.created_at.desc(), TaskRow.id.desc())
    if manager:
        stmt = stmt.where(TaskRow.manager == manager)
    if touchpoint:
        stmt = stmt.where(TaskRow.touchpoint == touchpoint)
    if status:
        stmt = stmt.where(TaskRow.status == status)
    tasks = [_task(r, now) for r in session.scalars(stmt.limit(limit if not sla else None))]
    if sla:
        tasks = [t for t in tasks if t.sla == sla][:limit]
    return tasks


def _row(session: Session, task_id: int) -> TaskRow:
    row = session.get(TaskRow, task_id)
    if row is None:
        raise TaskError(_("no task {id}").format(id=task_id))
    return row


def record_reply(*, session: Session, task_id: int, at: datetime | None = None) -> Task:
    """The manager answered the customer: the first reply time is kept, later ones ignored."""
    row = _row(session, task_id)
    at = at or datetime.now(UTC)
    if row.first_reply_at is None:
        row.first_reply_at = at
    session.flush()
    return _task(row, at)


def mark_done(*, session: Session, task_id: int, at: datetime | None = None) -> Task:
    """Close a task; with no reply recorded, closing it is the reply."""
    row = _row(session, task_id)
    at = at or datetime.now(UTC)
    if row.status == "cancelled":
        raise TaskError(_("task {id} is cancelled").format(id=task_id))
    row.status = "done"
    row.done_at = row.done_at or at
    if row.first_reply_at is None:
        row.first_reply_at = at
    session.flush()
    return _task(row, at)


def cancel(*, session: Session, task_id: int) -> Task:
    row = _row(session, task_id)
    if row.status == "done":
        raise TaskError(_("task {id} is done already").format(id=task_id))
    row.status = "cancelled"
    session.flush()
    return _task(row, datetime.now(UTC))


def assign(*, session: Session, task_id: int, manager: str) -> Task:
    row = _row(session, task_id)
    row.manager = manager.strip() or None
    session.flush()
    return _task(row, datetime.now(UTC))


def sla_summary(*, session: Session, now: datetime | None = None) -> dict[str, int]:
    """How many tasks are in each SLA state (every state present)."""
    counts = dict.fromkeys(SLA_STATES, 0)
    for task in list_tasks(session=session, limit=1_000_000, now=now):
        counts[task.sla] += 1
    return counts


def _replies(session: Session) -> pd.DataFrame:
    rows = session.execute(
        sa.select(
            TaskRow.touchpoint, TaskRow.manager, TaskRow.created_at, TaskRow.first_reply_at
        ).where(TaskRow.first_reply_at.is_not(None))
    ).all()
    frame = pd.DataFrame(rows, columns=["touchpoint", "manager", "created_at", "first_reply_at"])
    seconds = [
        (_aware(r) - _aware(c)).total_seconds()  # type: ignore[operator]
        for c, r in zip(frame["created_at"], frame["first_reply_at"], strict=True)
    ]
    frame["seconds"] = pd.Series(seconds, dtype=float)
    frame["touchpoint"] = frame["touchpoint"].fillna("")
    frame["manager"] = frame["manager"].fillna("")
    return frame


def response_times(
    *, session: Session, by: tuple[str, ...] = ("touchpoint", "manager")
) -> pd.DataFrame:
    """Time to first reply per touchpoint and manager: n, median_seconds, p90_seconds.

    ``by`` may be ``("touchpoint",)`` or ``("manager",)`` for one level; an empty
    touchpoint or manager is ``""``. Negative times (a reply stamped before the task) are
    kept: they point at a clock problem worth seeing, not at data to hide.
    """
    frame = _replies(session)
    columns = [*by, "n", "median_seconds", "p90_seconds"]
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in by else float) for c in columns})
    grouped = frame.groupby(list(by), sort=True)["seconds"]
    result = grouped.agg(
        n="size",
        median_seconds=lambda s: float(np.percentile(s, 50)),
        p90_seconds=lambda s: float(np.percentile(s, 90)),
    ).reset_index()
    result["n"] = result["n"].astype(int)
    return result[columns]


def overdue(*, session: Session, now: datetime | None = None) -> list[Task]:
    """Open tasks whose SLA is breached, oldest due first (for escalations and the page)."""
    now = now or datetime.now(UTC)
    tasks = list_tasks(session=session, status="open", sla="breached", limit=10_000, now=now)
    return sorted(tasks, key=lambda t: t.due_at or now)
