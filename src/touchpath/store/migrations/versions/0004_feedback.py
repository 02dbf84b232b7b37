"""Customer feedback (survey answers and reviews), its imports and quarantine, and KPI alerts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Written out in full, like 0001, rather than imported from ``store/feedback.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_duplicate", sa.Integer(), nullable=False),
        sa.Column("rows_quarantined", sa.Integer(), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=True),
        sa.Column("imported_by", sa.String(length=200), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_imports")),
    )
    op.create_index(
        op.f("ix_feedback_imports_sha256"), "feedback_imports", ["sha256"], unique=False
    )
    op.create_table(
        "feedback_quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["feedback_imports.id"],
            name=op.f("fk_feedback_quarantine_import_id_feedback_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_quarantine")),
    )
    op.create_index(
        op.f("ix_feedback_quarantine_import_id"),
        "feedback_quarantine",
        ["import_id"],
        unique=False,
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feedback_id", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=True),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("touchpoint", sa.String(length=64), nullable=True),
        sa.Column("stage", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("reaction", sa.String(length=32), nullable=True),
        sa.Column("reaction_source", sa.String(length=32), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('nps', 'csat', 'ces', 'stars', 'text')", name=op.f("ck_feedback_kind")
        ),
        sa.CheckConstraint(
            "reaction IS NULL OR reaction IN ('positive', 'negative', 'neutral')",
            name=op.f("ck_feedback_reaction"),
        ),
        sa.CheckConstraint(
            "reaction_source IS NULL OR reaction_source IN ('rating', 'text', 'model')",
            name=op.f("ck_feedback_reaction_source"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["feedback_imports.id"],
            name=op.f("fk_feedback_import_id_feedback_imports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_feedback_id"), "feedback", ["feedback_id"], unique=True)
    op.create_index(op.f("ix_feedback_customer_id"), "feedback", ["customer_id"], unique=False)
    op.create_index(op.f("ix_feedback_ts"), "feedback", ["ts"], unique=False)
    op.create_index(op.f("ix_feedback_touchpoint"), "feedback", ["touchpoint"], unique=False)
    op.create_index(op.f("ix_feedback_import_id"), "feedback", ["import_id"], unique=False)
    op.create_table(
        "feedback_invitations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invitation_id", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=True),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("touchpoint", sa.String(length=64), nullable=True),
        sa.Column("stage", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["feedback_imports.id"],
            name=op.f("fk_feedback_invitations_import_id_feedback_imports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_invitations")),
    )
    op.create_index(
        op.f("ix_feedback_invitations_invitation_id"),
        "feedback_invitations",
        ["invitation_id"],
        unique=True,
    )
    op.create_index(
        op.f("ix_feedback_invitations_ts"), "feedback_invitations", ["ts"], unique=False
    )
    op.create_index(
        op.f("ix_feedback_invitations_touchpoint"),
        "feedback_invitations",
        ["touchpoint"],
        unique=False,
    )
    op.create_index(
        op.f("ix_feedback_invitations_import_id"),
        "feedback_invitations",
        ["import_id"],
        unique=False,
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("touchpoint", sa.String(length=64), nullable=True),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("previous", sa.Float(), nullable=True),
        sa.Column("p_value", sa.Float(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'acknowledged', 'closed')", name=op.f("ck_alerts_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index(op.f("ix_alerts_created_at"), "alerts", ["created_at"], unique=False)
    op.create_index(op.f("ix_alerts_key"), "alerts", ["key"], unique=False)
    op.create_index(op.f("ix_alerts_touchpoint"), "alerts", ["touchpoint"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_alerts_touchpoint"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_key"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_created_at"), table_name="alerts")
    op.drop_table("alerts")
    for column in ("import_id", "touchpoint", "ts", "invitation_id"):
        op.drop_index(op.f(f"ix_feedback_invitations_{column}"), table_name="feedback_invitations")
    op.drop_table("feedback_invitations")
    for column in ("import_id", "touchpoint", "ts", "customer_id", "feedback_id"):
        op.drop_index(op.f(f"ix_feedback_{column}"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index(op.f("ix_feedback_quarantine_import_id"), table_name="feedback_quarantine")
    op.drop_table("feedback_quarantine")
    op.drop_index(op.f("ix_feedback_imports_sha256"), table_name="feedback_imports")
    op.drop_table("feedback_imports")
