"""Audits of touchpoints (ours and competitors'), the workspace's checklists, plan items.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Written out in full, like 0001, rather than imported from ``store/audits.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_date", sa.Date(), nullable=False),
        sa.Column("auditor", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
    )
    # A unique index, not a constraint: PostgreSQL and SQLite then report the same indexes.
    op.create_index(
        op.f("ix_audits_audit_date_auditor_subject"),
        "audits",
        ["audit_date", "auditor", "subject"],
        unique=True,
    )
    op.create_index(op.f("ix_audits_subject"), "audits", ["subject"], unique=False)
    op.create_table(
        "audit_scores",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("touchpoint_id", sa.String(length=64), nullable=False),
        sa.Column("parameter", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_audit_scores_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "audit_id", "touchpoint_id", "parameter", name=op.f("pk_audit_scores")
        ),
    )
    op.create_index(
        op.f("ix_audit_scores_touchpoint_id"), "audit_scores", ["touchpoint_id"], unique=False
    )
    op.create_table(
        "audit_checklists",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_checklists_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checklists")),
    )
    op.create_table(
        "plan_items",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_plan_items_status"),
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_plan_items")),
    )


def downgrade() -> None:
    op.drop_table("plan_items")
    op.drop_table("audit_checklists")
    op.drop_index(op.f("ix_audit_scores_touchpoint_id"), table_name="audit_scores")
    op.drop_table("audit_scores")
    op.drop_index(op.f("ix_audits_subject"), table_name="audits")
    op.drop_index(op.f("ix_audits_audit_date_auditor_subject"), table_name="audits")
    op.drop_table("audits")
