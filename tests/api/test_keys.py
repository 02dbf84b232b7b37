"""API keys: stored hashed, shown once, revocable, scoped to one workspace and a role."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from touchpath.store import api_keys, migrate
from touchpath.store.auth import AuthError
from touchpath.store.db import create_engine, session_factory


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sa.orm.Session]:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_the_token_is_shown_once_and_only_its_sha256_is_stored(db: sa.orm.Session) -> None:
    key, token = api_keys.create_api_key(session=db, name="site", role="collector")
    assert token.startswith("tp_") and len(token) > 40
    stored = db.execute(sa.text("SELECT key_hash, prefix FROM api_keys")).one()
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.prefix == token[:10] == key.prefix
    dump = "\n".join(str(r) for r in db.execute(sa.text("SELECT * FROM api_keys")))
    assert token not in dump
    found = api_keys.key_for_token(session=db, token=token)
    assert found is not None and found.id == key.id and found.role.value == "collector"


def test_a_revoked_or_unknown_token_opens_nothing(db: sa.orm.Session) -> None:
    key, token = api_keys.create_api_key(session=db, name="crm", role="analyst")
    assert api_keys.key_for_token(session=db, token=token + "x") is None
    assert api_keys.key_for_token(session=db, token="not-a-key") is None
    revoked = api_keys.revoke_api_key(session=db, key_id=key.id)
    assert revoked.revoked_at is not None and not revoked.active
    assert api_keys.key_for_token(session=db, token=token) is None
    again = api_keys.revoke_api_key(session=db, key_id=key.id)
    assert again.revoked_at == revoked.revoked_at  # the first revocation time stays
    assert [k.id for k in api_keys.list_api_keys(session=db, include_revoked=False)] == []
    with pytest.raises(AuthError, match="no API key 999"):
        api_keys.revoke_api_key(session=db, key_id=999)


def test_last_use_is_written_at_most_once_a_minute(db: sa.orm.Session) -> None:
    _key, token = api_keys.create_api_key(session=db, name="bi", role="viewer")
    t0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert api_keys.key_for_token(session=db, token=token, now=t0).last_used_at == t0  # type: ignore[union-attr]
    later = t0 + timedelta(seconds=30)
    assert api_keys.key_for_token(session=db, token=token, now=later).last_used_at == t0  # type: ignore[union-attr]
    much_later = t0 + timedelta(minutes=2)
    seen = api_keys.key_for_token(session=db, token=token, now=much_later)
    assert seen is not None and seen.last_used_at == much_later


def test_bad_names_and_roles_are_refused(db: sa.orm.Session) -> None:
    with pytest.raises(AuthError, match="unknown role 'owner'"):
        api_keys.create_api_key(session=db, name="x", role="owner")
    with pytest.raises(AuthError, match="name"):
        api_keys.create_api_key(session=db, name="  ", role="viewer")
    assert api_keys.list_api_keys(session=db) == []


@pytest.mark.parametrize(
    ("role", "needed", "expected"),
    [
        ("collector", "collector", True),
        ("collector", "viewer", False),
        ("viewer", "collector", False),  # a read-only key writes nothing
        ("viewer", "viewer", True),
        ("viewer", "analyst", False),
        ("analyst", "collector", True),
        ("analyst", "viewer", True),
        ("analyst", "admin", False),
        ("admin", "collector", True),
        ("admin", "admin", True),
    ],
)
def test_what_each_role_may_do(role: str, needed: str, expected: bool) -> None:
    assert api_keys.key_allows(role, needed) is expected
