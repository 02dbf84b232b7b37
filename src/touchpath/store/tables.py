"""Relational tables of the metadata store: the catalogue of one business.

Why the shape:

* Catalogue ids (slugs users write in YAML) are the primary keys, so rows read the same in
  SQL as in the catalogue file; foreign keys cascade on update so an id can be renamed.
* Every list keeps its order in a ``position`` column: a catalogue loaded back must equal
  the one saved, order included. Positions carry no unique constraint, so reordering is a
  plain update (PostgreSQL checks unique constraints row by row).
* Enums are plain strings (``VARCHAR``), not database enums: the vocabularies grow, and a
  new channel should not need an ``ALTER TYPE`` migration on PostgreSQL.
* ``Base.metadata`` names every constraint by convention, so Alembic autogenerate produces
  the same names on SQLite and PostgreSQL and later migrations can drop them by name.

Later issues add users, audits, rules, tasks and the outbox on the same :class:`Base`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SLUG = 64
"""Longest catalogue id (``touchpath.model.base.Slug``)."""
NAME = 200
"""Longest display name (``touchpath.model.base.Name``)."""
WORD = 32
"""Longest enum value stored as a string."""


class Base(DeclarativeBase):
    """Declarative base of every metadata table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SettingsRow(Base):
    """The single row of catalogue-wide settings (``id`` is always 1)."""

    __tablename__ = "catalogue_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    business: Mapped[str] = mapped_column(String(NAME))
    language: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))


class StageRow(Base):
    """A stage of the buyer's journey; ``period`` is ``Stage.group``, ``journey_order`` its
    ``order`` (both SQL keywords, hence the names)."""

    __tablename__ = "stages"

    id: Mapped[str] = mapped_column(String(SLUG), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(NAME))
    name_ru: Mapped[str | None] = mapped_column(String(NAME))
    period: Mapped[str] = mapped_column(String(WORD))
    journey_order: Mapped[int] = mapped_column(Integer)


class TouchpointRow(Base):
    """A touchpoint with every attribute of ``touchpath.model.Touchpoint``."""

    __tablename__ = "touchpoints"

    id: Mapped[str] = mapped_column(String(SLUG), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(NAME))
    description: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(WORD))
    mode: Mapped[str] = mapped_column(String(WORD))
    role: Mapped[str] = mapped_column(String(WORD))
    wow: Mapped[bool] = mapped_column(Boolean)
    attention: Mapped[str | None] = mapped_column(String(WORD))
    lifetime: Mapped[str | None] = mapped_column(String(WORD))
    owner: Mapped[str | None] = mapped_column(String(NAME))
    automated: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(WORD))

    stage_links: Mapped[list[TouchpointStageRow]] = relationship(
        order_by="TouchpointStageRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    tag_rows: Mapped[list[TouchpointTagRow]] = relationship(
        order_by="TouchpointTagRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class TouchpointStageRow(Base):
    """A stage a touchpoint belongs to; a stage still in use cannot be deleted."""

    __tablename__ = "touchpoint_stages"

    touchpoint_id: Mapped[str] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    stage_id: Mapped[str] = mapped_column(
        ForeignKey("stages.id", ondelete="RESTRICT", onupdate="CASCADE"),
        primary_key=True,
        index=True,
    )
    position: Mapped[int] = mapped_column(Integer)


class TouchpointTagRow(Base):
    """A free-form tag of a touchpoint."""

    __tablename__ = "touchpoint_tags"

    touchpoint_id: Mapped[str] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tag: Mapped[str] = mapped_column(Text)


class ChainRow(Base):
    """A designed chain; deleting the chain another one leads into clears that link."""

    __tablename__ = "chains"

    id: Mapped[str] = mapped_column(String(SLUG), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(NAME))
    description: Mapped[str | None] = mapped_column(Text)
    next_chain_id: Mapped[str | None] = mapped_column(
        ForeignKey("chains.id", ondelete="SET NULL", onupdate="CASCADE"), index=True
    )

    step_rows: Mapped[list[ChainStepRow]] = relationship(
        order_by="ChainStepRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ChainStepRow(Base):
    """One step of a chain; a touchpoint used in a chain cannot be deleted."""

    __tablename__ = "chain_steps"

    chain_id: Mapped[str] = mapped_column(
        ForeignKey("chains.id", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    touchpoint_id: Mapped[str] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="RESTRICT", onupdate="CASCADE"), index=True
    )


class CompetitorRow(Base):
    """A competitor whose path we walk."""

    __tablename__ = "competitors"

    id: Mapped[str] = mapped_column(String(SLUG), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(NAME))
    website: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    offer_rows: Mapped[list[CompetitorTouchpointRow]] = relationship(
        order_by="CompetitorTouchpointRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class CompetitorTouchpointRow(Base):
    """A touchpoint a competitor offers; such a touchpoint cannot be deleted."""

    __tablename__ = "competitor_touchpoints"

    competitor_id: Mapped[str] = mapped_column(
        ForeignKey("competitors.id", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    touchpoint_id: Mapped[str] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="RESTRICT", onupdate="CASCADE"), index=True
    )


class AudienceChannelRow(Base):
    """A channel where the audience is (for the "missed channels" check)."""

    __tablename__ = "audience_channels"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(WORD))
