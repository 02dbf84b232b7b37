"""Engines and sessions for the metadata database.

Nothing here is created at import time (STYLE practice 8): the CLI, the web app and the
tests each build their own engine from a URL and pass sessions to :mod:`touchpath.store.crud`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker


def normalize_url(url: str | URL) -> URL:
    """The URL with a driver we ship: a bare ``postgresql://`` means psycopg 3.

    SQLAlchemy would pick psycopg2 for a bare ``postgresql://``, which touchpath does not
    install; users copy such URLs from their hosting panel, so accept them.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_engine(url: str | URL, *, connect_args: Mapping[str, Any] | None = None) -> sa.Engine:
    """An engine for a metadata database URL (SQLite by default, PostgreSQL in production).

    SQLite leaves foreign keys unenforced unless every connection asks for them, so a
    connect hook turns them on; without it ``ON DELETE`` rules would silently do nothing.

    >>> engine = create_engine("sqlite://")
    >>> with engine.connect() as con:
    ...     con.exec_driver_sql("PRAGMA foreign_keys").scalar()
    1
    """
    engine = sa.create_engine(normalize_url(url), connect_args=dict(connect_args or {}))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``.

    Rows expire on commit (SQLAlchemy's default), so a session that lives on reads what
    other processes wrote; :mod:`touchpath.store.crud` hands out domain objects, never rows.
    """
    return sessionmaker(bind=engine)


class WriteCounter:
    """How many commits through one session factory changed something.

    A version for caches of results computed from the metadata: it moves after (never
    before) such a commit lands, so a result computed meanwhile from the old rows is filed
    under the old count. Commits of other processes are not seen here; the web cache adds
    the SQLite file's own stamp for them (see :func:`touchpath.web.cache.metadata_version`).

    >>> factory = session_factory(create_engine("sqlite://"))
    >>> writes = WriteCounter(factory)
    >>> with factory() as s:
    ...     _ = s.execute(sa.text("SELECT 1")); s.commit()
    >>> writes.count
    0
    """

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.count = 0
        self._lock = threading.Lock()
        event.listen(factory, "after_flush", self._mark)
        event.listen(factory, "do_orm_execute", self._mark_statement)
        event.listen(factory, "after_commit", self._bump)
        event.listen(factory, "after_rollback", self._clear)

    @staticmethod
    def _mark(session: Session, _context: Any = None) -> None:
        session.info["touchpath_wrote"] = True

    def _mark_statement(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self._mark(state.session)

    def _bump(self, session: Session) -> None:
        if session.info.pop("touchpath_wrote", False):
            with self._lock:
                self.count += 1

    @staticmethod
    def _clear(session: Session) -> None:
        session.info.pop("touchpath_wrote", None)
