"""Automation: rules, their timers, tasks, the outbox of messages and generated documents.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Written out in full, like 0001, rather than imported from ``store/automation.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "automation_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("watermark", sa.BigInteger(), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_rules")),
    )
    op.create_index(op.f("ix_automation_rules_name"), "automation_rules", ["name"], unique=True)
    op.create_table(
        "automation_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_automation_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_settings")),
    )
    op.create_table(
        "automation_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["automation_rules.id"],
            name=op.f("fk_automation_documents_rule_id_automation_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_documents")),
    )
    op.create_index(
        op.f("ix_automation_documents_key"), "automation_documents", ["key"], unique=True
    )
    op.create_index(
        op.f("ix_automation_documents_rule_id"), "automation_documents", ["rule_id"], unique=False
    )
    op.create_table(
        "automation_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'dead')",
            name=op.f("ck_automation_outbox_status"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["automation_rules.id"],
            name=op.f("fk_automation_outbox_rule_id_automation_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_outbox")),
    )
    op.create_index(
        op.f("ix_automation_outbox_idempotency_key"),
        "automation_outbox",
        ["idempotency_key"],
        unique=True,
    )
    op.create_index(
        op.f("ix_automation_outbox_rule_id"), "automation_outbox", ["rule_id"], unique=False
    )
    op.create_index(
        op.f("ix_automation_outbox_status_next_attempt_at"),
        "automation_outbox",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "automation_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("touchpoint", sa.String(length=64), nullable=True),
        sa.Column("manager", sa.String(length=200), nullable=True),
        sa.Column("customer_id", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_reply_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'cancelled')", name=op.f("ck_automation_tasks_status")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["automation_rules.id"],
            name=op.f("fk_automation_tasks_rule_id_automation_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_tasks")),
    )
    op.create_index(op.f("ix_automation_tasks_key"), "automation_tasks", ["key"], unique=True)
    op.create_index(
        op.f("ix_automation_tasks_manager"), "automation_tasks", ["manager"], unique=False
    )
    op.create_index(
        op.f("ix_automation_tasks_rule_id"), "automation_tasks", ["rule_id"], unique=False
    )
    op.create_index(
        op.f("ix_automation_tasks_touchpoint"), "automation_tasks", ["touchpoint"], unique=False
    )
    op.create_table(
        "automation_timers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'fired', 'answered')", name=op.f("ck_automation_timers_state")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["automation_rules.id"],
            name=op.f("fk_automation_timers_rule_id_automation_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_timers")),
    )
    op.create_index(
        op.f("ix_automation_timers_due_at"), "automation_timers", ["due_at"], unique=False
    )
    op.create_index(
        op.f("ix_automation_timers_rule_id_subject"),
        "automation_timers",
        ["rule_id", "subject"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_automation_timers_rule_id_subject"), table_name="automation_timers")
    op.drop_index(op.f("ix_automation_timers_due_at"), table_name="automation_timers")
    op.drop_table("automation_timers")
    op.drop_index(op.f("ix_automation_tasks_touchpoint"), table_name="automation_tasks")
    op.drop_index(op.f("ix_automation_tasks_rule_id"), table_name="automation_tasks")
    op.drop_index(op.f("ix_automation_tasks_manager"), table_name="automation_tasks")
    op.drop_index(op.f("ix_automation_tasks_key"), table_name="automation_tasks")
    op.drop_table("automation_tasks")
    op.drop_index(
        op.f("ix_automation_outbox_status_next_attempt_at"), table_name="automation_outbox"
    )
    op.drop_index(op.f("ix_automation_outbox_rule_id"), table_name="automation_outbox")
    op.drop_index(op.f("ix_automation_outbox_idempotency_key"), table_name="automation_outbox")
    op.drop_table("automation_outbox")
    op.drop_index(op.f("ix_automation_documents_rule_id"), table_name="automation_documents")
    op.drop_index(op.f("ix_automation_documents_key"), table_name="automation_documents")
    op.drop_table("automation_documents")
    op.drop_table("automation_settings")
    op.drop_index(op.f("ix_automation_rules_name"), table_name="automation_rules")
    op.drop_table("automation_rules")
