"""``touchpath collect merge|status``: the collector's staged events into the events store.

The web server merges by itself every second; ``collect merge`` does the same once (for a
cron, or when the server is not running), ``--watch`` keeps doing it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from touchpath.commands.shell import (
    JsonOpt,
    emit_json,
    open_workspace,
    out,
    user_errors,
    workspace_root,
)
from touchpath.config import Settings
from touchpath.i18n import _
from touchpath.ingest import collector, staging
from touchpath.workspace import find_workspace, group_members

collect_app = typer.Typer(
    help=_("Events sent to the collector: merge them into the events store, see the backlog."),
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(collect_app, name="collect")


@collect_app.command("merge", help=_("Move staged events into the events store (every member)."))
@user_errors
def merge(
    ctx: typer.Context,
    watch: Annotated[bool, typer.Option("--watch", help=_("Keep merging until stopped."))] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=0.1, help=_("Seconds between merges (--watch)."))
    ] = 1.0,
    json_out: JsonOpt = False,
) -> None:
    settings: Settings | None = ctx.obj
    metadata_url = settings.metadata_url if settings else None
    root = workspace_root(ctx)
    if watch:
        collector.watch(root, interval=interval, metadata_url=metadata_url, log=out.print)
        return
    reports = collector.merge_all(root, metadata_url=metadata_url)
    if json_out:
        emit_json([r.to_json() for r in reports])
        return
    for r in reports:
        if r.busy:
            out.print(_("{ws}: another merge is running").format(ws=r.workspace))
            continue
        out.print(
            _(
                "{ws}: {merged:,} merged: {imported:,} imported, {dup:,} duplicates, "
                "{quarantined:,} quarantined"
            ).format(
                ws=r.workspace,
                merged=r.merged,
                imported=r.imported,
                dup=r.duplicates,
                quarantined=r.quarantined,
            )
        )


@collect_app.command("status", help=_("Events staged and still waiting to be merged."))
@user_errors
def status(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    open_workspace(ctx)  # a clear error outside a workspace
    settings: Settings | None = ctx.obj
    rows: list[tuple[str, staging.Backlog]] = []
    for folder in group_members(workspace_root(ctx)):
        ws = find_workspace(folder, metadata_url=settings.metadata_url if settings else None)
        path = staging.staging_path(ws.root)
        backlog = staging.Backlog({}, {})
        if path.exists():
            con = staging.connect(path)
            try:
                backlog = staging.backlog(con)
            finally:
                con.close()
        rows.append((str(ws.root), backlog))
    if json_out:
        emit_json([{"workspace": root, **backlog.to_json()} for root, backlog in rows])
        return
    for root, backlog in rows:
        out.print(
            _("{ws}: {staged:,} staged, {waiting:,} waiting").format(
                ws=root,
                staged=sum(backlog.staged.values()),
                waiting=sum(backlog.waiting.values()),
            )
        )
