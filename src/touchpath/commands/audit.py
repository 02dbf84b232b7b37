"""``touchpath audit``: touchpoint audits, competitor comparison, gaps and the improvement plan.

Concepts, formulas and the JSON documents: docs/audit.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer
import yaml

from touchpath.commands.shell import (
    HtmlOpt,
    JsonOpt,
    emit_json,
    err,
    frame_json,
    open_workspace,
    out,
    print_frame,
    user_errors,
    write_figure,
)
from touchpath.commands.shell import metadata_session as _session
from touchpath.errors import TouchpathError
from touchpath.i18n import _

if TYPE_CHECKING:
    from touchpath.audit.plan import PlanConfig, Signals

audit_app = typer.Typer(
    name="audit",
    help=_("Touchpoint audits, competitors, gaps and the improvement plan."),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app)


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise TouchpathError(
            _("{option}: {value!r} is not a date YYYY-MM-DD").format(option=option, value=value)
        ) from None


# -- import / export / history ------------------------------------------------------------


@audit_app.command("import")
@user_errors
def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help=_("Audit files (.csv, .yaml); each goes in whole or not at all.")),
    ],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help=_("Replace an audit already stored (same date, auditor, subject).")
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Import audits from CSV or YAML files."""
    from touchpath.audit.service import import_audits

    done: list[dict[str, Any]] = []
    with _session(ctx) as session:
        for file in files:
            audits = import_audits(
                session=session, name=str(file), data=file.read_bytes(), replace=replace
            )
            done.append(
                {
                    "file": str(file),
                    "audits": len(audits),
                    "scores": sum(len(a.scores) for a in audits),
                }
            )
            if not json_out:
                err.print(_("{file}: {audits} audits, {scores} scores imported").format(**done[-1]))
    if json_out:
        emit_json({"imported": done})


@audit_app.command("export")
@user_errors
def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("Where to write (.csv or .yaml); - for stdout."))],
    subject: Annotated[
        str | None, typer.Option("--subject", help=_("Only audits of ours or of this competitor."))
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help=_("csv or yaml (default: from the file name)."))
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Export the stored audits (all history) as CSV or YAML."""
    from touchpath.audit.io import write_audit_csv, write_audit_yaml
    from touchpath.store import audits as store
    from touchpath.store import crud

    kind = fmt or ("yaml" if file.suffix.lower() in (".yaml", ".yml") else "csv")
    if kind not in ("csv", "yaml"):
        raise TouchpathError(_("--format: use csv or yaml"))
    with _session(ctx) as session:
        audits = [
            a for a in store.load_audits(session=session) if subject is None or a.subject == subject
        ]
        catalogue = crud.load_catalogue(session=session)
        checklists = store.load_checklists(session=session)
    writer = write_audit_csv if kind == "csv" else write_audit_yaml
    text = writer(audits, catalogue=catalogue, checklists=checklists)
    if str(file) == "-":
        typer.echo(text, nl=False)
        return
    file.write_text(text, encoding="utf-8")
    summary = {"file": str(file), "format": kind, "audits": len(audits)}
    if json_out:
        emit_json(summary)
    else:
        err.print(_("{audits} audits written to {file}").format(**summary))


@audit_app.command("history")
@user_errors
def history(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Every stored audit, newest first."""
    from touchpath.store import audits as store

    with _session(ctx) as session:
        rows = store.list_audits(session=session)
    frame = pd.DataFrame(
        [
            {
                "id": r.id,
                "date": r.date.isoformat(),
                "subject": r.subject,
                "auditor": r.auditor,
                "scores": r.scores,
                "missing": r.missing,
                "notes": r.notes,
            }
            for r in rows
        ],
        columns=["id", "date", "subject", "auditor", "scores", "missing", "notes"],
    )
    if json_out:
        emit_json({"audits": frame_json(frame)})
    else:
        print_frame(frame, _("Audits"))


# -- score / compare ----------------------------------------------------------------------


@audit_app.command("score")
@user_errors
def score_(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", help=_("touchpoint, stage, chain or parameter."))
    ] = "touchpoint",
    subject: Annotated[
        str | None, typer.Option("--subject", help=_("ours or a competitor id (default: all)."))
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help=_("Score with the audits up to this date."))
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Weighted audit scores (0..1) per touchpoint, stage, chain or parameter."""
    from touchpath.audit.service import load

    tables = {
        "touchpoint": "touchpoints",
        "stage": "stages",
        "chain": "chains",
        "parameter": "parameters",
    }
    if by not in tables:
        raise TouchpathError(_("--by: use touchpoint, stage, chain or parameter"))
    with _session(ctx) as session:
        data = load(session=session, as_of=_parse_date(as_of, "--as-of"))
    frame: pd.DataFrame = getattr(data.result, tables[by])
    if subject is not None:
        if subject not in data.result.subjects:
            raise TouchpathError(
                _("unknown subject {value!r}: use {known}").format(
                    value=subject, known=", ".join(data.result.subjects)
                )
            )
        frame = frame[frame.subject == subject]
    frame = frame.reset_index(drop=True)
    if "date" in frame.columns:
        frame = frame.assign(date=frame["date"].map(lambda d: d.isoformat() if d else None))
    if json_out:
        emit_json({"by": by, "as_of": as_of, "rows": frame_json(frame)})
    else:
        print_frame(frame, _("Audit scores by {by} (0..1; — = missing)").format(by=by))


@audit_app.command("compare")
@user_errors
def compare(
    ctx: typer.Context,
    json_out: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    """Ours against each competitor per touchpoint, with the best competitor and best in class."""
    from touchpath.audit.service import load

    with _session(ctx) as session:
        data = load(session=session)
    frame = data.result.comparison
    if json_out:
        emit_json({"subjects": data.result.subjects, "touchpoints": frame_json(frame)})
    else:
        print_frame(frame, _("Ours against competitors (0..1)"))
    if html is not None:
        from touchpath.charts.audit import heatmap_chart

        write_figure(heatmap_chart(data.result.comparison, subjects=data.result.subjects), html)


# -- gaps ---------------------------------------------------------------------------------


@audit_app.command("gaps")
@user_errors
def gaps_(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Missing touchpoints, missed channels, the type report and the chain checks."""
    from touchpath.audit.service import gaps

    with _session(ctx) as session:
        found = gaps(session=session)
    if json_out:
        emit_json(found.to_json())
        return
    print_frame(
        pd.DataFrame(
            [
                {
                    "touchpoint": m.touchpoint,
                    "status": m.status,
                    "competitors": ", ".join(m.competitors),
                    "best": max(m.competitor_scores.values(), default=None),
                    "evidence": "; ".join(m.evidence[:2]),
                }
                for m in found.missing
            ],
            columns=["touchpoint", "status", "competitors", "best", "evidence"],
        ),
        _("Missing touchpoints"),
    )
    print_frame(
        pd.DataFrame(
            [
                {
                    "channel": m.channel,
                    "planned": ", ".join(m.planned),
                    "competitors": ", ".join(m.competitors),
                }
                for m in found.missed_channels
            ],
            columns=["channel", "planned", "competitors"],
        ),
        _("Missed channels (our audience is there, we are not)"),
    )
    print_frame(
        pd.DataFrame(
            [
                {
                    "type": k,
                    "count": v["count"],
                    "mean_score": v["mean_score"],
                    "touchpoints": ", ".join(v["touchpoints"]),
                }
                for k, v in found.types.items()
            ]
        ),
        _("Touchpoints by type"),
    )
    print_frame(
        pd.DataFrame(
            [
                {
                    "chain": c.chain,
                    "capture": ", ".join(c.capture_points) or "—",
                    "final_chord": c.ends_with_final_chord,
                    "next_chain": c.next_chain or "—",
                    "problems": "; ".join(c.problems) or _("none"),
                }
                for c in found.chains
            ]
        ),
        _("Chains"),
    )


# -- plan ---------------------------------------------------------------------------------


def _read_config(file: Path | None) -> PlanConfig:
    from pydantic import ValidationError

    from touchpath.audit.plan import PlanConfig

    if file is None:
        return PlanConfig()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        return PlanConfig.model_validate(data)
    except yaml.YAMLError:
        raise TouchpathError(_("{file}: not valid YAML").format(file=file)) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "—"
        raise TouchpathError(f"{file}: {where}: {first['msg']}") from None


def _signals(ctx: typer.Context, use_data: bool) -> Signals | None:
    """Attribution, reach and drop-off from the workspace's events, when it has any."""
    if not use_data:
        return None
    from touchpath.audit.signals import event_signals

    ws = open_workspace(ctx)
    try:
        con = ws.engine.connect(read_only=True)
    except Exception as exc:  # no events store, locked by a writer ...: audit alone
        err.print(_("no event data ({reason}): importance from the audit alone").format(reason=exc))
        return None
    try:
        events = ws.engine.events(con)
        if int(events.count().execute()) == 0:
            return None
        return event_signals(events)
    finally:
        con.disconnect()


@audit_app.command("plan")
@user_errors
def plan_(
    ctx: typer.Context,
    csv_file: Annotated[
        Path | None,
        typer.Option("--csv", help=_("Also write the plan to this CSV file."), dir_okay=False),
    ] = None,
    md_file: Annotated[
        Path | None,
        typer.Option("--md", help=_("Also write the plan to this Markdown file."), dir_okay=False),
    ] = None,
    config_file: Annotated[
        Path | None,
        typer.Option(
            "--config", help=_("YAML file with the weights of the impact formula."), dir_okay=False
        ),
    ] = None,
    use_data: Annotated[
        bool,
        typer.Option(
            "--data/--no-data",
            help=_("Weigh importance with the events (attribution, reach, drop-off)."),
        ),
    ] = True,
    limit: Annotated[
        int | None, typer.Option("--limit", help=_("Show only the first N items."))
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The improvement plan: touchpoints ranked by impact = importance × gap × negativity."""
    from touchpath.audit.export import plan_csv, plan_document, plan_markdown
    from touchpath.audit.service import plan

    config = _read_config(config_file)
    signals = _signals(ctx, use_data)
    with _session(ctx) as session:
        items = plan(session=session, signals=signals, config=config)
    if limit is not None:
        items = items[: max(limit, 0)]
    if csv_file is not None:
        csv_file.write_text(plan_csv(items), encoding="utf-8")
    if md_file is not None:
        md_file.write_text(plan_markdown(items, title=_("Improvement plan")), encoding="utf-8")
    if json_out:
        emit_json(plan_document(items, signals, config))
        return
    frame = pd.DataFrame(
        [
            {
                "item": i.key,
                "impact": i.impact,
                "importance": i.importance,
                "gap": i.gap,
                "negativity": i.negativity,
                "owner": i.owner,
                "status": i.status,
            }
            for i in items
        ],
        columns=["item", "impact", "importance", "gap", "negativity", "owner", "status"],
    )
    print_frame(frame, _("Improvement plan (impact = importance × gap × negativity)"))
    for n, i in enumerate(items[:10], start=1):
        out.print(f"{n}. {i.reason}", markup=False)


@audit_app.command("assign")
@user_errors
def assign(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help=_("The plan item key, e.g. improve:support_chat."))],
    owner: Annotated[str | None, typer.Option("--owner", help=_("Who does it."))] = None,
    due: Annotated[str | None, typer.Option("--due", help=_("By when (YYYY-MM-DD)."))] = None,
    status: Annotated[
        str, typer.Option("--status", help=_("open, in_progress, done or dropped."))
    ] = "open",
    note: Annotated[str | None, typer.Option("--note", help=_("A note."))] = None,
    json_out: JsonOpt = False,
) -> None:
    """Give a plan item an owner, a due date and a status (kept when the plan is re-run)."""
    from touchpath.store import audits as store

    with _session(ctx) as session:
        state = store.set_plan_item(
            session=session,
            key=key,
            owner=owner,
            due=_parse_date(due, "--due"),
            status=status,
            note=note,
        )
    doc = {
        "key": state.key,
        "owner": state.owner,
        "due": state.due.isoformat() if state.due else None,
        "status": state.status,
        "note": state.note,
    }
    if json_out:
        emit_json(doc)
    else:
        err.print(_("{key}: {status}").format(key=state.key, status=state.status))


@audit_app.command("checklist")
@user_errors
def checklist(
    ctx: typer.Context,
    channel: Annotated[str | None, typer.Argument(help=_("Show one channel's parameters."))] = None,
    export_file: Annotated[
        Path | None,
        typer.Option("--export", help=_("Write the checklists to this YAML file."), dir_okay=False),
    ] = None,
    import_file: Annotated[
        Path | None,
        typer.Option("--import", help=_("Use the checklists of this YAML file."), dir_okay=False),
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help=_("Go back to the default checklists."))
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """The parameters audited per channel, with their scales and weights."""
    from touchpath.catalogue.checklists import dump_checklists, parse_checklists
    from touchpath.store import audits as store

    with _session(ctx) as session:
        if import_file is not None:
            lists = parse_checklists(
                import_file.read_text(encoding="utf-8"), filename=str(import_file)
            )
            store.save_checklists(session=session, checklists=lists)
        elif reset:
            store.save_checklists(session=session, checklists=None)
        lists = store.load_checklists(session=session)
    if export_file is not None:
        export_file.write_text(dump_checklists(lists), encoding="utf-8")
    rows = [
        {
            "channel": ch.value,
            "parameter": p.id,
            "name": p.name,
            "scale": p.describe_scale(),
            "weight": p.weight,
        }
        for ch, params in lists.channels.items()
        if channel is None or ch.value == channel
        for p in params
    ]
    if json_out:
        emit_json({"parameters": rows})
    else:
        print_frame(
            pd.DataFrame(rows, columns=["channel", "parameter", "name", "scale", "weight"]),
            _("Audit checklists"),
        )
