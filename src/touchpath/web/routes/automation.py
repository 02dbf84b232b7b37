"""Automation: the rules, the managers' tasks with their SLA, reply speed and the outbox.

Everyone in the workspace reads; editing rules, closing tasks and retrying dead messages
need the analyst role (and the CSRF token every form carries). A rule is edited as YAML
in the browser — the same format as ``touchpath rules export`` — and a mistake comes
back as the one-line error (line and field) above the form, with nothing saved.
Previews render in the template sandbox and are shown as escaped text, never as HTML.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from touchpath.automation import documents, outbox, rulebook, tasks
from touchpath.automation.preview import preview_rule
from touchpath.automation.rulebook import RuleError
from touchpath.automation.rules import Rule
from touchpath.automation.tasks import SLA_STATES, TaskError
from touchpath.automation.yaml_io import RulesFileError, dump_rules_yaml, parse_rules_yaml
from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.store import crud
from touchpath.web.deps import Analyst, Ctx, Viewer
from touchpath.web.forms import Form
from touchpath.web.pages import NavEntry
from touchpath.web.templating import flash, render

router = APIRouter()
NAV = [NavEntry("automation", N_("Automation"), N_("Operations"), 400)]

NEW_RULE = """\
name: new_rule
title: ""
language: {language}
trigger: {{kind: event, event_name: [form_filled], touchpoint: []}}
conditions: []
actions:
  - kind: task
    title:
      ru: "Перезвонить: {{{{ customer.name | default(customer.id) }}}}"
      en: "Call back {{{{ customer.name | default(customer.id) }}}}"
    due_minutes: 15
"""

KIND_LABELS = {
    "event": N_("event"),
    "feedback": N_("feedback"),
    "alert": N_("alert"),
    "no_reply": N_("no reply in time"),
    "schedule": N_("schedule"),
    "task_overdue": N_("task overdue"),
    "task": N_("task"),
    "email": N_("email"),
    "sms": N_("SMS"),
    "webhook": N_("webhook"),
    "document": N_("document"),
}

SLA_LABELS = {
    "open": N_("open"),
    "due_soon": N_("due soon"),
    "breached": N_("breached"),
    "met": N_("met"),
    "late": N_("late"),
}


@router.get("/w/{ws}/automation")
def automation_page(
    ctx: Viewer, manager: str = "", touchpoint: str = "", sla: str = "", status: str = "open"
) -> Response:
    session = ctx.db
    catalogue = crud.load_catalogue(session=session)
    shown = tasks.list_tasks(
        session=session,
        manager=manager or None,
        touchpoint=touchpoint or None,
        status=status or None,
        sla=sla if sla in SLA_STATES else None,
        limit=200,
    )
    everyone = tasks.list_tasks(session=session, limit=100_000)
    replies = tasks.response_times(session=session)
    counts = outbox.status_counts(session=session)
    totals = {s: sum(row[s] for row in counts.values()) for s in outbox.STATUSES}
    context: dict[str, Any] = {
        "rules": rulebook.list_rules(session=session),
        "tasks": shown,
        "sla_counts": tasks.sla_summary(session=session),
        "sla_labels": SLA_LABELS,
        "kinds": KIND_LABELS,
        "replies": replies.to_dict("records"),
        "outbox": counts,
        "outbox_totals": totals,
        "dead": outbox.list_messages(session=session, status="dead", limit=20),
        "documents": documents.list_documents(session=session, limit=20),
        "managers": sorted({t.manager for t in everyone if t.manager}),
        "touchpoint_names": {tp.id: tp.name for tp in catalogue.touchpoints},
        "filters": {"manager": manager, "touchpoint": touchpoint, "sla": sla, "status": status},
    }
    return render(ctx.request, "automation.html", context, ctx=ctx)


def _rule_page(
    ctx: Ctx, *, text: str, name: str | None, error: str | None = None, status_code: int = 200
) -> Response:
    previews: dict[str, list[dict[str, Any]]] = {}
    if error is None:
        try:
            [rule] = parse_rules_yaml(text, filename="rule.yaml")
            config = ctx.ws.config.workspace
            zone = config.timezone if config else "UTC"
            previews = {
                lang: preview_rule(rule, language=lang, timezone=zone) for lang in ("ru", "en")
            }
        except (RulesFileError, ValueError):
            previews = {}
    context = {
        "text": text,
        "name": name,
        "error": error,
        "previews": previews,
        "kinds": KIND_LABELS,
    }
    return render(ctx.request, "automation_rule.html", context, ctx=ctx, status_code=status_code)


@router.get("/w/{ws}/automation/rules/-new")
def rule_new(ctx: Analyst) -> Response:
    language = crud.load_catalogue(session=ctx.db).language
    return _rule_page(ctx, text=NEW_RULE.format(language=language), name=None)


@router.get("/w/{ws}/automation/rules/{name}")
def rule_show(ctx: Viewer, name: str) -> Response:
    try:
        stored = rulebook.get_rule(session=ctx.db, name=name)
    except RuleError:
        raise HTTPException(status_code=404, detail=_("There is no such rule.")) from None
    text = dump_rules_yaml([stored.rule]).removeprefix("- ").replace("\n  ", "\n")
    return _rule_page(ctx, text=text, name=name)


def _parse_one(text: str, name: str | None) -> Rule:
    rules = parse_rules_yaml(text, filename="rule.yaml")
    if len(rules) != 1:
        raise RuleError(_("Write exactly one rule."))
    if name is not None and rules[0].name != name:
        raise RuleError(_("The name of a rule cannot change here; add a new rule instead."))
    return rules[0]


def _text(form: Any) -> str:
    value = form.get("rule")
    text = value if isinstance(value, str) else ""
    if len(text) > 100_000:
        raise RuleError(_("The rule is too long."))
    return text.replace("\r\n", "\n")


@router.post("/w/{ws}/automation/rules")
def rule_create(ctx: Analyst, form: Form) -> Response:
    text = _text(form)
    try:
        rule = _parse_one(text, None)
        rulebook.save_rule(session=ctx.db, rule=rule, create_only=True)
        ctx.db.commit()
    except (RulesFileError, RuleError) as exc:
        ctx.db.rollback()
        return _rule_page(ctx, text=text, name=None, error=str(exc), status_code=400)
    flash(ctx.request, _("Rule “{name}” added.").format(name=rule.name))
    return RedirectResponse(ctx.url("automation"), status_code=303)


@router.post("/w/{ws}/automation/rules/{name}")
def rule_update(ctx: Analyst, name: str, form: Form) -> Response:
    text = _text(form)
    try:
        rulebook.get_rule(session=ctx.db, name=name)
        rule = _parse_one(text, name)
        rulebook.save_rule(session=ctx.db, rule=rule)
        ctx.db.commit()
    except (RulesFileError, RuleError) as exc:
        ctx.db.rollback()
        return _rule_page(ctx, text=text, name=name, error=str(exc), status_code=400)
    flash(ctx.request, _("Rule “{name}” saved.").format(name=name))
    return RedirectResponse(ctx.url("automation"), status_code=303)


@router.post("/w/{ws}/automation/rules/{name}/toggle")
def rule_toggle(ctx: Analyst, name: str) -> Response:
    try:
        stored = rulebook.get_rule(session=ctx.db, name=name)
        rulebook.set_enabled(session=ctx.db, name=name, enabled=not stored.rule.enabled)
        ctx.db.commit()
    except RuleError:
        raise HTTPException(status_code=404, detail=_("There is no such rule.")) from None
    return RedirectResponse(ctx.url("automation"), status_code=303)


@router.post("/w/{ws}/automation/rules/{name}/delete")
def rule_delete(ctx: Analyst, name: str) -> Response:
    try:
        rulebook.remove_rule(session=ctx.db, name=name)
        ctx.db.commit()
    except RuleError:
        raise HTTPException(status_code=404, detail=_("There is no such rule.")) from None
    flash(ctx.request, _("Rule “{name}” removed.").format(name=name))
    return RedirectResponse(ctx.url("automation"), status_code=303)


@router.post("/w/{ws}/automation/tasks/{task_id}/done")
def task_done(ctx: Analyst, task_id: int) -> Response:
    try:
        tasks.mark_done(session=ctx.db, task_id=task_id)
        ctx.db.commit()
    except TaskError as exc:
        ctx.db.rollback()
        flash(ctx.request, str(exc))
    return RedirectResponse(ctx.url("automation"), status_code=303)


@router.get("/w/{ws}/automation/documents/{document_id}.{suffix}")
def document_download(ctx: Viewer, document_id: int, suffix: str) -> Response:
    """A generated document as a download (never shown inline: it is a template's output)."""
    row = documents.get_document(session=ctx.db, document_id=document_id)
    if row is None or suffix not in ("html", "pdf") or (suffix == "pdf" and row.pdf is None):
        raise HTTPException(status_code=404, detail=_("There is no such document."))
    body = row.pdf if suffix == "pdf" else row.html.encode()
    media = "application/pdf" if suffix == "pdf" else "text/html; charset=utf-8"
    headers = {
        "Content-Disposition": f'attachment; filename="{documents.file_name(row, suffix)}"',
        "Content-Security-Policy": "sandbox",
    }
    return Response(content=body, media_type=media, headers=headers)


@router.post("/w/{ws}/automation/tasks/{task_id}/reply")
def task_reply(ctx: Analyst, task_id: int) -> Response:
    """The manager answered the customer (the task stays open until it is done)."""
    try:
        tasks.record_reply(session=ctx.db, task_id=task_id)
        ctx.db.commit()
    except TaskError as exc:
        ctx.db.rollback()
        flash(ctx.request, str(exc))
    return RedirectResponse(ctx.url("automation"), status_code=303)


@router.post("/w/{ws}/automation/outbox/retry")
def outbox_retry(ctx: Analyst) -> Response:
    n = outbox.retry_dead(session=ctx.db)
    ctx.db.commit()
    flash(ctx.request, _("{n} message(s) queued again.").format(n=n))
    return RedirectResponse(ctx.url("automation"), status_code=303)
