"""Who may open a workspace: users with a role, and their login sessions.

Each workspace's metadata DB holds its own users, so a role is a role *in that
workspace*, and nothing about one workspace's people is stored in another's. A person
with access to two workspaces of a group has an account in each (the web app logs them
into every workspace where the same name and password match).

Why the shape:

* Passwords are stored as argon2id hashes (argon2-cffi), never in clear; a hash made with
  older parameters is upgraded on the next successful login.
* A login session is a random token held by the browser (inside the signed cookie); the
  table stores only its SHA-256, so a copy of the database cannot be replayed as a login.
  Logging out deletes the row: the cookie is then worthless even if someone kept it.
* Roles are ordered: ``viewer`` < ``analyst`` < ``admin`` (see :func:`allows`).

Plain functions with a keyword-only ``session`` like :mod:`touchpath.store.crud`; each
write commits, or rolls back and raises :class:`AuthError`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.store.tables import WORD, Base


class UserRole(StrEnum):
    """What a user may do in a workspace; each role includes the ones before it."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"


RANK: dict[UserRole, int] = {UserRole.VIEWER: 0, UserRole.ANALYST: 1, UserRole.ADMIN: 2}
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}$")
MIN_PASSWORD = 8
SESSION_LIFETIME = timedelta(days=14)


def password_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: 3 passes, 64 MiB)."""
    return PasswordHasher()


_hasher = password_hasher()
_DUMMY_HASH = _hasher.hash("touchpath: a password nobody has")


class AuthError(TouchpathError):
    """A user-management request that cannot be done (bad name, short password ...)."""


def allows(role: UserRole | str, needed: UserRole | str) -> bool:
    """Whether ``role`` includes the rights of ``needed``.

    >>> allows("admin", "analyst"), allows("viewer", "analyst")
    (True, False)
    """
    return RANK[UserRole(role)] >= RANK[UserRole(needed)]


# -- tables -------------------------------------------------------------------------------


class UserRow(Base):
    """An account of this workspace; ``language`` is the user's UI language (None: browser's)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('viewer', 'analyst', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(WORD))
    language: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    sessions: Mapped[list[SessionRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class SessionRow(Base):
    """A login: the SHA-256 of the browser's token, whose it is, and until when."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# -- users --------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    """A user as the shells see it (never the password hash)."""

    id: int
    username: str
    role: UserRole
    language: str | None
    created_at: datetime

    def can(self, needed: UserRole | str) -> bool:
        return allows(self.role, needed)


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=UserRole(row.role),
        language=row.language,
        created_at=_aware(row.created_at),
    )


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` after checking it is long enough."""
    if len(password) < MIN_PASSWORD:
        raise AuthError(_("the password must have at least {n} characters").format(n=MIN_PASSWORD))
    return _hasher.hash(password)


def list_users(*, session: Session) -> list[User]:
    """Every user of the workspace, by name."""
    return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def get_user(*, session: Session, username: str) -> User | None:
    row = _row(session, username)
    return None if row is None else _user(row)


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: UserRole | str,
    language: str | None = None,
) -> User:
    """Add a user; the name must be new in this workspace."""
    if not USERNAME.match(username):
        raise AuthError(
            _(
                "user name {name!r}: use latin letters, digits and _ . @ - "
                "(at most 64, starting with a letter or digit)"
            ).format(name=username)
        )
    role = _role(role)
    hashed = hash_password(password)
    with _commit(session):
        if _row(session, username) is not None:
            raise AuthError(_("user {name!r} already exists").format(name=username))
        row = UserRow(
            username=username,
            password_hash=hashed,
            role=role.value,
            language=language,
            created_at=datetime.now(UTC),
        )
        session.add(row)
        session.flush()
        return _user(row)


def set_password(*, session: Session, username: str, password: str) -> None:
    """Replace a user's password and end all their sessions (they log in again)."""
    hashed = hash_password(password)
    with _commit(session):
        row = _existing(session, username)
        row.password_hash = hashed
        session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))


def set_role(*, session: Session, username: str, role: UserRole | str) -> User:
    """Change a user's role; the workspace always keeps one admin."""
    new = _role(role)
    with _commit(session):
        row = _existing(session, username)
        if row.role == UserRole.ADMIN and new is not UserRole.ADMIN:
            _keep_an_admin(session, username)
        row.role = new.value
        session.flush()
        return _user(row)


def set_language(*, session: Session, user_id: int, language: str | None) -> None:
    """Remember the user's UI language (None: follow the browser)."""
    with _commit(session):
        row = session.get(UserRow, user_id)
        if row is not None:
            row.language = language


def delete_user(*, session: Session, username: str) -> None:
    """Remove a user and their sessions; the last admin cannot be removed."""
    with _commit(session):
        row = _existing(session, username)
        if row.role == UserRole.ADMIN:
            _keep_an_admin(session, username)
        session.delete(row)


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The user whose name and password these are, else None.

    An unknown name costs the same hashing time as a wrong password, so response times
    do not tell which names exist.
    """
    row = _row(session, username)
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        with _commit(session):
            row.password_hash = _hasher.hash(password)
    return _user(row)


# -- sessions -----------------------------------------------------------------------------


def open_session(*, session: Session, user_id: int, lifetime: timedelta = SESSION_LIFETIME) -> str:
    """A new login for ``user_id``: returns the token for the browser (stored hashed)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with _commit(session):
        session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
        session.add(
            SessionRow(
                id=_digest(token), user_id=user_id, created_at=now, expires_at=now + lifetime
            )
        )
    return token


def session_user(*, session: Session, token: str) -> User | None:
    """The user logged in with ``token``, or None when it is unknown or expired."""
    row = session.get(SessionRow, _digest(token))
    if row is None:
        return None
    if _aware(row.expires_at) <= datetime.now(UTC):
        with _commit(session):
            session.delete(row)
        return None
    user = session.get(UserRow, row.user_id)
    return None if user is None else _user(user)


def close_session(*, session: Session, token: str) -> None:
    """Log out: the token stops working at once."""
    with _commit(session):
        session.execute(delete(SessionRow).where(SessionRow.id == _digest(token)))


def count_sessions(*, session: Session, username: str) -> int:
    """Open sessions of a user (for tests and the admin page)."""
    row = _row(session, username)
    if row is None:
        return 0
    query = select(func.count()).select_from(SessionRow).where(SessionRow.user_id == row.id)
    return int(session.scalar(query) or 0)


# -- helpers ------------------------------------------------------------------------------


@contextmanager
def _commit(session: Session) -> Iterator[None]:
    """Commit on success, roll back and re-raise on error."""
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    session.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; we only ever store UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _row(session: Session, username: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.username == username))


def _existing(session: Session, username: str) -> UserRow:
    row = _row(session, username)
    if row is None:
        raise AuthError(_("there is no user {name!r}").format(name=username))
    return row


def _role(role: UserRole | str) -> UserRole:
    try:
        return UserRole(role)
    except ValueError:
        raise AuthError(
            _("unknown role {role!r}; choose admin, analyst or viewer").format(role=role)
        ) from None


def _keep_an_admin(session: Session, username: str) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(UserRow)
        .where(UserRow.role == UserRole.ADMIN.value, UserRow.username != username)
    )
    if not others:
        raise AuthError(
            _("{name!r} is the last admin of this workspace: make another admin first").format(
                name=username
            )
        )
