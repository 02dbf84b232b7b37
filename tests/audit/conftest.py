# ruff: noqa: E501
"""Audit fixtures: a tiny catalogue and checklist worked by hand, and databases to store them.

Storage tests run on SQLite and on PostgreSQL (a fresh schema per test, as tests/store does).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from touchpath.catalogue.checklists import Checklists, parse_checklists
from touchpath.model import Catalogue, Chain, Competitor, Touchpoint
from touchpath.store import crud, migrate
from touchpath.store.db import create_engine, session_factory

PG_URL = os.environ.get(
    "TOUCHPATH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

CHECKLISTS = """
channels:
  site:
    - {id: conv, name_en: Convenience, name_ru: Удобство, scale: "1-5", weight: 2}
    - {id: speed, name_en: Load time, name_ru: Загрузка, scale: measured, target: 2, worst: 8, direction: lower}
    - {id: chat, name_en: Chat, name_ru: Чат, scale: yes_no}
  phone:
    - {id: rings, name_en: Rings, name_ru: Гудки, scale: measured, target: 1, worst: 6, direction: lower}
    - {id: polite, name_en: Politeness, name_ru: Вежливость, scale: "0-10", weight: 3}
  messenger:
    - {id: reply_speed, name_en: Reply, name_ru: Ответ, scale: measured, unit: min, target: 5, worst: 65, direction: lower}
  social:
    - {id: posts, name_en: Posts, name_ru: Посты, scale: measured, target: 5, worst: 0, direction: higher}
"""


def tiny_catalogue() -> Catalogue:
    return Catalogue(
        business="Tiny <shop> & co",
        touchpoints=[
            Touchpoint(id="site", name="Site", channel="site", stages=["search"]),
            Touchpoint(
                id="phone", name="Phone", channel="phone", stages=["purchase"], role="capture"
            ),
            Touchpoint(id="blog", name="Blog", channel="social", stages=["search"]),
            Touchpoint(
                id="bot", name="Bot", channel="messenger", stages=["purchase"], status="missing"
            ),
        ],
        chains=[Chain(id="main", name="Main", steps=["site", "phone"])],
        competitors=[
            Competitor(id="rival", name="Rival", touchpoints=["site", "phone", "bot"]),
            Competitor(id="other", name="Other", touchpoints=["site"]),
        ],
        audience_channels=["site", "phone", "messenger", "email"],
    )


def tiny_checklists() -> Checklists:
    return parse_checklists(CHECKLISTS, filename="tiny.yaml")


AUDIT_CSV = """date,auditor,subject,touchpoint,parameter,value,evidence,link,notes
2026-01-10,Ann,ours,site,conv,4,,,first walk
2026-01-10,Ann,ours,site,speed,5,5 s on 4G,https://example.org/shot.png,
2026-01-10,Ann,ours,site,chat,no,,,
2026-03-01,Ann,ours,site,conv,5,,,
2026-03-01,Ann,ours,site,speed,,could not measure,,
2026-03-01,Ann,ours,phone,rings,3,,,
2026-02-01,Bob,rival,site,conv,3,,,mystery shopping
2026-02-01,Bob,rival,site,speed,1.5,,,
2026-02-01,Bob,rival,site,chat,yes,,,
2026-02-01,Bob,rival,phone,rings,10,,,
2026-02-01,Bob,rival,phone,polite,8,,,
2026-02-01,Bob,rival,bot,reply_speed,4,,,
"""


def _pg_admin() -> sa.Engine:
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as con:
            con.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'metadata.db'}"
        return
    admin = _pg_admin()
    schema = f"tp_audit_{uuid.uuid4().hex[:12]}"
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
    """A session on a migrated database holding the tiny catalogue."""
    migrate.upgrade(db_url)
    engine = create_engine(db_url)
    with session_factory(engine)() as s:
        crud.save_catalogue(session=s, catalogue=tiny_catalogue())
        yield s
    engine.dispose()
