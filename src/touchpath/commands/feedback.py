"""``touchpath feedback``: import survey answers and reviews, list imports and quarantine.

Concepts, the mapping and the JSON documents: docs/voc.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from touchpath.commands.shell import (
    JsonOpt,
    emit_json,
    err,
    metadata_session,
    out,
    user_errors,
)
from touchpath.i18n import _

if TYPE_CHECKING:
    from touchpath.store.feedback import AlertRow

feedback_app = typer.Typer(
    name="feedback",
    help=_("Customer feedback: survey answers (NPS, CSAT, CES, stars) and reviews."),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(feedback_app)


@feedback_app.command("import")
@user_errors
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("CSV or JSON Lines file of answers."))],
    mapping: Annotated[
        Path | None,
        typer.Option(help=_("Column mapping of a survey export (YAML), see docs/voc.md.")),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help=_("Exit with code 1 when any row is quarantined."))
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Import feedback; bad rows go to quarantine, re-imports add nothing; alerts are
    checked afterwards."""
    from touchpath.store import crud
    from touchpath.voc.importer import import_feedback
    from touchpath.voc.mapping import load_mapping
    from touchpath.voc.records import known_from_catalogue

    rules = load_mapping(mapping) if mapping is not None else None
    with metadata_session(ctx) as session:
        known = known_from_catalogue(crud.load_catalogue(session=session))
        report = import_feedback(file, session=session, mapping=rules, known=known)
        if not report.invitations:
            from touchpath.voc.alerts import check_alerts

            check_alerts(session=session)
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
                imported=report.rows_inserted,
                dup=report.rows_duplicate,
                quarantined=report.rows_quarantined,
            )
        )
        for q in report.sample:
            err.print(escape(f"{file}:{q.line}: {q.field or _('row')}: {q.reason}"))
        if report.rows_quarantined:
            out.print(_("See them with: touchpath feedback quarantine"))
    if strict and report.rows_quarantined:
        raise typer.Exit(1)


@feedback_app.command("list")
@user_errors
def list_(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """The feedback imports, newest first, with their counts."""
    from touchpath.store.feedback import feedback_count, list_imports

    with metadata_session(ctx) as session:
        total = feedback_count(session=session)
        rows = [
            {
                "import_id": r.id,
                "file": r.file,
                "format": r.format,
                "status": r.status,
                "rows_read": r.rows_read,
                "rows_inserted": r.rows_inserted,
                "rows_duplicate": r.rows_duplicate,
                "rows_quarantined": r.rows_quarantined,
                "started_at": r.started_at.isoformat(),
            }
            for r in list_imports(session=session)
        ]
    if json_out:
        emit_json({"feedback": total, "imports": rows})
        return
    grid = Table(title=_("Feedback stored: {n:,}").format(n=total), title_justify="left")
    for col in (
        _("import"),
        _("file"),
        _("read"),
        _("imported"),
        _("duplicates"),
        _("quarantined"),
    ):
        grid.add_column(col)
    for r in rows:
        grid.add_row(
            str(r["import_id"]),
            escape(str(r["file"])),
            f"{r['rows_read']:,}",
            f"{r['rows_inserted']:,}",
            f"{r['rows_duplicate']:,}",
            f"{r['rows_quarantined']:,}",
        )
    out.print(grid)


@feedback_app.command("quarantine")
@user_errors
def quarantine(
    ctx: typer.Context,
    import_id: Annotated[int | None, typer.Option("--import", help=_("Only this import."))] = None,
    limit: Annotated[int, typer.Option(min=1, help=_("Rows to show."))] = 50,
    json_out: JsonOpt = False,
) -> None:
    """Rows that feedback imports set aside, with file, line, field and reason."""
    from touchpath.store.feedback import list_quarantine

    with metadata_session(ctx) as session:
        rows = [
            {
                "import_id": q.import_id,
                "file": q.file,
                "line": q.line,
                "field": q.field,
                "reason": q.reason,
                "raw": q.raw,
            }
            for q in list_quarantine(session=session, import_id=import_id, limit=limit)
        ]
    if json_out:
        emit_json({"rows": rows})
        return
    grid = Table(title=_("Quarantined feedback rows"), title_justify="left")
    for col in (_("import"), _("file"), _("line"), _("field"), _("reason")):
        grid.add_column(col)
    for r in rows:
        grid.add_row(
            str(r["import_id"]),
            escape(str(r["file"])),
            str(r["line"]),
            escape(str(r["field"] or "")),
            escape(str(r["reason"])),
        )
    out.print(grid)


def status_label(status: str) -> str:
    """An alert status as people read it."""
    return {"open": _("open"), "acknowledged": _("acknowledged"), "closed": _("closed")}.get(
        status, status
    )


def _alert_json(row: AlertRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "kind": row.kind,
        "touchpoint": row.touchpoint,
        "metric": row.metric,
        "value": row.value,
        "previous": row.previous,
        "p_value": row.p_value,
        "status": row.status,
        "message": row.message,
        "details": row.details,
    }


@feedback_app.command("alerts")
@user_errors
def alerts(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option(help=_("Run the negative-share and KPI-drop checks first."))
    ] = True,
    status: Annotated[
        str | None,
        typer.Option(help=_("Only alerts with this status (open, acknowledged, closed).")),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Negative touchpoints and significant KPI drops (docs/voc.md)."""
    from touchpath.voc.alerts import check_alerts, list_alerts

    with metadata_session(ctx) as session:
        run = check_alerts(session=session) if check else None
        rows = [_alert_json(r) for r in list_alerts(session=session, status=status)]
    if json_out:
        emit_json({"check": None if run is None else run.to_json(), "alerts": rows})
        return
    grid = Table(title=_("Alerts"), title_justify="left")
    for col in ("id", _("status"), _("kind"), _("touchpoint"), _("message")):
        grid.add_column(col)
    for r in rows:
        grid.add_row(
            str(r["id"]),
            _(r["status"]),
            r["kind"],
            escape(str(r["touchpoint"] or "")),
            escape(r["message"]),
        )
    out.print(grid)


@feedback_app.command("alert")
@user_errors
def alert(
    ctx: typer.Context,
    alert_id: Annotated[int, typer.Argument(help=_("The alert's id."))],
    status: Annotated[str, typer.Argument(help=_("open, acknowledged or closed."))],
    json_out: JsonOpt = False,
) -> None:
    """Acknowledge, close or reopen one alert."""
    from touchpath.errors import TouchpathError
    from touchpath.store.feedback import ALERT_STATUSES
    from touchpath.voc.alerts import set_alert_status

    if status not in ALERT_STATUSES:
        raise TouchpathError(
            _("unknown status {s!r} (open, acknowledged, closed)").format(s=status)
        )
    with metadata_session(ctx) as session:
        row = set_alert_status(session=session, alert_id=alert_id, status=status)
        if row is None:
            raise TouchpathError(_("no alert {id}").format(id=alert_id))
        doc = _alert_json(row)
    if json_out:
        emit_json(doc)
    else:
        out.print(_("alert {id}: {status}").format(id=alert_id, status=status_label(status)))
