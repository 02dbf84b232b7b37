"""The catalogue of one business: settings, stages, touchpoints, chains, competitors.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written out in full rather than imported from ``tables.py``: a migration must keep
describing the schema of its day after the ORM moves on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SLUG = sa.String(length=64)
NAME = sa.String(length=200)
WORD = sa.String(length=32)


def _fk(owner: str, column: str, target: str, *, ondelete: str) -> sa.ForeignKeyConstraint:
    """A foreign key to a catalogue id, named as ``tables.NAMING_CONVENTION`` names it."""
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=op.f(f"fk_{owner}_{column}_{referred}"),
        onupdate="CASCADE",
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "catalogue_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("business", NAME, nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_catalogue_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_settings")),
    )
    op.create_table(
        "stages",
        sa.Column("id", SLUG, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("name_ru", NAME, nullable=True),
        sa.Column("period", WORD, nullable=False),
        sa.Column("journey_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stages")),
    )
    op.create_table(
        "touchpoints",
        sa.Column("id", SLUG, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("channel", WORD, nullable=False),
        sa.Column("mode", WORD, nullable=False),
        sa.Column("role", WORD, nullable=False),
        sa.Column("wow", sa.Boolean(), nullable=False),
        sa.Column("attention", WORD, nullable=True),
        sa.Column("lifetime", WORD, nullable=True),
        sa.Column("owner", NAME, nullable=True),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("status", WORD, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_touchpoints")),
    )
    op.create_table(
        "touchpoint_stages",
        sa.Column("touchpoint_id", SLUG, nullable=False),
        sa.Column("stage_id", SLUG, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("touchpoint_stages", "touchpoint_id", "touchpoints.id", ondelete="CASCADE"),
        _fk("touchpoint_stages", "stage_id", "stages.id", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("touchpoint_id", "stage_id", name=op.f("pk_touchpoint_stages")),
    )
    op.create_index(
        op.f("ix_touchpoint_stages_stage_id"), "touchpoint_stages", ["stage_id"], unique=False
    )
    op.create_table(
        "touchpoint_tags",
        sa.Column("touchpoint_id", SLUG, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tag", sa.Text(), nullable=False),
        _fk("touchpoint_tags", "touchpoint_id", "touchpoints.id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("touchpoint_id", "position", name=op.f("pk_touchpoint_tags")),
    )
    op.create_table(
        "chains",
        sa.Column("id", SLUG, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("next_chain_id", SLUG, nullable=True),
        _fk("chains", "next_chain_id", "chains.id", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chains")),
    )
    op.create_index(op.f("ix_chains_next_chain_id"), "chains", ["next_chain_id"], unique=False)
    op.create_table(
        "chain_steps",
        sa.Column("chain_id", SLUG, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("touchpoint_id", SLUG, nullable=False),
        _fk("chain_steps", "chain_id", "chains.id", ondelete="CASCADE"),
        _fk("chain_steps", "touchpoint_id", "touchpoints.id", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("chain_id", "position", name=op.f("pk_chain_steps")),
    )
    op.create_index(
        op.f("ix_chain_steps_touchpoint_id"), "chain_steps", ["touchpoint_id"], unique=False
    )
    op.create_table(
        "competitors",
        sa.Column("id", SLUG, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitors")),
    )
    op.create_table(
        "competitor_touchpoints",
        sa.Column("competitor_id", SLUG, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("touchpoint_id", SLUG, nullable=False),
        _fk("competitor_touchpoints", "competitor_id", "competitors.id", ondelete="CASCADE"),
        _fk("competitor_touchpoints", "touchpoint_id", "touchpoints.id", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint(
            "competitor_id", "position", name=op.f("pk_competitor_touchpoints")
        ),
    )
    op.create_index(
        op.f("ix_competitor_touchpoints_touchpoint_id"),
        "competitor_touchpoints",
        ["touchpoint_id"],
        unique=False,
    )
    op.create_table(
        "audience_channels",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("channel", WORD, nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_audience_channels")),
    )


def downgrade() -> None:
    # Children before parents, so foreign keys never dangle on the way down.
    for table in (
        "audience_channels",
        "competitor_touchpoints",
        "competitors",
        "chain_steps",
        "chains",
        "touchpoint_tags",
        "touchpoint_stages",
        "touchpoints",
        "stages",
        "catalogue_settings",
    ):
        op.drop_table(table)
