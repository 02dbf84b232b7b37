"""The ``touchpath`` command: a thin Typer shell over the library.

Every command works on the workspace in the current folder, ``--workspace DIR`` or
``TOUCHPATH_WORKSPACE``; ``--json`` prints one JSON document for scripts (docs/cli.md).
User mistakes print one line and exit 1; they never show a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from touchpath import __version__
from touchpath.commands import register_all
from touchpath.commands.shell import (
    JsonOpt,
    emit_json,
    err,
    fail,
    open_workspace,
    out,
    progress_bar,
    user_errors,
    workspace_root,
)
from touchpath.config import Settings
from touchpath.i18n import _, detect_language, reset_language, set_language
from touchpath.labels import label
from touchpath.model.vocab import ChannelGroup, Status
from touchpath.workspace import find_workspace, group_members

set_language(detect_language())  # before the commands are declared, so --help is translated

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="touchpath",
    help=_("Customer touchpoints and journeys: catalogue, events, analytics."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
catalogue_app = typer.Typer(
    help=_("The touchpoint catalogue: list, validate, export, import."),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(catalogue_app, name="catalogue")


@app.callback()
def root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            envvar="TOUCHPATH_WORKSPACE",
            help=_("Workspace folder (default: the current folder)."),
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help=_("Language of messages: en or ru."))
    ] = None,
    version: Annotated[bool, typer.Option("--version", help=_("Show the version."))] = False,
) -> None:
    if version:
        out.print(f"touchpath {__version__}")
        raise typer.Exit(0)
    if lang is not None:
        try:
            token = set_language(lang)
        except ValueError:
            fail(_("unsupported language {lang!r}; choose en or ru").format(lang=lang))
        ctx.call_on_close(lambda: reset_language(token))
    ctx.obj = Settings(workspace=workspace)


# --- workspaces -------------------------------------------------------------------------


@app.command(help=_("Make an empty workspace: touchpath.toml, metadata DB, events DB."))
@user_errors
def init(
    ctx: typer.Context,
    directory: Annotated[
        Path | None, typer.Argument(help=_("Folder to make a workspace (default: current)."))
    ] = None,
    name: Annotated[str | None, typer.Option(help=_("Business name."))] = None,
    timezone: Annotated[str, typer.Option(help=_("Time zone of naive timestamps."))] = "UTC",
    currency: Annotated[str, typer.Option(help=_("Currency code, e.g. RUB."))] = "EUR",
    metadata_url: Annotated[
        str | None, typer.Option(help=_("SQLAlchemy URL of the metadata DB (default SQLite)."))
    ] = None,
    engine: Annotated[
        str, typer.Option(help=_("Events store: duckdb (one file) or spark (Parquet folder)."))
    ] = "duckdb",
    json_out: JsonOpt = False,
) -> None:
    from touchpath.bootstrap import init_workspace
    from touchpath.model import Catalogue

    root = directory or workspace_root(ctx)
    catalogue = Catalogue(business=name or root.resolve().name, currency=currency.upper())
    _check_engine(engine)
    ws = init_workspace(
        root, catalogue=catalogue, timezone=timezone, metadata_url=metadata_url, engine=engine
    )
    if json_out:
        emit_json({"workspace": str(ws.root), "name": ws.name})
        return
    out.print(_("Workspace created in {path}").format(path=ws.root))


@app.command(help=_("Build the demo: a clinic and an electronics shop with a year of journeys."))
@user_errors
def demo(
    ctx: typer.Context,
    directory: Annotated[
        Path | None, typer.Argument(help=_("Folder for the demo (default: current)."))
    ] = None,
    customers: Annotated[
        int, typer.Option(min=10, help=_("Customers in total, shared by the businesses."))
    ] = 20_000,
    seed: Annotated[int, typer.Option(help=_("Random seed; the same seed, the same data."))] = 42,
    business: Annotated[
        list[str] | None, typer.Option(help=_("Businesses to build: shop, clinic."))
    ] = None,
    force: Annotated[
        bool, typer.Option(help=_("Replace a demo already built in the folder."))
    ] = False,
    engine: Annotated[
        str, typer.Option(help=_("Events store: duckdb (one file) or spark (Parquet folder)."))
    ] = "duckdb",
    json_out: JsonOpt = False,
) -> None:
    from touchpath.bootstrap import DEMO_BUSINESSES, build_demo
    from touchpath.summary import summarise

    businesses = business or list(DEMO_BUSINESSES)
    unknown = sorted(set(businesses) - set(DEMO_BUSINESSES))
    if unknown:
        fail(_("unknown demo business {name}; choose from shop, clinic").format(name=unknown[0]))
    _check_engine(engine)
    root = directory or workspace_root(ctx)
    with progress_bar(_("Building the demo"), enabled=not json_out) as update:
        made = build_demo(
            root,
            customers=customers,
            seed=seed,
            businesses=businesses,
            replace=force,
            progress=update,
            engine=engine,
        )
    summaries = [summarise(ws) for ws in made]
    if json_out:
        emit_json(
            {"workspace": str(root.resolve()), "workspaces": [s.to_json() for s in summaries]}
        )
        return
    for summary in summaries:
        show_summary(summary)
    out.print(
        _("Demo built in {path}. Try: touchpath --workspace {path} info").format(
            path=root.resolve()
        )
    )


def _check_engine(name: str) -> None:
    from touchpath.engines import ENGINES

    if name not in ENGINES:
        choices = ", ".join(sorted(ENGINES))
        fail(
            _("unknown events engine {name}; choose one of: {choices}").format(
                name=name, choices=choices
            )
        )


@app.command(help=_("Summarise the workspace: catalogue, events, channels, imports."))
@user_errors
def info(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    from touchpath.summary import summarise

    settings: Settings = ctx.obj
    members = group_members(workspace_root(ctx))
    summaries = [summarise(find_workspace(m, metadata_url=settings.metadata_url)) for m in members]
    if json_out:
        emit_json(
            summaries[0].to_json()
            if len(summaries) == 1
            else {"workspaces": [s.to_json() for s in summaries]}
        )
        return
    for summary in summaries:
        show_summary(summary)


def show_summary(s: Any) -> None:
    out.rule(f"[bold]{escape(s.business)}[/]  ({escape(s.path)})")
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    status = ", ".join(f"{label(k, Status)} {v}" for k, v in s.touchpoints_by_status.items()) or "0"
    rows = [
        (_("Touchpoints"), f"{s.touchpoints} ({status})"),
        (_("Stages / chains / competitors"), f"{s.stages} / {s.chains} / {s.competitors}"),
        (_("Missing vs competitors"), ", ".join(s.missing_touchpoints) or "—"),
        (_("Events"), f"{s.events:,}"),
        (_("Customers (converted)"), f"{s.customers:,} ({s.converted_customers:,})"),
        (_("Conversions"), f"{s.conversions:,}"),
        (_("Period"), f"{_day(s.first_event)} — {_day(s.last_event)}"),
        (_("Revenue"), ", ".join(f"{v:,.0f} {c}" for c, v in s.revenue.items()) or "—"),
        (_("Imports / quarantined rows"), f"{s.imports} / {s.quarantined}"),
    ]
    for name, value in rows:
        facts.add_row(name, escape(value))
    out.print(facts)
    if s.channels:
        table = Table(title=_("Channels"), title_justify="left")
        for col in (_("channel"), _("touches"), _("customers"), _("conversions")):
            table.add_column(col, justify="left" if col == _("channel") else "right")
        for row in s.channels:
            table.add_row(
                escape(label(row["channel"], ChannelGroup)),
                f"{row['touches']:,}",
                f"{row['customers']:,}",
                f"{row['conversions']:,}",
            )
        out.print(table)


def _day(value: Any) -> str:
    return value.date().isoformat() if value is not None else "—"


# --- import -----------------------------------------------------------------------------


@app.command(
    "import", help=_("Import touch events; bad rows go to quarantine, re-imports add nothing.")
)
@user_errors
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("CSV, TSV, JSON Lines or Parquet file."))],
    mapping: Annotated[
        Path | None, typer.Option(help=_("Column mapping and touchpoint rules (YAML)."))
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=_("csv, jsonl, parquet, ga4, yandex_metrica, bitrix24.")),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help=_("Exit with code 1 when any row is quarantined."))
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.bootstrap import ingest_store, load_catalogue, publish_import
    from touchpath.ingest.mapping import load_mapping
    from touchpath.ingest.pipeline import import_events

    ws = open_workspace(ctx)
    rules = load_mapping(mapping) if mapping is not None else None
    catalogue = load_catalogue(ws)
    with progress_bar(_("Importing {file}").format(file=file.name), enabled=not json_out) as bar:
        report = import_events(
            ingest_store(ws), file, mapping=rules, fmt=fmt, catalogue=catalogue, progress=bar
        )
        publish_import(ws, report.import_id)
    if json_out:
        emit_json(report.to_json())
    else:
        out.print(
            _(
                "{file}: {read:,} rows read, {imported:,} imported, {dup:,} duplicates, "
                "{quarantined:,} quarantined"
            ).format(
                file=escape(str(file)),
                read=report.rows_read,
                imported=report.imported,
                dup=report.duplicates,
                quarantined=report.quarantined,
            )
        )
        if report.quarantined:
            out.print(_("See them with: touchpath quarantine"))
    if strict and report.quarantined:
        raise typer.Exit(1)


@app.command(help=_("Show rows that imports set aside, with file, line, field and reason."))
@user_errors
def quarantine(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, help=_("Rows to show."))] = 50,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.bootstrap import ingest_store

    ws = open_workspace(ctx)
    con = ingest_store(ws).connect(read_only=True)
    try:
        table = con.table("quarantine")
        total = int(con.execute(table.count()))
        rows = con.execute(table.order_by(["import_id", "line"]).limit(limit)).to_dict("records")
    finally:
        con.disconnect()
    if json_out:
        emit_json({"total": total, "rows": rows})
        return
    grid = Table(title=_("Quarantined rows: {n:,}").format(n=total), title_justify="left")
    for col in (_("import"), _("file"), _("line"), _("field"), _("reason")):
        grid.add_column(col)
    for row in rows:
        grid.add_row(
            str(row["import_id"]),
            escape(str(row["source"])),
            str(row["line"]),
            escape(str(row["field"] or "")),
            escape(str(row["reason"])),
        )
    out.print(grid)


# --- catalogue --------------------------------------------------------------------------


@catalogue_app.command("list", help=_("List the touchpoints with their attributes."))
@user_errors
def catalogue_list(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    from touchpath.bootstrap import load_catalogue

    catalogue = load_catalogue(open_workspace(ctx))
    if json_out:
        emit_json(catalogue.model_dump(mode="json"))
        return
    table = Table(title=escape(catalogue.business), title_justify="left")
    cols = (
        _("id"),
        _("name"),
        _("channel"),
        _("mode"),
        _("stages"),
        _("role"),
        _("owner"),
        _("status"),
    )
    for col in cols:
        table.add_column(col)
    for tp in catalogue.touchpoints:
        owner = tp.owner or (_("automated") if tp.automated else "—")
        role = label(tp.role) + (" ★" if tp.wow else "")
        table.add_row(
            tp.id,
            escape(tp.name),
            label(tp.channel),
            label(tp.mode),
            ", ".join(tp.stages),
            role,
            escape(owner),
            label(tp.status),
        )
    out.print(table)


@catalogue_app.command(
    "validate",
    help=_("Check a catalogue YAML file (or the stored catalogue) and list every problem."),
)
@user_errors
def catalogue_validate(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help=_("YAML file (default: the stored catalogue)."))
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.bootstrap import load_catalogue
    from touchpath.catalogue.yaml_io import CatalogueFileError, load_catalogue_yaml

    problems: list[str]
    if file is not None:
        try:
            load_catalogue_yaml(file)
            problems = []
        except CatalogueFileError as exc:
            problems = [str(e) for e in exc.errors] or [str(exc)]
    else:
        problems = [
            f"{p.field}: {p.message}" for p in load_catalogue(open_workspace(ctx)).problems()
        ]
    if json_out:
        emit_json({"valid": not problems, "problems": problems})
    elif problems:
        for line in problems:
            err.print(escape(line))
    else:
        out.print(_("The catalogue is valid."))
    if problems:
        raise typer.Exit(1)


@catalogue_app.command(
    "export", help=_("Write the catalogue as YAML, to keep it under version control.")
)
@user_errors
def catalogue_export(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("File to write (default: stdout)."))
    ] = None,
) -> None:
    from touchpath.bootstrap import load_catalogue
    from touchpath.catalogue.yaml_io import dump_catalogue_yaml

    text = dump_catalogue_yaml(load_catalogue(open_workspace(ctx)))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(_("Catalogue written to {path}").format(path=output))


@catalogue_app.command(
    "import", help=_("Replace the stored catalogue with a YAML file (validated first).")
)
@user_errors
def catalogue_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("Catalogue YAML file."))],
    json_out: JsonOpt = False,
) -> None:
    from touchpath.bootstrap import store_catalogue
    from touchpath.catalogue.yaml_io import load_catalogue_yaml

    catalogue = load_catalogue_yaml(file)
    store_catalogue(open_workspace(ctx), catalogue)
    if json_out:
        emit_json(
            {
                "imported": str(file),
                "touchpoints": len(catalogue.touchpoints),
                "chains": len(catalogue.chains),
            }
        )
        return
    out.print(
        _("Catalogue imported: {n} touchpoints, {c} chains").format(
            n=len(catalogue.touchpoints), c=len(catalogue.chains)
        )
    )


register_all(app)


def main() -> None:
    app()
