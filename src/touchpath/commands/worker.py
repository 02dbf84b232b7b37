"""``touchpath worker``: fire the automation rules and deliver the outbox, until stopped.

Concepts, delivery guarantees and settings: docs/automation.md.
"""

from __future__ import annotations

import signal
import threading
from typing import Annotated, Any

import typer
from rich.markup import escape

from touchpath.commands.shell import JsonOpt, emit_json, err, open_workspace, user_errors
from touchpath.i18n import _


def register(app: typer.Typer) -> None:
    app.command(
        name="worker",
        help=_("Run the automation worker: fire rules, send emails, SMS and webhooks."),
    )(worker)


@user_errors
def worker(
    ctx: typer.Context,
    once: Annotated[
        bool,
        typer.Option("--once", help=_("One cycle: fire the rules, deliver what is due, exit.")),
    ] = False,
    batch: Annotated[
        int, typer.Option("--batch", min=1, max=10_000, help=_("Messages claimed at a time."))
    ] = 50,
    poll: Annotated[
        float, typer.Option("--poll", min=0.05, help=_("Seconds between cycles."))
    ] = 5.0,
    json_out: JsonOpt = False,
) -> None:
    from touchpath.automation.worker import CycleReport, run_worker
    from touchpath.store import migrate

    ws = open_workspace(ctx)
    migrate.upgrade(ws.metadata_url)
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def on_cycle(report: CycleReport) -> None:
        for problem in report.problems:
            err.print(f"[yellow]{escape(problem)}[/]")
        if json_out or (not any(report.fired.values()) and not any(report.delivered.values())):
            return
        err.print(
            _("fired: {fired}; delivered: {delivered}").format(
                fired=", ".join(f"{k} {v}" for k, v in report.fired.items()),
                delivered=", ".join(f"{k} {v}" for k, v in report.delivered.items()),
            )
        )

    total = run_worker(ws, once=once, batch=batch, poll=poll, stop=stop, on_cycle=on_cycle)
    if json_out:
        emit_json({"fired": total.fired, "delivered": total.delivered, "problems": total.problems})
    if once and total.problems:
        raise typer.Exit(1)
