"""Rules fired by real events (DuckDB), timers, schedules, feedback and alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from automation.helpers import T0, add_events, make_workspace
from automation.servers import Mailbox
from touchpath.automation import rulebook
from touchpath.automation.rules import Rule
from touchpath.automation.settings import AutomationSettings
from touchpath.automation.triggers import run_triggers
from touchpath.automation.worker import Deliverer, drain, event_source
from touchpath.store.automation import OutboxRow, RuleRow, TaskRow, TimerRow
from touchpath.store.db import create_engine
from touchpath.store.feedback import AlertRow, FeedbackRow
from touchpath.workspace import Workspace

LEAD: dict[str, Any] = {
    "name": "lead_callback",
    "language": "ru",
    "trigger": {"kind": "event", "event_name": ["form_filled"], "touchpoint": ["callback_form"]},
    "actions": [
        {
            "kind": "task",
            "title": {
                "ru": "Перезвонить: {{ customer.name }}",
                "en": "Call back {{ customer.name }}",
            },
            "due_minutes": 15,
        },
        {
            "kind": "email",
            "subject": {"ru": "Мы перезвоним, {{ customer.name }}", "en": "We'll call you back"},
            "body": {
                "ru": "<p>Здравствуйте, {{ customer.name }}!</p>",
                "en": "<p>Hi {{ customer.name }}</p>",
            },
            "html": True,
        },
    ],
}


def _ev(n: int, customer: str, name: str, tp: str, minutes: float = 0) -> dict[str, Any]:
    return {
        "event_id": f"e{n}",
        "customer_id": customer,
        "ts": T0 + timedelta(minutes=minutes),
        "event_name": name,
        "touchpoint": tp,
        "seq": n,
    }


def _add_rule(engine: sa.Engine, doc: dict[str, Any]) -> None:
    with Session(engine) as session, session.begin():
        rulebook.save_rule(session=session, rule=Rule.model_validate(doc))


def _run(engine: sa.Engine, ws: Workspace | None, now: datetime | None = None) -> Any:
    with Session(engine) as session:
        return run_triggers(session=session, source=event_source(ws) if ws else None, now=now)


def _tasks(engine: sa.Engine) -> list[TaskRow]:
    with Session(engine) as session:
        return list(session.scalars(sa.select(TaskRow).order_by(TaskRow.id)))


def _outbox(engine: sa.Engine) -> list[OutboxRow]:
    with Session(engine) as session:
        return list(session.scalars(sa.select(OutboxRow).order_by(OutboxRow.id)))


@pytest.fixture
def ws_engine(tmp_path: Path, db_url: str) -> Any:
    ws = make_workspace(tmp_path / "ws", db_url)
    engine = create_engine(db_url)
    yield ws, engine
    engine.dispose()


def test_event_rule_writes_tasks_and_emails_once_in_the_customers_language(
    ws_engine: Any, smtp: Mailbox
) -> None:
    ws, engine = ws_engine
    add_events(ws, [_ev(1, "c1", "form_filled", "callback_form")])  # before the rule
    _add_rule(engine, LEAD)
    first = _run(engine, ws)
    assert (first.tasks, first.messages) == (0, 0)  # a new rule starts from now
    add_events(
        ws,
        [
            _ev(2, "c1", "form_filled", "callback_form", 1),
            _ev(3, "c2", "page_view", "callback_form", 2),
            _ev(4, "c2", "form_filled", "callback_form", 3),
        ],
    )
    before = datetime.now(UTC)
    result = _run(engine, ws)
    assert (result.matched, result.tasks, result.messages) == (2, 2, 2)
    tasks = _tasks(engine)
    assert [(t.title, t.manager, t.touchpoint, t.customer_id) for t in tasks] == [
        ("Перезвонить: Анна", "Анна Смирнова", "callback_form", "c1"),
        ("Call back John", "Анна Смирнова", "callback_form", "c2"),
    ]
    assert tasks[0].due_at is not None
    due = tasks[0].due_at.replace(tzinfo=UTC) - tasks[0].created_at.replace(tzinfo=UTC)
    assert due == timedelta(minutes=15)
    assert tasks[0].created_at.replace(tzinfo=UTC) >= before - timedelta(seconds=1)

    # a crash before the watermark commit means the batch is read again: nothing doubles
    with Session(engine) as session, session.begin():
        session.execute(sa.update(RuleRow).values(watermark=1))
    again = _run(engine, ws)
    assert (again.matched, again.tasks, again.messages) == (2, 0, 0)
    assert len(_tasks(engine)) == 2 and len(_outbox(engine)) == 2

    settings = AutomationSettings()
    settings.smtp.host, settings.smtp.port = smtp.host, smtp.port
    assert drain(Deliverer(engine=engine, settings=settings), batch=10).sent == 2
    by_to = {m["To"]: m for m in smtp.messages}
    assert set(by_to) == {"anna@example.com", "john@example.com"}
    ru = by_to["anna@example.com"]
    assert str(ru["Subject"]) == "Мы перезвоним, Анна"
    html = next(p for p in ru.walk() if p.get_content_type() == "text/html")
    assert "<p>Здравствуйте, Анна!</p>" in bytes(html.get_payload(decode=True)).decode()
    assert str(by_to["john@example.com"]["Subject"]) == "We'll call you back"


def test_conditions_filter_firings(ws_engine: Any) -> None:
    ws, engine = ws_engine
    doc = {**LEAD, "conditions": [{"field": "customer.segment", "op": "eq", "value": "vip"}]}
    doc["actions"] = doc["actions"][:1]
    _add_rule(engine, doc)
    _run(engine, ws)
    add_events(
        ws,
        [
            _ev(1, "c1", "form_filled", "callback_form"),
            _ev(2, "c2", "form_filled", "callback_form"),
        ],
    )
    result = _run(engine, ws)
    assert (result.matched, result.skipped) == (1, 1)
    assert [t.customer_id for t in _tasks(engine)] == ["c1"]


def test_a_template_that_cannot_render_becomes_a_dead_letter(ws_engine: Any) -> None:
    ws, engine = ws_engine
    _add_rule(engine, LEAD)
    _run(engine, ws)
    add_events(ws, [_ev(1, "ghost", "form_filled", "callback_form")])  # no customer record
    result = _run(engine, ws)
    assert result.failed == 2  # task title and email both need customer.name
    rows = _outbox(engine)
    assert [r.status for r in rows] == ["dead", "dead"]
    assert [r.last_error for r in rows] == [
        "rule lead_callback: template: 'dict object' has no attribute 'name'"
    ] * 2


def test_no_reply_within_n_minutes_escalates(ws_engine: Any) -> None:
    ws, engine = ws_engine
    _add_rule(
        engine,
        {
            "name": "escalate",
            "trigger": {
                "kind": "no_reply",
                "start": {"event_name": ["form_filled"], "touchpoint": ["callback_form"]},
                "reply": {"touchpoint": ["phone"]},
                "minutes": 15,
            },
            "actions": [
                {
                    "kind": "task",
                    "title": "No call for {{ customer.name }}",
                    "manager": "Head of sales",
                    "due_minutes": 30,
                }
            ],
        },
    )
    _run(engine, ws)
    add_events(
        ws,
        [
            _ev(1, "c1", "form_filled", "callback_form", 0),
            _ev(2, "c1", "call", "phone", 10),  # answered in time
            _ev(3, "c2", "form_filled", "callback_form", 0),
            _ev(4, "c2", "call", "phone", 20),  # too late
        ],
    )
    result = _run(engine, ws, now=T0 + timedelta(hours=1))
    assert result.tasks == 1
    [task] = _tasks(engine)
    assert (task.title, task.manager, task.customer_id) == (
        "No call for John",
        "Head of sales",
        "c2",
    )
    with Session(engine) as session:
        states = dict(session.execute(sa.select(TimerRow.subject, TimerRow.state)).all())
    assert states == {"e1": "answered", "e3": "fired"}
    # a timer not yet due waits
    add_events(ws, [_ev(5, "c1", "form_filled", "callback_form", 100)])
    assert _run(engine, ws, now=T0 + timedelta(minutes=110)).tasks == 0
    assert _run(engine, ws, now=T0 + timedelta(minutes=116)).tasks == 1


def test_schedules_fire_once_per_due_time(ws_engine: Any) -> None:
    _ws, engine = ws_engine
    hook = {"kind": "webhook", "url": "http://127.0.0.1:9/digest"}
    _add_rule(
        engine,
        {"name": "daily", "trigger": {"kind": "schedule", "cron": "0 9 * * *"}, "actions": [hook]},
    )
    _add_rule(
        engine,
        {"name": "hourly", "trigger": {"kind": "schedule", "every_minutes": 60}, "actions": [hook]},
    )
    now = datetime.now(UTC)
    first = _run(engine, None, now=now + timedelta(days=1, minutes=1))
    assert first.messages == 2  # the daily 09:00 came once; the interval was never run
    assert _run(engine, None, now=now + timedelta(days=1, minutes=2)).messages == 0
    assert _run(engine, None, now=now + timedelta(days=1, minutes=62)).messages == 1  # hourly
    keys = [r.idempotency_key for r in _outbox(engine)]
    assert len(keys) == len(set(keys)) == 3


def test_negative_feedback_and_alerts_fire(ws_engine: Any) -> None:
    _ws, engine = ws_engine
    _add_rule(
        engine,
        {
            "name": "negative_feedback",
            "trigger": {"kind": "feedback", "reaction": ["negative"]},
            "actions": [{"kind": "task", "title": "Reply: {{ feedback.text }}", "due_minutes": 60}],
        },
    )
    _add_rule(
        engine,
        {
            "name": "kpi_alert",
            "trigger": {"kind": "alert"},
            "actions": [
                {
                    "kind": "email",
                    "to": "cx@volt.example",
                    "subject": "Alert: {{ alert.kind }}",
                    "body": "{{ alert.message }}",
                }
            ],
        },
    )
    _run(engine, None)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        for i, reaction in enumerate(["negative", "positive", "negative"]):
            session.add(
                FeedbackRow(
                    feedback_id=f"f{i}",
                    customer_id="c1",
                    ts=now,
                    touchpoint="phone",
                    kind="text",
                    text=f"отзыв {i}",
                    reaction=reaction,
                    created_at=now,
                )
            )
        session.add(
            AlertRow(
                created_at=now,
                updated_at=now,
                key="a1",
                kind="kpi_drop",
                touchpoint="phone",
                metric="csat",
                value=3.1,
                message="CSAT fell",
                status="open",
                details={},
            )
        )
    result = _run(engine, None)
    assert (result.tasks, result.messages) == (2, 1)
    assert [(t.title, t.manager) for t in _tasks(engine)] == [
        ("Reply: отзыв 0", "Олег Петров"),
        ("Reply: отзыв 2", "Олег Петров"),
    ]
    [mail] = _outbox(engine)
    assert (mail.recipient, mail.subject, mail.body) == (
        "cx@volt.example",
        "Alert: kpi_drop",
        "CSAT fell",
    )
    assert _run(engine, None).tasks == 0


def test_overdue_tasks_escalate_once(ws_engine: Any) -> None:
    _ws, engine = ws_engine
    _add_rule(engine, {**LEAD, "actions": LEAD["actions"][:1]})
    _add_rule(
        engine,
        {
            "name": "escalate_overdue",
            "trigger": {"kind": "task_overdue", "rules": ["lead_callback"], "grace_minutes": 5},
            "actions": [
                {
                    "kind": "task",
                    "title": "Overdue: {{ task.title }} ({{ task.manager }})",
                    "manager": "Head of sales",
                    "due_minutes": 10,
                }
            ],
        },
    )
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        lead_id = session.scalar(sa.select(RuleRow.id).where(RuleRow.name == "lead_callback"))
        for key, due, reply in (
            ("late", 20, None),  # due 20 min from now: overdue at +25
            ("answered", 20, now),  # replied: never escalates
            ("other", 20, None),  # made by no rule: not ours to escalate
        ):
            session.add(
                TaskRow(
                    key=key,
                    rule_id=lead_id if key != "other" else None,
                    touchpoint="callback_form",
                    manager="Анна Смирнова",
                    customer_id="c1",
                    title=f"Call {key}",
                    body="",
                    status="open",
                    created_at=now,
                    due_at=now + timedelta(minutes=due),
                    first_reply_at=reply,
                )
            )
    assert _run(engine, None, now=now + timedelta(minutes=24)).tasks == 0  # within the grace
    assert _run(engine, None, now=now + timedelta(minutes=26)).tasks == 1
    assert _run(engine, None, now=now + timedelta(minutes=40)).tasks == 0  # once
    escalation = _tasks(engine)[-1]
    assert (escalation.title, escalation.manager, escalation.touchpoint) == (
        "Overdue: Call late (Анна Смирнова)",
        "Head of sales",
        "callback_form",
    )


def test_overlong_source_values_never_block_a_batch(ws_engine: Any) -> None:
    ws, engine = ws_engine
    _add_rule(
        engine,
        {
            "name": "any_event",
            "trigger": {"kind": "event"},
            "actions": [{"kind": "task", "title": "x"}],
        },
    )
    _run(engine, ws)
    long_tp, long_id = "t" * 120, "e" * 300
    add_events(
        ws,
        [
            {
                "event_id": long_id,
                "customer_id": "c1",
                "ts": T0,
                "event_name": "x",
                "touchpoint": long_tp,
                "seq": 1,
            },
            {
                "event_id": long_id + "2",
                "customer_id": "c1",
                "ts": T0,
                "event_name": "x",
                "touchpoint": long_tp,
                "seq": 2,
            },
        ],
    )
    assert _run(engine, ws).tasks == 2  # distinct keys although both ids are cut
    assert [t.touchpoint for t in _tasks(engine)] == [long_tp[:64]] * 2


def test_firings_print_times_in_the_workspace_time_zone(ws_engine: Any) -> None:
    ws, engine = ws_engine
    _add_rule(
        engine,
        {
            "name": "when",
            "trigger": {"kind": "event"},
            "actions": [{"kind": "task", "title": "{{ event.ts|datetime('ru') }}"}],
        },
    )
    _run(engine, ws)
    add_events(ws, [_ev(1, "c1", "x", "phone")])  # 09:00 UTC
    with Session(engine) as session:
        run_triggers(session=session, source=event_source(ws), timezone="Europe/Moscow")
    assert "12:00:00" in _tasks(engine)[0].title
