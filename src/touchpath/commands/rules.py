"""``touchpath rules``: the automation rules — list, show, add, edit, remove, export, import,
preview — plus the outbox (``rules outbox``, ``rules retry``) and channel ``rules settings``.

Concepts and the rule format: docs/automation.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from rich.markup import escape
from rich.table import Table

from touchpath.commands.shell import JsonOpt, emit_json, err, open_workspace, out, user_errors
from touchpath.commands.shell import metadata_session as session_for
from touchpath.errors import TouchpathError
from touchpath.i18n import _

if TYPE_CHECKING:
    from touchpath.automation.rulebook import StoredRule

rules_app = typer.Typer(
    name="rules",
    help=_("Automation rules: trigger, conditions, actions (tasks, email, SMS, webhooks)."),
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help=_("The rule's name (its id)."))]
FileArg = Annotated[
    Path, typer.Argument(help=_("A YAML file of rules."), exists=False, dir_okay=False)
]


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app)


def _summary(stored: StoredRule) -> dict[str, Any]:
    rule = stored.rule
    return {
        "name": rule.name,
        "title": rule.title,
        "enabled": rule.enabled,
        "trigger": rule.trigger.kind,
        "conditions": len(rule.conditions),
        "actions": [a.kind for a in rule.actions],
        "watermark": stored.watermark,
        "last_run_at": stored.last_run_at.isoformat() if stored.last_run_at else None,
    }


def _read(path: Path) -> list[Any]:
    from touchpath.automation.yaml_io import load_rules_yaml

    if not path.is_file():
        raise TouchpathError(f"{path}: " + _("no such file"))
    return load_rules_yaml(path)


@rules_app.command("list", help=_("List the rules."))
@user_errors
def list_cmd(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    from touchpath.automation.rulebook import list_rules

    with session_for(ctx) as session:
        rows = [_summary(s) for s in list_rules(session=session)]
    if json_out:
        emit_json(rows)
        return
    if not rows:
        out.print(_("No rules yet: add some with `touchpath rules add FILE`."))
        return
    table = Table(title=_("Rules"), title_justify="left")
    for col in (_("Name"), _("Title"), _("On"), _("Trigger"), _("Actions")):
        table.add_column(col)
    for r in rows:
        table.add_row(
            escape(r["name"]),
            escape(r["title"]),
            "✓" if r["enabled"] else "—",
            r["trigger"],
            ", ".join(r["actions"]),
        )
    out.print(table)


@rules_app.command("show", help=_("Show one rule as YAML."))
@user_errors
def show_cmd(ctx: typer.Context, name: NameArg, json_out: JsonOpt = False) -> None:
    from touchpath.automation.rulebook import get_rule
    from touchpath.automation.yaml_io import dump_rules_yaml

    with session_for(ctx) as session:
        stored = get_rule(session=session, name=name)
    if json_out:
        emit_json({**_summary(stored), "rule": stored.rule.model_dump(mode="json")})
    else:
        out.print(escape(dump_rules_yaml([stored.rule])), end="")


@rules_app.command("add", help=_("Add the rules of a YAML file (names must be new)."))
@user_errors
def add_cmd(
    ctx: typer.Context,
    path: FileArg,
    backfill: Annotated[
        bool, typer.Option("--backfill", help=_("Also fire on what happened before now."))
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.rulebook import save_rule

    rules = _read(path)
    with session_for(ctx) as session, session.begin():
        for rule in rules:
            save_rule(session=session, rule=rule, create_only=True, backfill=backfill)
    _done(json_out, {"added": [r.name for r in rules]}, _("{n} rule(s) added."), len(rules))


@rules_app.command("edit", help=_("Replace a rule from a file, switch it on or off, or edit it."))
@user_errors
def edit_cmd(
    ctx: typer.Context,
    name: NameArg,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help=_("A YAML file with the new rule."))
    ] = None,
    enabled: Annotated[
        bool | None, typer.Option("--enable/--disable", help=_("Switch the rule on or off."))
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.rulebook import get_rule, save_rule, set_enabled
    from touchpath.automation.yaml_io import dump_rules_yaml, parse_rules_yaml

    with session_for(ctx) as session, session.begin():
        stored = get_rule(session=session, name=name)
        if enabled is not None and file is None:
            stored = set_enabled(session=session, name=name, enabled=enabled)
        else:
            if file is not None:
                rules = _read(file)
            else:
                text = click.edit(dump_rules_yaml([stored.rule]), extension=".yaml")
                if text is None:
                    raise TouchpathError(_("nothing changed"))
                rules = parse_rules_yaml(text, filename=f"<{name}>")
            if len(rules) != 1 or rules[0].name != name:
                raise TouchpathError(
                    _("{file}: want exactly one rule named {name}").format(
                        file=file or "<editor>", name=name
                    )
                )
            rule = rules[0]
            if enabled is not None:
                rule = rule.model_copy(update={"enabled": enabled})
            stored = save_rule(session=session, rule=rule)
    _done(json_out, _summary(stored), _("Rule {name} saved.").format(name=name), 1)


@rules_app.command("remove", help=_("Remove a rule (its tasks and messages stay)."))
@user_errors
def remove_cmd(ctx: typer.Context, name: NameArg, json_out: JsonOpt = False) -> None:
    from touchpath.automation.rulebook import remove_rule

    with session_for(ctx) as session, session.begin():
        remove_rule(session=session, name=name)
    _done(json_out, {"removed": name}, _("Rule {name} removed.").format(name=name), 1)


@rules_app.command("export", help=_("Write every rule as YAML (to stdout or a file)."))
@user_errors
def export_cmd(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Write to this file."), dir_okay=False)
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.rulebook import list_rules
    from touchpath.automation.yaml_io import dump_rules_yaml

    with session_for(ctx) as session:
        rules = [s.rule for s in list_rules(session=session)]
    if json_out:
        emit_json([r.model_dump(mode="json") for r in rules])
        return
    text = dump_rules_yaml(rules)
    if output is None:
        out.print(escape(text), end="")
    else:
        output.write_text(text, encoding="utf-8")
        err.print(_("{n} rule(s) written to {path}").format(n=len(rules), path=output))


@rules_app.command("import", help=_("Add or update the rules of a YAML file, all or nothing."))
@user_errors
def import_cmd(
    ctx: typer.Context,
    path: FileArg,
    replace: Annotated[
        bool, typer.Option("--replace", help=_("Also remove rules the file does not have."))
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.rulebook import import_rules

    rules = _read(path)
    with session_for(ctx) as session, session.begin():
        added, updated = import_rules(session=session, rules=rules, replace=replace)
    doc = {"added": added, "updated": updated}
    if json_out:
        emit_json(doc)
    else:
        out.print(_("{added} added, {updated} updated.").format(**doc))


@rules_app.command("preview", help=_("Render a rule's messages with sample data."))
@user_errors
def preview_cmd(
    ctx: typer.Context,
    name: NameArg,
    language: Annotated[
        str | None, typer.Option("--language", help=_("The customer's language: en or ru."))
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help=_("A JSON file with the data to render with."))
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.preview import preview_rule
    from touchpath.automation.rulebook import get_rule

    sample = None
    if data is not None:
        try:
            sample = json.loads(data.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise TouchpathError(f"{data}:{exc.lineno}: {exc.msg}") from None
        if not isinstance(sample, dict):
            raise TouchpathError(f"{data}:1: " + _("want a JSON object"))
    with session_for(ctx) as session:
        stored = get_rule(session=session, name=name)
    ws = open_workspace(ctx)
    timezone = ws.config.workspace.timezone if ws.config.workspace else "UTC"
    shown = preview_rule(stored.rule, language=language, data=sample, timezone=timezone)
    if json_out:
        emit_json(shown)
        return
    for action in shown:
        out.print(f"[bold]{action['index'] + 1}. {action['kind']}[/] ({action['language']})")
        for key, value in action.items():
            if key in ("index", "kind", "language", "errors") or value is None:
                continue
            out.print(f"  [dim]{key}:[/] {escape(str(value))}")
        for key, problem in action.get("errors", {}).items():
            out.print(f"  [red]{key}: {escape(problem)}[/]")


@rules_app.command("outbox", help=_("Messages waiting, sent and dead, per channel."))
@user_errors
def outbox_cmd(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option("--status", help=_("List messages of this status."))
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation import outbox

    with session_for(ctx) as session:
        counts = outbox.status_counts(session=session)
        messages = outbox.list_messages(session=session, status=status, limit=limit)
    if json_out:
        emit_json({"counts": counts, "messages": messages if status else []})
        return
    table = Table(title=_("Outbox"), title_justify="left")
    table.add_column(_("Channel"))
    for s in outbox.STATUSES:
        table.add_column(s, justify="right")
    for channel, row in sorted(counts.items()):
        table.add_row(channel, *(f"{row[s]:,}" for s in outbox.STATUSES))
    out.print(table)
    if status:
        for m in messages:
            reason = f" — {m['last_error']}" if m["last_error"] else ""
            out.print(f"{m['id']} {m['channel']} {escape(m['recipient'])}{escape(reason)}")


@rules_app.command("retry", help=_("Give dead messages another set of attempts."))
@user_errors
def retry_cmd(
    ctx: typer.Context,
    ids: Annotated[
        list[int] | None, typer.Argument(help=_("Message ids (default: all dead)."))
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation import outbox

    with session_for(ctx) as session, session.begin():
        n = outbox.retry_dead(session=session, ids=ids or None)
    _done(json_out, {"retried": n}, _("{n} message(s) queued again."), n)


@rules_app.command(
    "documents", help=_("Generated documents (HTML, PDF); --save writes them to a folder.")
)
@user_errors
def documents_cmd(
    ctx: typer.Context,
    save: Annotated[
        Path | None,
        typer.Option("--save", help=_("Write each document's HTML and PDF into this folder.")),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.documents import file_name, get_document, list_documents

    written = 0
    with session_for(ctx) as session:
        found = list_documents(session=session, limit=limit)
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            for doc in found:
                row = get_document(session=session, document_id=doc["id"])
                assert row is not None
                (save / file_name(row, "html")).write_text(row.html, encoding="utf-8")
                written += 1
                if row.pdf is not None:
                    (save / file_name(row, "pdf")).write_bytes(row.pdf)
                    written += 1
    if json_out:
        emit_json(found)
        return
    for doc in found:
        pdf = " +PDF" if doc["has_pdf"] else ""
        out.print(f"{doc['id']} {escape(doc['name'])} {doc['customer_id'] or '—'}{pdf}")
    if save is not None:
        err.print(_("{n} file(s) written to {path}").format(n=written, path=save))


@rules_app.command(
    "settings", help=_("Show or change the channel settings (SMTP, SMS gateway ...).")
)
@user_errors
def settings_cmd(
    ctx: typer.Context,
    assignments: Annotated[
        list[str] | None,
        typer.Option("--set", help=_("section.field=value, e.g. smtp.host=mail.example.com")),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.settings import load_settings, save_settings, update_settings

    with session_for(ctx) as session, session.begin():
        settings = load_settings(session=session)
        if assignments:
            settings = update_settings(settings, assignments)
            save_settings(session=session, settings=settings)
    doc = settings.model_dump(mode="json")
    if json_out:
        emit_json(doc)
    else:
        out.print(escape(json.dumps(doc, ensure_ascii=False, indent=2)))


def _done(json_out: bool, doc: dict[str, Any], message: str, n: int) -> None:
    if json_out:
        emit_json(doc)
    else:
        out.print(message.replace("{n}", str(n)))
