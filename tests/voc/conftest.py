"""A migrated metadata DB (SQLite file, or a fresh PostgreSQL schema) for the voc tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from touchpath.store import migrate
from touchpath.store.db import create_engine, session_factory
from web.conftest import (  # noqa: F401  (the web tests' demo, app, clients and browser)
    app,
    browser,
    cheap_hashing,
    client_for,
    demo_template,
    live_server,
    people,
)

PG_URL = os.environ.get(
    "TOUCHPATH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'metadata.db'}"
        return
    admin = create_engine(PG_URL, connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as con:
            con.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL unreachable: {str(exc).splitlines()[0]}")
    schema = f"tp_voc_{uuid.uuid4().hex[:12]}"
    with admin.begin() as con:
        con.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as con:
            con.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    migrate.upgrade(db_url)
    engine = create_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()
