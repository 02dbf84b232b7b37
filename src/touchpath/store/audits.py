"""Audits of touchpoints (ours and competitors'), the workspace's checklists and plan items.

Tables on the same :class:`touchpath.store.tables.Base`; plain functions with a keyword-only
``session`` like :mod:`touchpath.store.crud`.

Why the shape:

* Scores name touchpoints by catalogue id *without* a foreign key: an audit is a record of
  what someone saw on a date, and it stays in the history when the touchpoint is later
  renamed or removed from the catalogue (it is then shown as unknown, never deleted).
* One audit is ``(audit_date, auditor, subject)``; a second import of the same audit is
  refused unless the caller asks to replace it. Every write is one transaction: a file
  either goes in whole or nothing changes.
* The checklists a workspace edits are kept as one YAML document (the format users edit),
  not as rows: they are read whole and validated whole.
* Plan items are keyed by the plan's stable item key (``improve:support_chat``), so
  re-running the plan keeps the owner, due date and status people gave an item.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from touchpath.audit.model import Audit, Score
from touchpath.catalogue.checklists import (
    Checklists,
    default_checklists,
    dump_checklists,
    parse_checklists,
)
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.store.tables import NAME, SLUG, WORD, Base

PLAN_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "dropped")
SCORE_COLUMNS = [
    "audit_id",
    "date",
    "auditor",
    "subject",
    "touchpoint",
    "parameter",
    "value",
    "evidence",
    "link",
]


class AuditStoreError(TouchpathError):
    """A write the store refuses (an audit already stored, an unknown plan status ...)."""


# -- tables -------------------------------------------------------------------------------


class AuditRow(Base):
    """A dated audit of our touchpoints (subject ``ours``) or of a competitor's."""

    __tablename__ = "audits"
    # A unique index, not a constraint: PostgreSQL and SQLite then report the same indexes.
    __table_args__ = (
        Index(
            "ix_audits_audit_date_auditor_subject", "audit_date", "auditor", "subject", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_date: Mapped[date] = mapped_column(Date)
    auditor: Mapped[str] = mapped_column(String(NAME))
    subject: Mapped[str] = mapped_column(String(SLUG), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    score_rows: Mapped[list[AuditScoreRow]] = relationship(
        order_by="AuditScoreRow.position", cascade="all, delete-orphan", passive_deletes=True
    )


class AuditScoreRow(Base):
    """One parameter of one touchpoint in an audit; ``value`` NULL: not checked."""

    __tablename__ = "audit_scores"

    audit_id: Mapped[int] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True
    )
    touchpoint_id: Mapped[str] = mapped_column(String(SLUG), primary_key=True, index=True)
    parameter: Mapped[str] = mapped_column(String(SLUG), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)


class AuditChecklistRow(Base):
    """The workspace's own checklists as one YAML document (``id`` is always 1)."""

    __tablename__ = "audit_checklists"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanItemRow(Base):
    """What people decided about one item of the improvement plan."""

    __tablename__ = "plan_items"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'done', 'dropped')", name="status"),
    )

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(NAME))
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(WORD))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# -- audits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditInfo:
    """An audit without its scores, for lists."""

    id: int
    date: date
    auditor: str
    subject: str
    notes: str | None
    source: str | None
    scores: int
    missing: int


def save_audits(
    *, session: Session, audits: Sequence[Audit], source: str | None = None, replace: bool = False
) -> list[int]:
    """Store ``audits`` in one transaction and return their ids.

    An audit already stored (same date, auditor and subject) is an error naming it, unless
    ``replace``: then its scores are replaced by the new ones. On any error nothing changes.
    """
    ids: list[int] = []
    with _commit(session):
        for audit in audits:
            row = session.scalar(
                select(AuditRow).where(
                    AuditRow.audit_date == audit.date,
                    AuditRow.auditor == audit.auditor,
                    AuditRow.subject == audit.subject,
                )
            )
            if row is not None and not replace:
                raise AuditStoreError(
                    _(
                        "the audit of {subject} on {date} by {auditor} is already stored "
                        "(import with --replace to replace it)"
                    ).format(subject=audit.subject, date=audit.date, auditor=audit.auditor)
                )
            if row is None:
                row = AuditRow(
                    audit_date=audit.date,
                    auditor=audit.auditor,
                    subject=audit.subject,
                    created_at=datetime.now(UTC),
                )
                session.add(row)
            row.notes = audit.notes
            row.source = source
            row.score_rows.clear()
            session.flush()
            row.score_rows.extend(
                AuditScoreRow(
                    touchpoint_id=s.touchpoint,
                    parameter=s.parameter,
                    position=i,
                    value=s.value,
                    evidence=s.evidence,
                    link=s.link,
                )
                for i, s in enumerate(audit.scores)
            )
            session.flush()
            ids.append(row.id)
    return ids


def list_audits(*, session: Session) -> list[AuditInfo]:
    """Every audit, newest first."""
    rows = session.scalars(
        select(AuditRow).order_by(AuditRow.audit_date.desc(), AuditRow.id.desc())
    )
    return [
        AuditInfo(
            id=r.id,
            date=r.audit_date,
            auditor=r.auditor,
            subject=r.subject,
            notes=r.notes,
            source=r.source,
            scores=len(r.score_rows),
            missing=sum(1 for s in r.score_rows if s.value is None),
        )
        for r in rows
    ]


def load_audits(*, session: Session, ids: Iterable[int] | None = None) -> list[Audit]:
    """Audits with their scores, oldest first (all of them, or those in ``ids``)."""
    query = select(AuditRow).order_by(AuditRow.audit_date, AuditRow.id)
    if ids is not None:
        query = query.where(AuditRow.id.in_(list(ids)))
    return [_audit(r) for r in session.scalars(query)]


def delete_audit(*, session: Session, audit_id: int) -> None:
    with _commit(session):
        row = session.get(AuditRow, audit_id)
        if row is None:
            raise AuditStoreError(_("there is no audit {id}").format(id=audit_id))
        session.delete(row)


def scores_frame(*, session: Session) -> pd.DataFrame:
    """Every stored score as one tidy table (columns :data:`SCORE_COLUMNS`), oldest first."""
    query = (
        select(
            AuditRow.id,
            AuditRow.audit_date,
            AuditRow.auditor,
            AuditRow.subject,
            AuditScoreRow.touchpoint_id,
            AuditScoreRow.parameter,
            AuditScoreRow.value,
            AuditScoreRow.evidence,
            AuditScoreRow.link,
        )
        .join(AuditScoreRow, AuditScoreRow.audit_id == AuditRow.id)
        .order_by(AuditRow.audit_date, AuditRow.id, AuditScoreRow.position)
    )
    rows = [tuple(r) for r in session.execute(query)]
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    return frame


def _audit(row: AuditRow) -> Audit:
    return Audit(
        id=row.id,
        date=row.audit_date,
        auditor=row.auditor,
        subject=row.subject,
        notes=row.notes,
        scores=tuple(
            Score(s.touchpoint_id, s.parameter, s.value, s.evidence, s.link) for s in row.score_rows
        ),
    )


# -- checklists ---------------------------------------------------------------------------


def load_checklists(*, session: Session) -> Checklists:
    """The workspace's checklists, or the defaults when it has none of its own."""
    row = session.get(AuditChecklistRow, 1)
    if row is None:
        return default_checklists()
    return parse_checklists(row.document, filename="audit_checklists")


def save_checklists(*, session: Session, checklists: Checklists | None) -> None:
    """Store the workspace's checklists; None goes back to the defaults."""
    with _commit(session):
        row = session.get(AuditChecklistRow, 1)
        if checklists is None:
            if row is not None:
                session.delete(row)
            return
        document = dump_checklists(checklists)
        if row is None:
            session.add(AuditChecklistRow(id=1, document=document, updated_at=datetime.now(UTC)))
        else:
            row.document = document
            row.updated_at = datetime.now(UTC)


# -- plan items ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItemState:
    """Owner, due date and status of a plan item, as people set them."""

    key: str
    owner: str | None
    due: date | None
    status: str
    note: str | None
    updated_at: datetime


def plan_states(*, session: Session) -> dict[str, PlanItemState]:
    return {
        r.key: PlanItemState(r.key, r.owner, r.due, r.status, r.note, _aware(r.updated_at))
        for r in session.scalars(select(PlanItemRow))
    }


def set_plan_item(
    *,
    session: Session,
    key: str,
    owner: str | None,
    due: date | None,
    status: str,
    note: str | None = None,
) -> PlanItemState:
    """Record who does an item, by when, and how far it is."""
    if status not in PLAN_STATUSES:
        raise AuditStoreError(
            _("unknown status {status!r}; choose {choices}").format(
                status=status, choices=", ".join(PLAN_STATUSES)
            )
        )
    if not key or len(key) > 200:
        raise AuditStoreError(_("a plan item key has 1 to 200 characters"))
    owner = (owner or "").strip()[:NAME] or None
    with _commit(session):
        row = session.get(PlanItemRow, key)
        if row is None:
            row = PlanItemRow(key=key)
            session.add(row)
        row.owner, row.due, row.status, row.note = owner, due, status, note
        row.updated_at = datetime.now(UTC)
    return plan_states(session=session)[key]


def clear_plan_items(*, session: Session, keys: Sequence[str]) -> None:
    with _commit(session):
        session.execute(delete(PlanItemRow).where(PlanItemRow.key.in_(list(keys))))


# -- helpers ------------------------------------------------------------------------------


@contextmanager
def _commit(session: Session) -> Iterator[None]:
    """Commit on success; roll back and re-raise on error (nothing half-written)."""
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    session.commit()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
