"""Demo automation: each business's rules (from ``data/automation_<business>.yaml``) and a
month of task and message history, so the automation page and the response-time KPIs have
something true-to-life to show out of the box.

The history is synthetic and reproducible (``seed``): tasks on the touchpoints the rules
watch, assigned to the touchpoint's owner from the demo catalogue, with times to first
reply drawn from a log-normal distribution — most replies within minutes, a long tail of
SLA breaches, as service desks see. The rules themselves start reading events *from now*.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from touchpath.automation import outbox
from touchpath.automation.rulebook import save_rule
from touchpath.automation.rules import Rule
from touchpath.automation.yaml_io import load_rules_yaml
from touchpath.store import crud
from touchpath.store.automation import TaskRow
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import Workspace

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Desk:
    """Where demo tasks come from: a touchpoint, how many a day, the SLA and reply speed."""

    touchpoint: str
    per_day: float
    sla_minutes: int
    median_minutes: float
    spread: float
    title_ru: str


DESKS: dict[str, tuple[Desk, ...]] = {
    "shop": (
        Desk("support_chat", 4.0, 15, 7.0, 0.8, "Перезвонить клиенту: вопрос в чате"),
        Desk("delivery", 0.8, 120, 45.0, 0.9, "Негативный отзыв о доставке: связаться с клиентом"),
        Desk("store_pickup", 0.5, 120, 70.0, 0.7, "Негативный отзыв о самовывозе: связаться"),
    ),
    "clinic": (
        Desk("online_chat", 3.0, 15, 9.0, 0.7, "Перезвонить и записать на приём"),
        Desk("phone_booking", 1.0, 30, 12.0, 0.6, "Перезвонить: пропущенный звонок"),
        Desk("doctor", 0.4, 120, 90.0, 0.6, "Негативный отзыв о приёме: связаться с пациентом"),
    ),
}

CUSTOMER_NAMES = (
    "Анна Смирнова", "Иван Петров", "Ольга Кузнецова", "Дмитрий Соколов", "Елена Попова",
    "Сергей Волков", "Наталья Морозова", "Алексей Лебедев", "Мария Козлова", "Павел Новиков",
)  # fmt: skip


def demo_rules(business: str) -> list[Rule]:
    """The demo rules of ``business`` (``shop`` or ``clinic``)."""
    path = DATA / f"automation_{business}.yaml"
    return load_rules_yaml(path) if path.exists() else []


def store_demo_automation(
    ws: Workspace, business: str, *, seed: int, days: int = 30, now: datetime | None = None
) -> int:
    """Store the demo rules and a month of tasks and messages; returns the tasks made."""
    now = now or datetime.now(UTC)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    engine = create_engine(ws.metadata_url)
    try:
        with session_factory(engine)() as session, session.begin():
            for rule in demo_rules(business):
                save_rule(session=session, rule=rule)
            owners = {tp.id: tp.owner for tp in crud.load_catalogue(session=session).touchpoints}
            made = _tasks(session, business, owners, rng, now, days)
            _messages(session, business, rng, now, days)
    finally:
        engine.dispose()
    return made


def _tasks(
    session: Session,
    business: str,
    owners: dict[str, str | None],
    rng: random.Random,
    now: datetime,
    days: int,
) -> int:
    made = 0
    for desk in DESKS.get(business, ()):
        count = max(1, round(desk.per_day * days))
        for i in range(count):
            created = now - timedelta(minutes=rng.uniform(5, days * 24 * 60))
            minutes = math.exp(rng.gauss(math.log(desk.median_minutes), desk.spread))
            reply = created + timedelta(minutes=minutes)
            # some recent tasks are still waiting for their manager
            waiting = now - created < timedelta(hours=8) and rng.random() < 0.6
            answered = reply <= now and not waiting
            name = rng.choice(CUSTOMER_NAMES)
            session.add(
                TaskRow(
                    key=f"demo:{desk.touchpoint}:{i}",
                    touchpoint=desk.touchpoint,
                    manager=owners.get(desk.touchpoint),
                    customer_id=f"demo-{rng.randrange(10_000):04d}",
                    title=f"{desk.title_ru} ({name})",
                    body="",
                    status="done" if answered else "open",
                    created_at=created,
                    due_at=created + timedelta(minutes=desk.sla_minutes),
                    first_reply_at=reply if answered else None,
                    done_at=reply + timedelta(minutes=rng.uniform(1, 30)) if answered else None,
                )
            )
            made += 1
        for j in range(3):  # the desk right now: fresh tasks not yet answered
            created = now - timedelta(minutes=rng.uniform(1, desk.sla_minutes * 1.6))
            session.add(
                TaskRow(
                    key=f"demo:{desk.touchpoint}:now:{j}",
                    touchpoint=desk.touchpoint,
                    manager=owners.get(desk.touchpoint),
                    customer_id=f"demo-{rng.randrange(10_000):04d}",
                    title=f"{desk.title_ru} ({rng.choice(CUSTOMER_NAMES)})",
                    body="",
                    status="open",
                    created_at=created,
                    due_at=created + timedelta(minutes=desk.sla_minutes),
                )
            )
            made += 1
    return made


def _messages(
    session: Session, business: str, rng: random.Random, now: datetime, days: int
) -> None:
    """Sent SMS and emails, and a couple of dead letters with their reasons."""
    plan = [("sms", 3.0), ("email", 1.5)]
    for channel, per_day in plan:
        for i in range(round(per_day * days)):
            at = now - timedelta(minutes=rng.uniform(10, days * 24 * 60))
            phone = f"+7916{rng.randrange(10**7):07d}"
            recipient = phone if channel == "sms" else f"client{i}@example.ru"
            key = f"demo:{business}:{channel}:{i}"
            outbox.enqueue(
                session=session,
                key=key,
                channel=channel,
                recipient=recipient,
                body="…",
                subject=None,
                now=at,
            )
            _mark(session, key, "sent", at)
    dead = [
        ("sms", "+7916000", "SMS gateway: HTTP 400 invalid phone number"),
        ("email", "ivanov@example", "SMTP refused ivanov@example: [550]"),
    ]
    for i, (channel, recipient, reason) in enumerate(dead):
        key = f"demo:{business}:dead:{i}"
        outbox.enqueue(
            session=session,
            key=key,
            channel=channel,
            recipient=recipient,
            body="…",
            now=now - timedelta(hours=3 + i),
        )
        _mark(session, key, "dead", now, reason)


def _mark(session: Session, key: str, status: str, at: datetime, reason: str | None = None) -> None:
    from sqlalchemy import update

    from touchpath.store.automation import OutboxRow

    session.execute(
        update(OutboxRow)
        .where(OutboxRow.idempotency_key == key)
        .values(
            status=status,
            attempts=1 if status == "sent" else 8,
            sent_at=at + timedelta(seconds=2) if status == "sent" else None,
            last_error=reason,
        )
    )
