"""Reading and writing the catalogue in the metadata store.

Plain functions with a keyword-only ``session`` (STYLE practice 10). Each write function
is one unit of work: it commits, or rolls back and raises :class:`CatalogueError` with a
message a person can act on. Called inside the caller's own ``with session.begin():`` it
joins that transaction instead and leaves the commit to the caller. The database's
foreign keys are the last line of defence, not the way users learn about a mistake.

Writes *sync* rows rather than delete and re-insert them: rows whose id survives keep their
identity, so later tables that point at touchpoints (audits, rules, tasks) are not wiped
by cascades when a catalogue is saved again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, SessionTransactionOrigin, selectinload

from touchpath.errors import TouchpathError
from touchpath.model import Catalogue, Chain, Channel, Competitor, Stage, Touchpoint
from touchpath.store import convert
from touchpath.store.tables import (
    AudienceChannelRow,
    ChainRow,
    ChainStepRow,
    CompetitorRow,
    CompetitorTouchpointRow,
    SettingsRow,
    StageRow,
    TouchpointRow,
)

DEFAULT_BUSINESS = "touchpath workspace"
"""Business name of a store nothing was saved to yet (an empty name is not valid)."""


class CatalogueError(TouchpathError):
    """A write would leave the catalogue inconsistent; the message names what and where."""


class NotFoundError(CatalogueError, LookupError):
    """The item to delete is not in the catalogue."""


# -- the whole catalogue ----------------------------------------------------------------


def load_catalogue(*, session: Session) -> Catalogue:
    """The stored catalogue, in the order it was saved.

    An empty store gives ``Catalogue(business="touchpath workspace")`` with the default
    stages, so a new workspace has a usable journey map before anyone edits it.
    """
    settings = session.get(SettingsRow, 1)
    if settings is None:
        return Catalogue(business=DEFAULT_BUSINESS)
    return Catalogue(
        business=settings.business,
        language=settings.language,
        currency=settings.currency,
        stages=[convert.stage_from_row(r) for r in _stage_rows(session)],
        touchpoints=[convert.touchpoint_from_row(r) for r in _touchpoint_rows(session)],
        chains=[convert.chain_from_row(r) for r in _chain_rows(session)],
        competitors=[convert.competitor_from_row(r) for r in _competitor_rows(session)],
        audience_channels=[
            Channel(r.channel)
            for r in session.scalars(
                select(AudienceChannelRow).order_by(AudienceChannelRow.position)
            )
        ],
    )


def save_catalogue(*, session: Session, catalogue: Catalogue) -> None:
    """Make the stored catalogue equal ``catalogue``, in one transaction.

    Items not in ``catalogue`` are deleted, the rest inserted or updated. An inconsistent
    catalogue (see :meth:`Catalogue.problems`) is refused before anything is written.
    """
    catalogue = _checked(catalogue)
    problems = catalogue.problems()
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CatalogueError(f"{first.field}: {first.message}{more}")
    with _transaction(session):
        _sync_settings(session, catalogue)
        stages = _sync_rows(session, StageRow, catalogue.stages, convert.stage_to_row)
        touchpoints = _sync_rows(
            session, TouchpointRow, catalogue.touchpoints, convert.touchpoint_to_row
        )
        # A chain may lead into a chain saved after it: link them once all exist.
        chains = _sync_rows(session, ChainRow, catalogue.chains, convert.chain_to_row)
        for chain in catalogue.chains:
            session.get_one(ChainRow, chain.id).next_chain_id = chain.next_chain
        session.flush()
        competitors = _sync_rows(
            session, CompetitorRow, catalogue.competitors, convert.competitor_to_row
        )
        # Delete what is gone, dependants first, so no foreign key ever dangles.
        for gone in (competitors, chains, touchpoints, stages):
            for row in gone:
                session.delete(row)
            session.flush()
        _sync_audience(session, catalogue.audience_channels)


# -- touchpoints ----------------------------------------------------------------------


def list_touchpoints(*, session: Session) -> list[Touchpoint]:
    """All touchpoints, in catalogue order."""
    return [convert.touchpoint_from_row(r) for r in _touchpoint_rows(session)]


def get_touchpoint(*, session: Session, touchpoint_id: str) -> Touchpoint | None:
    """The touchpoint ``touchpoint_id``, or None when there is none."""
    row = session.get(TouchpointRow, touchpoint_id)
    return None if row is None else convert.touchpoint_from_row(row)


def upsert_touchpoint(*, session: Session, touchpoint: Touchpoint) -> Touchpoint:
    """Insert (at the end) or update a touchpoint; its stages must exist."""
    touchpoint = _checked(touchpoint)
    with _transaction(session):
        _initialise(session)
        _require(session, StageRow, touchpoint.stages, f"touchpoint {touchpoint.id!r}", "stage")
        _upsert(session, TouchpointRow, touchpoint, convert.touchpoint_to_row)
    return touchpoint


def delete_touchpoint(*, session: Session, touchpoint_id: str) -> None:
    """Delete a touchpoint no chain and no competitor refers to."""
    with _transaction(session):
        row = _existing(session, TouchpointRow, touchpoint_id, "touchpoint")
        users = _quoted(
            session.scalars(
                select(ChainRow.id).join(ChainStepRow).where(ChainStepRow.touchpoint_id == row.id)
            )
        )
        if users:
            raise CatalogueError(
                f"touchpoint {touchpoint_id!r} is a step of chain {users}: "
                "remove it from the chain first"
            )
        offered = _quoted(
            session.scalars(
                select(CompetitorRow.id)
                .join(CompetitorTouchpointRow)
                .where(CompetitorTouchpointRow.touchpoint_id == row.id)
            )
        )
        if offered:
            raise CatalogueError(
                f"touchpoint {touchpoint_id!r} is offered by competitor {offered}: "
                "remove it from the competitor first"
            )
        session.delete(row)


# -- chains, competitors, stages ------------------------------------------------------


def upsert_chain(*, session: Session, chain: Chain) -> Chain:
    """Insert (at the end) or update a chain; its steps and next chain must exist."""
    chain = _checked(chain)
    with _transaction(session):
        _initialise(session)
        where = f"chain {chain.id!r}"
        _require(session, TouchpointRow, chain.steps, where, "touchpoint")
        if chain.next_chain is not None and chain.next_chain != chain.id:
            _require(session, ChainRow, [chain.next_chain], where, "next chain")
        row = _upsert(session, ChainRow, chain, convert.chain_to_row)
        session.flush()
        row.next_chain_id = chain.next_chain
    return chain


def delete_chain(*, session: Session, chain_id: str) -> None:
    """Delete a chain that no other chain leads into."""
    with _transaction(session):
        row = _existing(session, ChainRow, chain_id, "chain")
        before = _quoted(
            session.scalars(
                select(ChainRow.id).where(ChainRow.next_chain_id == row.id, ChainRow.id != row.id)
            )
        )
        if before:
            raise CatalogueError(
                f"chain {chain_id!r} is the next chain of chain {before}: "
                "change that chain's next_chain first"
            )
        session.delete(row)


def upsert_competitor(*, session: Session, competitor: Competitor) -> Competitor:
    """Insert (at the end) or update a competitor; its touchpoints must exist."""
    competitor = _checked(competitor)
    with _transaction(session):
        _initialise(session)
        where = f"competitor {competitor.id!r}"
        _require(session, TouchpointRow, competitor.touchpoints, where, "touchpoint")
        _upsert(session, CompetitorRow, competitor, convert.competitor_to_row)
    return competitor


def delete_competitor(*, session: Session, competitor_id: str) -> None:
    """Delete a competitor and the list of touchpoints it offers."""
    with _transaction(session):
        session.delete(_existing(session, CompetitorRow, competitor_id, "competitor"))


def upsert_stage(*, session: Session, stage: Stage) -> Stage:
    """Insert (at the end) or update a stage of the journey."""
    stage = _checked(stage)
    with _transaction(session):
        _initialise(session)
        _upsert(session, StageRow, stage, convert.stage_to_row)
    return stage


# -- helpers --------------------------------------------------------------------------

Row = TypeVar("Row", StageRow, TouchpointRow, ChainRow, CompetitorRow)
Item = TypeVar("Item", Stage, Touchpoint, Chain, Competitor)


@contextmanager
def _transaction(session: Session) -> Iterator[None]:
    """Commit on success, roll back on error -- unless the caller began the transaction.

    Inside the caller's own ``with session.begin():`` the work joins that transaction and
    an error simply propagates, so the caller's block rolls everything back.
    """
    outer = session.get_transaction()
    if outer is not None and outer.origin is not SessionTransactionOrigin.AUTOBEGIN:
        yield
        return
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    session.commit()


Model = TypeVar("Model", Catalogue, Stage, Touchpoint, Chain, Competitor)


def _checked(item: Model) -> Model:
    """A freshly validated copy: domain objects are mutable and assignment is unchecked."""
    try:
        return type(item).model_validate(item.model_dump(warnings=False))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or type(item).__name__
        raise CatalogueError(f"{where}: {first['msg']}") from None


def _stage_rows(session: Session) -> Sequence[StageRow]:
    return session.scalars(select(StageRow).order_by(StageRow.position)).all()


def _touchpoint_rows(session: Session) -> Sequence[TouchpointRow]:
    query = (
        select(TouchpointRow)
        .order_by(TouchpointRow.position)
        .options(selectinload(TouchpointRow.stage_links), selectinload(TouchpointRow.tag_rows))
    )
    return session.scalars(query).all()


def _chain_rows(session: Session) -> Sequence[ChainRow]:
    query = select(ChainRow).order_by(ChainRow.position).options(selectinload(ChainRow.step_rows))
    return session.scalars(query).all()


def _competitor_rows(session: Session) -> Sequence[CompetitorRow]:
    query = (
        select(CompetitorRow)
        .order_by(CompetitorRow.position)
        .options(selectinload(CompetitorRow.offer_rows))
    )
    return session.scalars(query).all()


def _sync_settings(session: Session, catalogue: Catalogue) -> None:
    settings = session.get(SettingsRow, 1) or SettingsRow(id=1)
    settings.business = catalogue.business
    settings.language = catalogue.language
    settings.currency = catalogue.currency
    session.add(settings)


def _sync_rows(
    session: Session,
    table: type[Row],
    items: Sequence[Item],
    fill: Callable[[Row, Item], None],
) -> list[Row]:
    """Insert or update ``items`` in list order; return the rows no item kept."""
    existing = {row.id: row for row in session.scalars(select(table))}
    for position, item in enumerate(items):
        row = existing.pop(item.id, None) or table(id=item.id)
        row.position = position
        fill(row, item)
        session.add(row)
    session.flush()
    return list(existing.values())


def _sync_audience(session: Session, channels: Sequence[Channel]) -> None:
    rows = {r.position: r for r in session.scalars(select(AudienceChannelRow))}
    for position, channel in enumerate(channels):
        row = rows.pop(position, None) or AudienceChannelRow(position=position)
        row.channel = channel.value
        session.add(row)
    for row in rows.values():
        session.delete(row)


def _initialise(session: Session) -> None:
    """Store the default catalogue (settings, stages) before the first single-item write."""
    if session.get(SettingsRow, 1) is None:
        default = Catalogue(business=DEFAULT_BUSINESS)
        _sync_settings(session, default)
        _sync_rows(session, StageRow, default.stages, convert.stage_to_row)


def _upsert(
    session: Session, table: type[Row], item: Item, fill: Callable[[Row, Item], None]
) -> Row:
    row = session.get(table, item.id)
    if row is None:
        last = session.scalar(select(func.max(table.position)))
        row = table(id=item.id, position=0 if last is None else last + 1)
        session.add(row)
    fill(row, item)
    session.flush()
    return row


def _existing(session: Session, table: type[Row], key: str, what: str) -> Row:
    row = session.get(table, key)
    if row is None:
        raise NotFoundError(f"there is no {what} {key!r}")
    return row


def _require(
    session: Session, table: type[Row], keys: Iterable[str], where: str, what: str
) -> None:
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return
    found = set(session.scalars(select(table.id).where(table.id.in_(wanted))))
    unknown = [k for k in wanted if k not in found]
    if unknown:
        listed = ", ".join(repr(k) for k in unknown)
        raise CatalogueError(f"{where}: unknown {what} {listed}")


def _quoted(ids: Iterable[str]) -> str:
    """Comma-separated quoted ids, each once ('' when there are none)."""
    return ", ".join(repr(i) for i in dict.fromkeys(ids))
