"""Firing a rule: check its conditions, then turn each action into a task or a message.

Everything a firing writes goes into the caller's session — the same transaction that
moves the rule's watermark — and carries a key ``<rule>:<subject>:<action>``: firing the
same rule for the same thing again writes nothing new. A template that cannot render
(``customer.email`` missing, a refused construct) does not stop the rule: the message is
written straight to the dead letters with the reason, so nothing vanishes silently.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from touchpath.automation import outbox
from touchpath.automation.conditions import holds
from touchpath.automation.documents import wrap_html
from touchpath.automation.rulebook import StoredRule
from touchpath.automation.rules import (
    DocumentAction,
    EmailAction,
    SmsAction,
    TaskAction,
    WebhookAction,
    pick_text,
)
from touchpath.automation.templates import TemplateRefusedError, render
from touchpath.store.automation import KEY, OutboxRow, TaskRow
from touchpath.store.tables import NAME, SLUG


@dataclass(frozen=True)
class Firing:
    """One reason to run a rule: ``subject`` is unique per rule (an event id, a due time ...)."""

    subject: str
    data: dict[str, Any]

    @property
    def touchpoint(self) -> str | None:
        for part in ("event", "feedback", "alert", "task"):
            tp = self.data.get(part, {}).get("touchpoint")
            if tp:
                return str(tp)
        tp = self.data.get("touchpoint", {}).get("id")
        return str(tp) if tp else None

    @property
    def customer_id(self) -> str | None:
        cid = self.data.get("customer", {}).get("id")
        return str(cid) if cid else None

    @property
    def language(self) -> str | None:
        lang = self.data.get("customer", {}).get("language")
        return str(lang)[:2] if lang else None


@dataclass
class FireResult:
    matched: int = 0
    skipped: int = 0
    tasks: int = 0
    messages: int = 0
    failed: int = 0
    keys: list[str] = field(default_factory=list)

    def add(self, other: FireResult) -> None:
        self.matched += other.matched
        self.skipped += other.skipped
        self.tasks += other.tasks
        self.messages += other.messages
        self.failed += other.failed
        self.keys += other.keys


def action_key(stored: StoredRule, subject: str, index: int) -> str:
    key = f"{stored.rule.name}:{stored.id}:{subject}:{index}"
    if len(key) <= KEY:
        return key
    return key[: KEY - 17] + ":" + hashlib.sha256(key.encode()).hexdigest()[:16]


def fire(
    *,
    session: Session,
    stored: StoredRule,
    firing: Firing,
    owners: Mapping[str, str | None],
    max_attempts: int = 8,
    now: datetime | None = None,
    timezone: str = "UTC",
) -> FireResult:
    """Run ``stored`` for ``firing`` (the caller commits); times print in ``timezone``."""
    now = now or datetime.now(UTC)
    result = FireResult()
    rule = stored.rule
    data = {**firing.data, "rule": {"name": rule.name, "title": rule.title}}
    if not holds(rule.conditions, data):
        result.skipped += 1
        return result
    result.matched += 1
    lang = firing.language or rule.language
    data.setdefault("language", lang)
    data.setdefault("timezone", timezone)

    def text(value: Any, *, html: bool = False) -> str:
        return render(pick_text(value, lang, rule.language), data, html=html)

    for index, action in enumerate(rule.actions):
        key = action_key(stored, firing.subject, index)
        result.keys.append(key)
        try:
            if isinstance(action, TaskAction):
                manager = action.manager or owners.get(firing.touchpoint or "")
                due = now + timedelta(minutes=action.due_minutes) if action.due_minutes else None
                if _insert_task(
                    session,
                    key=key,
                    rule_id=stored.id,
                    touchpoint=_cut(firing.touchpoint, SLUG),
                    manager=_cut(manager, NAME),
                    customer_id=_cut(firing.customer_id, KEY),
                    title=text(action.title)[:200],
                    body=text(action.body),
                    created_at=now,
                    due_at=due,
                ):
                    result.tasks += 1
                continue
            channel, recipient, subject, body, payload = _message(action, text, firing, lang)
        except TemplateRefusedError as exc:
            _dead_letter(session, key, stored, action.kind, str(exc), now)
            result.failed += 1
            continue
        if not recipient.strip():
            _dead_letter(session, key, stored, channel, "no recipient (empty address)", now)
            result.failed += 1
            continue
        added = outbox.enqueue(
            session=session,
            key=key,
            channel=channel,
            recipient=recipient.strip(),
            subject=subject,
            body=body,
            payload=payload,
            rule_id=stored.id,
            max_attempts=max_attempts,
            now=now,
        )
        result.messages += int(added)
    return result


def _message(
    action: Any, text: Any, firing: Firing, lang: str
) -> tuple[str, str, str | None, str, dict[str, Any]]:
    if isinstance(action, EmailAction):
        body = text(action.body, html=action.html)
        payload: dict[str, Any] = {"html": action.html}
        if action.html:
            payload["text"] = text(action.body, html=False)
        return "email", text(action.to), text(action.subject), body, payload
    if isinstance(action, SmsAction):
        return "sms", text(action.to), None, text(action.text), {"messenger": action.messenger}
    if isinstance(action, WebhookAction):
        if action.body is None:
            body = json.dumps(firing.data, ensure_ascii=False, default=str)
            return "webhook", str(action.url), None, body, {}
        return "webhook", str(action.url), None, text(action.body), {"content_type": "text/plain"}
    assert isinstance(action, DocumentAction)
    html = wrap_html(text(action.template, html=True), title=action.name, language=lang)
    payload = {"pdf": action.pdf, "customer_id": firing.customer_id}
    return "document", action.name, action.name, html, payload


def _cut(value: str | None, size: int) -> str | None:
    """Source data may be longer than a column: a firing must never fail on that."""
    return value[:size] if value is not None else None


def _insert(session: Session, table: Any, values: dict[str, Any], key_column: str) -> bool:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[key_column])
        .returning(table.id)
    )
    return session.execute(stmt).first() is not None


def _insert_task(session: Session, **values: Any) -> bool:
    return _insert(session, TaskRow, {**values, "status": "open"}, "key")


def _dead_letter(
    session: Session, key: str, stored: StoredRule, channel: str, reason: str, now: datetime
) -> None:
    """A message that could not even be written: kept dead, with why, for a person to see."""
    values = {
        "idempotency_key": key,
        "rule_id": stored.id,
        "channel": channel,
        "recipient": "",
        "subject": None,
        "body": "",
        "payload": json.dumps({"action": channel}),
        "status": "dead",
        "attempts": 0,
        "max_attempts": 0,
        "next_attempt_at": now,
        "last_error": f"rule {stored.rule.name}: {reason}"[:2000],
        "created_at": now,
    }
    _insert(session, OutboxRow, values, "idempotency_key")
