"""Customer feedback (survey answers and reviews), its imports and quarantine, and KPI alerts.

Tables on the same :class:`touchpath.store.tables.Base`; plain functions with a keyword-only
``session`` like :mod:`touchpath.store.crud`. The import pipeline lives in
:mod:`touchpath.voc.importer`, the KPIs in :mod:`touchpath.voc.kpi`.

Why the shape:

* ``feedback_id`` (the survey tool's answer id) is unique: importing a file twice adds
  nothing, so imports are idempotent.
* Touchpoints, stages and channels are catalogue ids *without* foreign keys: a review is a
  record of what a customer said on a date, and it stays when the catalogue changes.
* ``reaction`` is stored with where it came from (``rating``, ``text`` or ``model``), so a
  reader can tell a 2-star rating from a classifier's guess.
* Every import is a row in ``feedback_imports`` (the ledger); rejected rows go to
  ``feedback_quarantine`` with file, line, field and reason and their raw text: nothing is
  lost.
* Alerts (``alerts``) are records other parts act on (the automation worker reads them by
  ``id``); ``key`` identifies "the same alert" so re-running the check keeps one open alert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from touchpath.store.tables import NAME, SLUG, WORD, Base

ID = 200
"""Longest feedback, invitation or customer id."""
KINDS: tuple[str, ...] = ("nps", "csat", "ces", "stars", "text")
REACTIONS: tuple[str, ...] = ("positive", "negative", "neutral")
REACTION_SOURCES: tuple[str, ...] = ("rating", "text", "model")
ALERT_STATUSES: tuple[str, ...] = ("open", "acknowledged", "closed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class FeedbackImportRow(Base):
    """One import of a feedback file: the ledger entry with its counts."""

    __tablename__ = "feedback_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(WORD))
    status: Mapped[str] = mapped_column(String(WORD))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_inserted: Mapped[int] = mapped_column(Integer)
    rows_duplicate: Mapped[int] = mapped_column(Integer)
    rows_quarantined: Mapped[int] = mapped_column(Integer)
    mapping: Mapped[str | None] = mapped_column(Text)
    imported_by: Mapped[str | None] = mapped_column(String(NAME))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FeedbackQuarantineRow(Base):
    """A row of an import that could not be stored, with why and its raw text."""

    __tablename__ = "feedback_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_imports.id", ondelete="CASCADE"), index=True
    )
    file: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(NAME))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeedbackRow(Base):
    """A survey answer or a review about a touchpoint, a stage or a channel."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(f"reaction IS NULL OR {_in('reaction', REACTIONS)}", name="reaction"),
        CheckConstraint(
            f"reaction_source IS NULL OR {_in('reaction_source', REACTION_SOURCES)}",
            name="reaction_source",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feedback_id: Mapped[str] = mapped_column(String(ID), unique=True, index=True)
    customer_id: Mapped[str | None] = mapped_column(String(ID), index=True)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    touchpoint: Mapped[str | None] = mapped_column(String(SLUG), index=True)
    stage: Mapped[str | None] = mapped_column(String(SLUG))
    channel: Mapped[str | None] = mapped_column(String(WORD))
    kind: Mapped[str] = mapped_column(String(WORD))
    score: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    reaction: Mapped[str | None] = mapped_column(String(WORD))
    reaction_source: Mapped[str | None] = mapped_column(String(WORD))
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_imports.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InvitationRow(Base):
    """A survey invitation sent to a customer: the denominator of the response rate."""

    __tablename__ = "feedback_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invitation_id: Mapped[str] = mapped_column(String(ID), unique=True, index=True)
    customer_id: Mapped[str | None] = mapped_column(String(ID))
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    touchpoint: Mapped[str | None] = mapped_column(String(SLUG), index=True)
    stage: Mapped[str | None] = mapped_column(String(SLUG))
    channel: Mapped[str | None] = mapped_column(String(WORD))
    kind: Mapped[str | None] = mapped_column(String(WORD))
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_imports.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertRow(Base):
    """A negative touchpoint or a significant KPI drop that someone should act on."""

    __tablename__ = "alerts"
    __table_args__ = (CheckConstraint(_in("status", ALERT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key: Mapped[str] = mapped_column(String(ID), index=True)
    kind: Mapped[str] = mapped_column(String(WORD))
    touchpoint: Mapped[str | None] = mapped_column(String(SLUG), index=True)
    metric: Mapped[str] = mapped_column(String(WORD))
    value: Mapped[float] = mapped_column(Float)
    previous: Mapped[float | None] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(WORD))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


# -- reading ------------------------------------------------------------------------------

FEEDBACK_COLUMNS: tuple[str, ...] = (
    "feedback_id",
    "customer_id",
    "ts",
    "touchpoint",
    "stage",
    "channel",
    "kind",
    "score",
    "text",
    "language",
    "reaction",
    "reaction_source",
)


def load_feedback(
    *, session: Session, since: datetime | None = None, text: bool = False
) -> pd.DataFrame:
    """The stored feedback as a DataFrame (times in UTC); ``text`` also loads the texts."""
    wanted = [c for c in FEEDBACK_COLUMNS if text or c != "text"]
    query = select(*(getattr(FeedbackRow, c) for c in wanted)).order_by(FeedbackRow.id)
    if since is not None:
        query = query.where(FeedbackRow.ts >= since)
    rows = session.execute(query).all()
    frame = pd.DataFrame(rows, columns=wanted)
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype(float)
    return frame


def load_invitations(*, session: Session) -> pd.DataFrame:
    """Sent survey invitations (the response rate's denominator) as a DataFrame."""
    cols = ("invitation_id", "ts", "touchpoint", "stage", "channel", "kind")
    rows = session.execute(select(*(getattr(InvitationRow, c) for c in cols))).all()
    frame = pd.DataFrame(rows, columns=list(cols))
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame


def list_imports(*, session: Session, limit: int = 50) -> list[FeedbackImportRow]:
    """The newest feedback imports first."""
    query = select(FeedbackImportRow).order_by(FeedbackImportRow.id.desc()).limit(limit)
    return list(session.scalars(query))


def list_quarantine(
    *, session: Session, import_id: int | None = None, limit: int = 100
) -> list[FeedbackQuarantineRow]:
    """Quarantined rows, of one import or of all, in file order."""
    query = select(FeedbackQuarantineRow)
    if import_id is not None:
        query = query.where(FeedbackQuarantineRow.import_id == import_id)
    query = query.order_by(FeedbackQuarantineRow.import_id, FeedbackQuarantineRow.line)
    return list(session.scalars(query.limit(limit)))


def feedback_count(*, session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(FeedbackRow)) or 0)
