"""API keys: how programs (a site's collector snippet, a CRM, a BI tool) reach one workspace.

Why the shape:

* A key belongs to the workspace whose metadata DB holds it, so a key of one workspace is
  unknown to every other one: there is nothing to check across workspaces.
* The key is a random token shown once, when it is made; the table keeps only its SHA-256
  (a copy of the database cannot be replayed) and a short prefix so people can tell their
  keys apart in a list.
* A key has a role like a user (``viewer`` < ``analyst`` < ``admin``, :mod:`.auth`), or
  the role ``collector``: it may only send events to the collector. A site's snippet
  carries its key in public JavaScript, so that key must not read anything; a viewer key,
  which reads everything, may not write events.
  Revoking sets ``revoked_at``: the row stays, so a list shows what was revoked and when.
* ``last_used_at`` is written at most once a minute per key, so a busy collector does
  not turn every request into a metadata write.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from touchpath.i18n import _
from touchpath.store.auth import AuthError, UserRole, _aware, _commit, allows
from touchpath.store.tables import NAME, WORD, Base


class KeyRole(StrEnum):
    """What a key may do: a user role, or only sending events (``collector``)."""

    COLLECTOR = "collector"
    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"


def key_allows(role: KeyRole | str, needed: KeyRole | str) -> bool:
    """Whether a key of ``role`` may do what needs ``needed``.

    >>> key_allows("collector", "collector"), key_allows("collector", "viewer")
    (True, False)
    >>> key_allows("viewer", "collector"), key_allows("analyst", "collector")
    (False, True)
    """
    role, needed = KeyRole(role), KeyRole(needed)
    if role is KeyRole.COLLECTOR or needed is KeyRole.COLLECTOR:
        return role is needed or (needed is KeyRole.COLLECTOR and role is not KeyRole.VIEWER)
    return allows(role.value, needed.value)


TOKEN_PREFIX = "tp_"  # noqa: S105  (marks a touchpath key in logs and secret scanners)
SHOWN_PREFIX = 10
"""Characters of the token kept in clear to tell keys apart (``tp_`` + 7)."""
TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyRow(Base):
    """An API key of this workspace: the SHA-256 of its token, never the token."""

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("role IN ('collector', 'viewer', 'analyst', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(WORD))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class ApiKey:
    """A key as the shells see it (never the token or its hash)."""

    id: int
    name: str
    prefix: str
    role: KeyRole
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def can(self, needed: KeyRole | UserRole | str) -> bool:
        return key_allows(self.role, needed)

    def to_json(self) -> dict[str, object]:
        def iso(moment: datetime | None) -> str | None:
            return None if moment is None else moment.isoformat()

        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "role": self.role.value,
            "created_at": iso(self.created_at),
            "last_used_at": iso(self.last_used_at),
            "revoked_at": iso(self.revoked_at),
        }


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        role=KeyRole(row.role),
        created_at=_aware(row.created_at),
        last_used_at=None if row.last_used_at is None else _aware(row.last_used_at),
        revoked_at=None if row.revoked_at is None else _aware(row.revoked_at),
    )


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_api_key(
    *, session: Session, name: str, role: KeyRole | UserRole | str
) -> tuple[ApiKey, str]:
    """A new key: returns it and its token, which is shown now and never again."""
    name = name.strip()
    if not name or len(name) > NAME:
        raise AuthError(_("a key needs a name of 1 to {n} characters").format(n=NAME))
    try:
        checked = KeyRole(role)
    except ValueError:
        raise AuthError(
            _("unknown role {role!r}; choose collector, viewer, analyst or admin").format(role=role)
        ) from None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with _commit(session):
        row = ApiKeyRow(
            name=name,
            prefix=token[:SHOWN_PREFIX],
            key_hash=digest(token),
            role=checked.value,
            created_at=datetime.now(UTC),
        )
        session.add(row)
        session.flush()
        return _key(row), token


def list_api_keys(*, session: Session, include_revoked: bool = True) -> list[ApiKey]:
    """The workspace's keys, oldest first."""
    query = select(ApiKeyRow).order_by(ApiKeyRow.id)
    if not include_revoked:
        query = query.where(ApiKeyRow.revoked_at.is_(None))
    return [_key(r) for r in session.scalars(query)]


def revoke_api_key(*, session: Session, key_id: int) -> ApiKey:
    """Stop a key working at once (revoking twice keeps the first time)."""
    with _commit(session):
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            raise AuthError(_("there is no API key {id}").format(id=key_id))
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
        session.flush()
        return _key(row)


def key_for_token(*, session: Session, token: str, now: datetime | None = None) -> ApiKey | None:
    """The active key whose token this is, else None; notes when it was last used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = now or datetime.now(UTC)
    last = None if row.last_used_at is None else _aware(row.last_used_at)
    if last is None or now - last >= TOUCH_EVERY:
        with _commit(session):
            row.last_used_at = now
    return _key(row)
