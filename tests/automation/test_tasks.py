"""Tasks, SLA states and response-time KPIs checked against hand-worked numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from touchpath.automation import tasks
from touchpath.automation.tasks import sla_state
from touchpath.store.automation import TaskRow

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _add(
    session: Session,
    key: str,
    tp: str,
    manager: str,
    reply_min: float | None,
    due_min: int | None = 15,
    status: str = "open",
) -> None:
    session.add(
        TaskRow(
            key=key,
            touchpoint=tp,
            manager=manager,
            title=key,
            body="",
            status=status,
            created_at=T0,
            due_at=T0 + timedelta(minutes=due_min) if due_min else None,
            first_reply_at=T0 + timedelta(minutes=reply_min) if reply_min is not None else None,
        )
    )


def test_response_times_median_and_p90_by_hand(engine: sa.Engine) -> None:
    with Session(engine) as session, session.begin():
        # site_form / Anna: replies after 1, 2, 3, 4, 10 minutes
        for i, m in enumerate([1, 2, 3, 4, 10]):
            _add(session, f"a{i}", "site_form", "Anna", m)
        # phone / Oleg: 5 and 7 minutes; one task never answered (not counted)
        _add(session, "o1", "phone", "Oleg", 5)
        _add(session, "o2", "phone", "Oleg", 7)
        _add(session, "o3", "phone", "Oleg", None)
    with Session(engine) as session:
        frame = tasks.response_times(session=session)
    rows = {(r.touchpoint, r.manager): r for r in frame.itertuples()}
    # Anna: sorted seconds 60,120,180,240,600; median = 180
    # p90 (type 7): h = (5-1)*0.9 = 3.6 -> x[3] + 0.6*(x[4]-x[3]) = 240 + 0.6*360 = 456
    anna = rows[("site_form", "Anna")]
    assert (anna.n, anna.median_seconds, anna.p90_seconds) == (5, 180.0, 456.0)
    # Oleg: 300, 420 -> median 360; p90: h = 0.9 -> 300 + 0.9*120 = 408
    oleg = rows[("phone", "Oleg")]
    assert (oleg.n, oleg.median_seconds, oleg.p90_seconds) == (2, 360.0, 408.0)
    assert list(frame.columns) == ["touchpoint", "manager", "n", "median_seconds", "p90_seconds"]
    with Session(engine) as session:
        per_manager = tasks.response_times(session=session, by=("manager",))
    assert per_manager.set_index("manager")["n"].to_dict() == {"Anna": 5, "Oleg": 2}


def test_empty_response_times_have_the_columns(engine: sa.Engine) -> None:
    with Session(engine) as session:
        frame = tasks.response_times(session=session)
    assert frame.empty and list(frame.columns) == [
        "touchpoint",
        "manager",
        "n",
        "median_seconds",
        "p90_seconds",
    ]


def test_sla_states() -> None:
    due = T0 + timedelta(minutes=20)

    def state(reply: float | None, now: float, status: str = "open") -> str:
        return sla_state(
            created_at=T0,
            due_at=due,
            status=status,
            now=T0 + timedelta(minutes=now),
            first_reply_at=T0 + timedelta(minutes=reply) if reply is not None else None,
        )

    assert state(None, 10) == "open"
    assert state(None, 15) == "due_soon"  # last quarter of the 20-minute window
    assert state(None, 21) == "breached"
    assert state(19, 30) == "met"
    assert state(25, 30) == "late"
    assert (
        sla_state(
            created_at=T0,
            due_at=None,
            first_reply_at=None,
            status="open",
            now=T0 + timedelta(days=9),
        )
        == "open"
    )


def test_done_counts_as_the_reply_and_lists_filter(engine: sa.Engine) -> None:
    with Session(engine) as session, session.begin():
        _add(session, "t1", "phone", "Oleg", None)
        _add(session, "t2", "site_form", "Anna", None)
    with Session(engine) as session, session.begin():
        [t2] = tasks.list_tasks(session=session, manager="Anna")
        tasks.record_reply(session=session, task_id=t2.id, at=T0 + timedelta(minutes=3))
        tasks.record_reply(session=session, task_id=t2.id, at=T0 + timedelta(minutes=9))
        [t1] = tasks.list_tasks(session=session, touchpoint="phone")
        done = tasks.mark_done(session=session, task_id=t1.id, at=T0 + timedelta(minutes=30))
    assert (done.status, done.sla) == ("done", "late")
    with Session(engine) as session:
        anna = tasks.list_tasks(session=session, manager="Anna")[0]
        assert anna.first_reply_at == T0 + timedelta(minutes=3)  # the first reply is kept
        assert tasks.sla_summary(session=session, now=T0 + timedelta(hours=1)) == {
            "open": 0,
            "due_soon": 0,
            "breached": 0,
            "met": 1,
            "late": 1,
        }
        assert [t.key for t in tasks.list_tasks(session=session, sla="late")] == ["t1"]
