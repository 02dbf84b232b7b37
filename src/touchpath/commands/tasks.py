"""``touchpath tasks``: managers' tasks, their SLA and the response-time KPIs.

Definitions (SLA states, median and p90 time to first reply): docs/automation.md.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from touchpath.commands.shell import JsonOpt, emit_json, frame_json, out, print_frame, user_errors
from touchpath.commands.shell import metadata_session as session_for
from touchpath.i18n import _

tasks_app = typer.Typer(
    name="tasks",
    help=_("Tasks for managers created by the rules: list, reply, done, SLA, response times."),
    no_args_is_help=True,
)

IdArg = Annotated[int, typer.Argument(help=_("The task's number."))]


def register(app: typer.Typer) -> None:
    app.add_typer(tasks_app)


@tasks_app.command("list", help=_("List tasks, newest first."))
@user_errors
def list_cmd(
    ctx: typer.Context,
    manager: Annotated[
        str | None, typer.Option("--manager", help=_("Only this manager's."))
    ] = None,
    touchpoint: Annotated[
        str | None, typer.Option("--touchpoint", help=_("Only this touchpoint's."))
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help=_("open, done or cancelled."))
    ] = None,
    sla: Annotated[
        str | None, typer.Option("--sla", help=_("open, due_soon, breached, met or late."))
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.tasks import list_tasks

    with session_for(ctx) as session:
        found = list_tasks(
            session=session,
            manager=manager,
            touchpoint=touchpoint,
            status=status,
            sla=sla,
            limit=limit,
        )
    if json_out:
        emit_json([t.as_json() for t in found])
        return
    if not found:
        out.print(_("No tasks."))
        return
    table = Table(title=_("Tasks"), title_justify="left")
    for col in ("#", _("Task"), _("Manager"), _("Touchpoint"), _("Due"), _("SLA"), _("Status")):
        table.add_column(col)
    colours = {"breached": "red", "late": "red", "due_soon": "yellow", "met": "green"}
    for t in found:
        sla_text = f"[{colours[t.sla]}]{t.sla}[/]" if t.sla in colours else t.sla
        table.add_row(
            str(t.id),
            escape(t.title),
            escape(t.manager or "—"),
            escape(t.touchpoint or "—"),
            t.due_at.strftime("%Y-%m-%d %H:%M") if t.due_at else "—",
            sla_text,
            t.status,
        )
    out.print(table)


def _show(json_out: bool, task: object, message: str) -> None:
    from touchpath.automation.tasks import Task

    assert isinstance(task, Task)
    if json_out:
        emit_json(task.as_json())
    else:
        out.print(message.format(id=task.id, sla=task.sla))


@tasks_app.command(
    "done", help=_("Mark a task done (it counts as the reply if none was recorded).")
)
@user_errors
def done_cmd(ctx: typer.Context, task_id: IdArg, json_out: JsonOpt = False) -> None:
    from touchpath.automation.tasks import mark_done

    with session_for(ctx) as session, session.begin():
        task = mark_done(session=session, task_id=task_id)
    _show(json_out, task, _("Task {id} done (SLA: {sla})."))


@tasks_app.command("reply", help=_("Record the first reply to the customer."))
@user_errors
def reply_cmd(ctx: typer.Context, task_id: IdArg, json_out: JsonOpt = False) -> None:
    from touchpath.automation.tasks import record_reply

    with session_for(ctx) as session, session.begin():
        task = record_reply(session=session, task_id=task_id)
    _show(json_out, task, _("Reply recorded for task {id} (SLA: {sla})."))


@tasks_app.command("cancel", help=_("Cancel a task."))
@user_errors
def cancel_cmd(ctx: typer.Context, task_id: IdArg, json_out: JsonOpt = False) -> None:
    from touchpath.automation.tasks import cancel

    with session_for(ctx) as session, session.begin():
        task = cancel(session=session, task_id=task_id)
    _show(json_out, task, _("Task {id} cancelled."))


@tasks_app.command("assign", help=_("Give a task to another manager."))
@user_errors
def assign_cmd(
    ctx: typer.Context,
    task_id: IdArg,
    manager: Annotated[str, typer.Argument(help=_("The manager's name."))],
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.tasks import assign

    with session_for(ctx) as session, session.begin():
        task = assign(session=session, task_id=task_id, manager=manager)
    _show(json_out, task, _("Task {id} assigned."))


@tasks_app.command("sla", help=_("How many tasks are open, due soon, breached, met or late."))
@user_errors
def sla_cmd(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    from touchpath.automation.tasks import sla_summary

    with session_for(ctx) as session:
        counts = sla_summary(session=session)
    if json_out:
        emit_json(counts)
        return
    frame = pd.DataFrame({_("SLA"): list(counts), _("Tasks"): list(counts.values())})
    print_frame(frame, _("SLA"))


@tasks_app.command("response-times", help=_("Median and p90 time to first reply."))
@user_errors
def response_times_cmd(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help=_("touchpoint, manager, or both."))] = "both",
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.tasks import response_times
    from touchpath.errors import TouchpathError

    levels = {
        "both": ("touchpoint", "manager"),
        "touchpoint": ("touchpoint",),
        "manager": ("manager",),
    }
    if by not in levels:
        raise TouchpathError(_("--by: want touchpoint, manager or both, not {by!r}").format(by=by))
    with session_for(ctx) as session:
        frame = response_times(session=session, by=levels[by])
    if json_out:
        emit_json(frame_json(frame))
        return
    shown = frame.copy()
    shown["median_minutes"] = (shown.pop("median_seconds") / 60).round(1)
    shown["p90_minutes"] = (shown.pop("p90_seconds") / 60).round(1)
    print_frame(shown, _("Time to first reply"))
