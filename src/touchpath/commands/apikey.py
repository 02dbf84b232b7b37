"""``touchpath apikey create|list|revoke``: API keys for the REST API and the collector.

A key belongs to one workspace; in a group, ``--member`` names which (a list shows them
all). The token is printed once, by ``create``; only its SHA-256 is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from touchpath.commands.shell import (
    JsonOpt,
    emit_json,
    err,
    out,
    user_errors,
    workspace_root,
)
from touchpath.config import Settings
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.store import api_keys, migrate
from touchpath.store.auth import AuthError
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import Workspace, find_workspace, group_members

apikey_app = typer.Typer(
    help=_("API keys of the REST API and the event collector: create, list, revoke."),
    no_args_is_help=True,
    rich_markup_mode=None,
)

MemberOpt = Annotated[
    str | None,
    typer.Option("--member", help=_("In a group: the member workspace the key belongs to.")),
]


def register(app: typer.Typer) -> None:
    app.add_typer(apikey_app, name="apikey")


@apikey_app.command("create", help=_("Make a key; its token is shown this once."))
@user_errors
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("What the key is for, e.g. 'site snippet'."))],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help=_(
                "collector (only sends events: for a site's snippet), viewer (reads), "
                "analyst (also edits the catalogue), admin (also manages keys)."
            ),
        ),
    ] = "viewer",
    member: MemberOpt = None,
    json_out: JsonOpt = False,
) -> None:
    key_member, ws = _one(ctx, member)
    with _session(ws) as db:
        key, token = api_keys.create_api_key(session=db, name=name, role=role)
    doc = {**key.to_json(), "member": key_member, "token": token}
    if json_out:
        emit_json(doc)
        return
    out.print(
        _("API key {id} ({role}) for {member}: {token}").format(
            id=key.id, role=key.role.value, member=escape(key_member), token=token
        )
    )
    err.print(_("Store it now: it is not shown again."))


@apikey_app.command("list", help=_("The keys of the workspace (or of every member)."))
@user_errors
def list_(ctx: typer.Context, member: MemberOpt = None, json_out: JsonOpt = False) -> None:
    rows = []
    for key_member, ws in _members(ctx, member):
        with _session(ws) as db:
            rows += [
                {"member": key_member, **k.to_json()} for k in api_keys.list_api_keys(session=db)
            ]
    if json_out:
        emit_json(rows)
        return
    table = Table(title=_("API keys"), title_justify="left")
    for column in (
        _("member"),
        "id",
        _("name"),
        _("prefix"),
        _("role"),
        _("last used"),
        _("revoked"),
    ):
        table.add_column(column)
    for row in rows:
        table.add_row(
            escape(str(row["member"])),
            str(row["id"]),
            escape(str(row["name"])),
            str(row["prefix"]) + "…",
            str(row["role"]),
            _day(row["last_used_at"]),
            _day(row["revoked_at"]),
        )
    out.print(table)


@apikey_app.command("revoke", help=_("Stop a key working at once."))
@user_errors
def revoke(
    ctx: typer.Context,
    key_id: Annotated[int, typer.Argument(help=_("The key's id (see apikey list)."))],
    member: MemberOpt = None,
    json_out: JsonOpt = False,
) -> None:
    key_member, ws = _one(ctx, member)
    with _session(ws) as db:
        key = api_keys.revoke_api_key(session=db, key_id=key_id)
    if json_out:
        emit_json({"member": key_member, **key.to_json()})
    else:
        out.print(_("API key {id} of {member} is revoked.").format(id=key.id, member=key_member))


def _day(value: object) -> str:
    return "—" if value is None else str(value)[:19].replace("T", " ")


def _members(ctx: typer.Context, name: str | None) -> list[tuple[str, Workspace]]:
    """(member key, workspace) of every member, or of the one named."""
    settings: Settings | None = ctx.obj
    root = workspace_root(ctx)
    folders = group_members(root)
    if name is not None:
        chosen = [f for f in folders if f.name == name]
        if not chosen:
            raise TouchpathError(
                _("unknown member {name!r}; choose from {choices}").format(
                    name=name, choices=", ".join(f.name for f in folders)
                )
            )
        folders = chosen
    metadata_url = settings.metadata_url if settings else None
    return [(f.name, find_workspace(f, metadata_url=metadata_url)) for f in folders]


def _one(ctx: typer.Context, name: str | None) -> tuple[str, Workspace]:
    found = _members(ctx, name)
    if len(found) > 1:
        raise AuthError(
            _("this is a group: choose the member with --member ({choices})").format(
                choices=", ".join(m for m, _ws in found)
            )
        )
    return found[0]


@contextmanager
def _session(ws: Workspace) -> Iterator[Session]:
    """A metadata session on a DB brought to the newest schema (it gains the keys table)."""
    migrate.upgrade(ws.metadata_url)
    engine = create_engine(ws.metadata_url)
    try:
        with session_factory(engine)() as db:
            yield db
    finally:
        engine.dispose()


__all__ = ["register"]
