"""Users, roles and login sessions in the metadata store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.orm import Session

from touchpath.store import auth, migrate
from touchpath.store.auth import AuthError, UserRole
from touchpath.store.db import create_engine, session_factory
from touchpath.store.tables import Base


@pytest.fixture
def db(db_url: str):
    engine = create_engine(db_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_migration_0002_matches_the_tables(db_url: str) -> None:
    head = migrate.head()
    assert migrate.current(db_url) == head
    engine = create_engine(db_url)
    with engine.connect() as con:
        context = MigrationContext.configure(con, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        tables = set(sa.inspect(con).get_table_names())
    assert {"users", "user_sessions"} <= tables
    engine.dispose()
    migrate.downgrade(db_url, "0001")
    engine = create_engine(db_url)
    with engine.connect() as con:
        tables = set(sa.inspect(con).get_table_names())
    engine.dispose()
    assert "users" not in tables and "touchpoints" in tables
    migrate.upgrade(db_url)
    assert migrate.current(db_url) == head


def test_create_and_authenticate(db: Session) -> None:
    user = auth.create_user(session=db, username="anna", password="secret pass", role="analyst")
    assert (user.username, user.role, user.language) == ("anna", UserRole.ANALYST, None)
    assert auth.authenticate(session=db, username="anna", password="secret pass") == user
    assert auth.authenticate(session=db, username="anna", password="wrong pass!") is None
    assert auth.authenticate(session=db, username="nobody", password="secret pass") is None
    with pytest.raises(AuthError, match="already exists"):
        auth.create_user(session=db, username="anna", password="other pass", role="viewer")
    with pytest.raises(AuthError, match="at least 8"):
        auth.create_user(session=db, username="ivan", password="short", role="viewer")
    with pytest.raises(AuthError, match="unknown role"):
        auth.create_user(session=db, username="ivan", password="long enough", role="owner")
    with pytest.raises(AuthError, match="user name"):
        auth.create_user(session=db, username="bad name", password="long enough", role="viewer")
    assert [u.username for u in auth.list_users(session=db)] == ["anna"]


def test_roles_include_the_lower_ones() -> None:
    order = ["viewer", "analyst", "admin"]
    for i, role in enumerate(order):
        for j, needed in enumerate(order):
            assert auth.allows(role, needed) is (i >= j)


def test_sessions_open_expire_and_close(db: Session) -> None:
    user = auth.create_user(session=db, username="anna", password="secret pass", role="viewer")
    token = auth.open_session(session=db, user_id=user.id)
    assert auth.session_user(session=db, token=token) == user
    assert auth.session_user(session=db, token=token + "x") is None
    stored = db.execute(sa.text("SELECT id FROM user_sessions")).scalars().all()
    assert token not in stored and len(stored) == 1  # only the hash is kept
    expired = auth.open_session(session=db, user_id=user.id, lifetime=timedelta(seconds=-1))
    assert auth.session_user(session=db, token=expired) is None
    assert auth.count_sessions(session=db, username="anna") == 1  # the expired one is gone
    auth.close_session(session=db, token=token)
    assert auth.session_user(session=db, token=token) is None


def test_a_new_password_ends_sessions_and_works(db: Session) -> None:
    user = auth.create_user(session=db, username="anna", password="secret pass", role="viewer")
    token = auth.open_session(session=db, user_id=user.id)
    auth.set_password(session=db, username="anna", password="another pass")
    assert auth.session_user(session=db, token=token) is None
    assert auth.authenticate(session=db, username="anna", password="another pass") is not None
    assert auth.authenticate(session=db, username="anna", password="secret pass") is None


def test_the_last_admin_stays(db: Session) -> None:
    auth.create_user(session=db, username="root", password="secret pass", role="admin")
    with pytest.raises(AuthError, match="last admin"):
        auth.set_role(session=db, username="root", role="viewer")
    with pytest.raises(AuthError, match="last admin"):
        auth.delete_user(session=db, username="root")
    auth.create_user(session=db, username="second", password="secret pass", role="admin")
    assert auth.set_role(session=db, username="root", role="viewer").role is UserRole.VIEWER
    auth.delete_user(session=db, username="root")
    assert [u.username for u in auth.list_users(session=db)] == ["second"]


def test_deleting_a_user_deletes_their_sessions(db: Session) -> None:
    user = auth.create_user(session=db, username="anna", password="secret pass", role="viewer")
    auth.create_user(session=db, username="root", password="secret pass", role="admin")
    auth.open_session(session=db, user_id=user.id)
    auth.delete_user(session=db, username="anna")
    assert db.execute(sa.text("SELECT count(*) FROM user_sessions")).scalar_one() == 0


def test_an_old_hash_is_upgraded_on_login(db: Session) -> None:
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash("secret pass")
    auth.create_user(session=db, username="anna", password="secret pass", role="viewer")
    db.execute(sa.text("UPDATE users SET password_hash = :h"), {"h": old})
    db.commit()
    assert auth.authenticate(session=db, username="anna", password="secret pass") is not None
    new = db.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
    assert new != old and new.startswith("$argon2id$")
