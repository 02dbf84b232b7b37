"""Automation: rules, tasks, the outbox of messages and generated documents.

Tables on the same :class:`touchpath.store.tables.Base`; the logic that reads and writes
them lives in :mod:`touchpath.automation` (plain functions with a keyword-only session).

Why the shape:

* A rule is stored whole as JSON (``definition``), validated by
  :class:`touchpath.automation.rules.Rule` on the way in and out; the columns beside it are
  what lists filter on. ``watermark`` is how far the rule has read its source (the events'
  ``seq``, the feedback or alerts ``id``), advanced in the same transaction as the tasks and
  messages it produced — the transactional outbox.
* Every task, message and document has a unique ``key`` derived from the rule, the thing
  that fired it and the action, so firing twice can never produce two.
* The outbox is a queue in a table: ``status`` pending → sending (claimed, with a lease) →
  sent, or back to pending with a later ``next_attempt_at``, or dead with ``last_error``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from touchpath.store.tables import NAME, SLUG, WORD, Base

KEY = 200
"""Longest idempotency key."""


class AutomationSettingsRow(Base):
    """The workspace's channel settings (SMTP, SMS gateway, rate limits) as one JSON document."""

    __tablename__ = "automation_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RuleRow(Base):
    """A rule; ``definition`` is the validated rule as JSON."""

    __tablename__ = "automation_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(SLUG), unique=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean)
    trigger: Mapped[str] = mapped_column(String(WORD))
    definition: Mapped[str] = mapped_column(Text)
    watermark: Mapped[int] = mapped_column(BigInteger)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TimerRow(Base):
    """A started "no reply within N minutes" clock for one customer and one rule."""

    __tablename__ = "automation_timers"
    __table_args__ = (
        Index(None, "rule_id", "subject", unique=True),
        CheckConstraint("state IN ('pending', 'fired', 'answered')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("automation_rules.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(KEY))
    customer_id: Mapped[str] = mapped_column(String(KEY))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str] = mapped_column(String(WORD))
    context: Mapped[str] = mapped_column(Text)


class TaskRow(Base):
    """A task for a manager; ``first_reply_at`` feeds the response-time KPIs."""

    __tablename__ = "automation_tasks"
    __table_args__ = (CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY), unique=True, index=True)
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("automation_rules.id", ondelete="SET NULL"), index=True
    )
    touchpoint: Mapped[str | None] = mapped_column(String(SLUG), index=True)
    manager: Mapped[str | None] = mapped_column(String(NAME), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(KEY))
    title: Mapped[str] = mapped_column(String(NAME))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(WORD))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_reply_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxRow(Base):
    """A message to deliver (email, sms, webhook, document), with its delivery state."""

    __tablename__ = "automation_outbox"
    __table_args__ = (
        Index(None, "status", "next_attempt_at"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'dead')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(KEY), unique=True, index=True)
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("automation_rules.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(WORD))
    recipient: Mapped[str] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(WORD))
    attempts: Mapped[int] = mapped_column(Integer)
    max_attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DocumentRow(Base):
    """A generated document: the HTML and, when asked, its PDF."""

    __tablename__ = "automation_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY), unique=True, index=True)
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("automation_rules.id", ondelete="SET NULL"), index=True
    )
    customer_id: Mapped[str | None] = mapped_column(String(KEY))
    name: Mapped[str] = mapped_column(String(NAME))
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
