"""Metadata-store fixtures: every test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``TOUCHPATH_TEST_PG_URL`` (default: the local test server). Each
test gets a fresh schema ``tp_test_<random>``, reached through ``search_path`` in the URL
(``?options=-csearch_path=...``, which SQLAlchemy hands to psycopg as a connect argument),
and dropped afterwards. When the server is down the tests skip -- or fail under ``CI``,
where a skipped database would hide a broken build.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from touchpath.store import migrate
from touchpath.store.db import create_engine, session_factory


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, never migrated: a SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'metadata.db'}"
        return
    admin: sa.Engine = request.getfixturevalue("pg_admin")
    schema = f"tp_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as con:
        con.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as con:
            con.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    """An engine on a database migrated to head."""
    migrate.upgrade(db_url)
    eng = create_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s
