"""``touchpath serve`` (the web app) and ``touchpath user add/list/passwd/remove``.

Both work on the current workspace, or on every member of a group (the demo's shop and
clinic): the server serves them all side by side, and user commands act on each member
unless ``--member`` names some. Users live in each workspace's own metadata DB.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from touchpath.commands.shell import (
    JsonOpt,
    emit_json,
    out,
    user_errors,
    workspace_root,
)
from touchpath.config import Settings
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.store import auth, migrate
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import Workspace, find_workspace, group_members, read_config

DEMO_USER = "demo"
DEMO_LOGIN_FILE = "demo_login"

user_app = typer.Typer(
    help=_("The users of the web app: add, list, change a password, remove."),
    no_args_is_help=True,
    rich_markup_mode=None,
)

MemberOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--member",
        help=_("In a group: the member workspace(s) to act on (default: every member)."),
    ),
]


def register(app: typer.Typer) -> None:
    app.command(help=_("Serve the web app on the workspace (or every workspace of a group)."))(
        serve
    )
    app.add_typer(user_app, name="user")


# -- serve --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str


def ensure_demo_login(root: Path, workspaces: list[Workspace]) -> DemoLogin:
    """The demo admin (``demo``) in every member, with a password kept in ``.web/demo_login``.

    The password is random, made once per demo and readable by the owner only; serving
    the demo again prints the same login (and puts that password back if it was changed).
    """
    from touchpath.web.security import state_dir, write_private  # the web stack loads lazily

    path = state_dir(root) / DEMO_LOGIN_FILE
    if not path.exists():
        write_private(path, secrets.token_urlsafe(9) + "\n")
    password = path.read_text(encoding="utf-8").strip()
    for ws in workspaces:
        with _session(ws) as db:
            if auth.get_user(session=db, username=DEMO_USER) is None:
                auth.create_user(
                    session=db, username=DEMO_USER, password=password, role=auth.UserRole.ADMIN
                )
            elif auth.authenticate(session=db, username=DEMO_USER, password=password) is None:
                # The printed login must work: the file is the demo password's only record.
                auth.set_password(session=db, username=DEMO_USER, password=password)
    return DemoLogin(DEMO_USER, password)


@user_errors
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help=_("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help=_("Port to listen on."))] = 8000,
) -> None:
    import uvicorn

    from touchpath.web import create_app

    root = workspace_root(ctx).resolve()
    settings: Settings = ctx.obj
    config = read_config(root)
    workspaces = _members(ctx, None)
    for ws in workspaces:
        migrate.upgrade(ws.metadata_url)
    login = ensure_demo_login(root, workspaces) if config.group and config.group.demo else None
    if login is None and not any(_has_users(ws) for ws in workspaces):
        raise TouchpathError(
            _(
                "nobody can log in yet: add a user first, e.g. "
                "`touchpath user add admin --role admin`"
            )
        )
    app = create_app(root, metadata_url=settings.metadata_url)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    names = ", ".join(ws.name for ws in workspaces)
    out.print(
        _("touchpath serves {names} at {url}").format(
            names=escape(names), url=f"http://{shown}:{port}/"
        )
    )
    if login is not None:
        out.print(
            _("Demo login: user {user}, password {password}").format(
                user=login.username, password=escape(login.password)
            )
        )
    out.print(_("Press Ctrl+C to stop."))
    uvicorn.run(app, host=host, port=port, log_level="warning")


# -- users --------------------------------------------------------------------------------


@user_app.command("add", help=_("Add a user with a role (admin, analyst or viewer)."))
@user_errors
def user_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help=_("User name (the login)."))],
    role: Annotated[str, typer.Option(help=_("admin, analyst or viewer."))] = "viewer",
    member: MemberOpt = None,
    json_out: JsonOpt = False,
) -> None:
    workspaces = _members(ctx, member)
    password = _new_password()
    for ws in workspaces:
        with _session(ws) as db:
            auth.create_user(session=db, username=username, password=password, role=role)
    if json_out:
        emit_json(
            {"username": username, "role": role, "workspaces": [ws.name for ws in workspaces]}
        )
        return
    for ws in workspaces:
        out.print(
            _("User {name} added to {workspace} as {role}.").format(
                name=escape(username), workspace=escape(ws.name), role=role
            )
        )


@user_app.command("list", help=_("List the users of each workspace with their roles."))
@user_errors
def user_list(ctx: typer.Context, member: MemberOpt = None, json_out: JsonOpt = False) -> None:
    rows: list[dict[str, str | None]] = []
    for ws in _members(ctx, member):
        with _session(ws) as db:
            for user in auth.list_users(session=db):
                rows.append(
                    {
                        "workspace": ws.root.name,
                        "username": user.username,
                        "role": user.role.value,
                        "language": user.language,
                        "created_at": user.created_at.isoformat(),
                    }
                )
    if json_out:
        emit_json({"users": rows})
        return
    table = Table(title=_("Users"), title_justify="left")
    for col in (_("workspace"), _("user"), _("role"), _("language"), _("added")):
        table.add_column(col)
    for row in rows:
        table.add_row(
            escape(str(row["workspace"])),
            escape(str(row["username"])),
            str(row["role"]),
            row["language"] or "—",
            str(row["created_at"])[:10],
        )
    out.print(table)


@user_app.command("passwd", help=_("Set a new password for a user (their sessions end)."))
@user_errors
def user_passwd(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help=_("User name."))],
    member: MemberOpt = None,
) -> None:
    workspaces = [ws for ws in _members(ctx, member) if _has_user(ws, username)]
    if not workspaces:
        raise TouchpathError(_("there is no user {name!r}").format(name=username))
    password = _new_password()
    for ws in workspaces:
        with _session(ws) as db:
            auth.set_password(session=db, username=username, password=password)
        out.print(
            _("Password of {name} changed in {workspace}.").format(
                name=escape(username), workspace=escape(ws.name)
            )
        )


@user_app.command("remove", help=_("Remove a user (the last admin stays)."))
@user_errors
def user_remove(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help=_("User name."))],
    member: MemberOpt = None,
) -> None:
    workspaces = [ws for ws in _members(ctx, member) if _has_user(ws, username)]
    if not workspaces:
        raise TouchpathError(_("there is no user {name!r}").format(name=username))
    for ws in workspaces:
        with _session(ws) as db:
            auth.delete_user(session=db, username=username)
        out.print(
            _("User {name} removed from {workspace}.").format(
                name=escape(username), workspace=escape(ws.name)
            )
        )


# -- helpers ------------------------------------------------------------------------------


def _members(ctx: typer.Context, names: list[str] | None) -> list[Workspace]:
    """The workspaces to act on: every member of the group, or those named."""
    settings: Settings = ctx.obj
    root = workspace_root(ctx)
    folders = group_members(root)
    if names:
        known = {f.name: f for f in folders}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise TouchpathError(
                _("unknown member {name!r}; choose from {choices}").format(
                    name=unknown[0], choices=", ".join(known)
                )
            )
        folders = [known[n] for n in names]
    workspaces = [find_workspace(f, metadata_url=settings.metadata_url) for f in folders]
    for ws in workspaces:
        migrate.upgrade(ws.metadata_url)
    return workspaces


@contextmanager
def _session(ws: Workspace) -> Iterator[Session]:
    """A metadata DB session of one workspace; the engine is disposed of afterwards."""
    engine = create_engine(ws.metadata_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _has_users(ws: Workspace) -> bool:
    with _session(ws) as db:
        return bool(auth.list_users(session=db))


def _has_user(ws: Workspace, username: str) -> bool:
    with _session(ws) as db:
        return auth.get_user(session=db, username=username) is not None


def _new_password() -> str:
    """Asked twice with no echo (or read from standard input when it is not a terminal)."""
    password: str = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    if len(password) < auth.MIN_PASSWORD:
        raise TouchpathError(
            _("the password must have at least {n} characters").format(n=auth.MIN_PASSWORD)
        )
    return password
