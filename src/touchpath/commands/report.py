"""``touchpath report``: the workspace's report as a self-contained HTML file or a PDF.

What the report holds and how the PDF is printed: docs/report.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from touchpath.commands.shell import (
    JsonOpt,
    emit_json,
    err,
    open_workspace,
    out,
    progress_bar,
    user_errors,
)
from touchpath.i18n import _


def register(app: typer.Typer) -> None:
    app.command(
        name="report",
        help=_(
            "Write the report (catalogue, journey map, funnel, attribution, audits, "
            "feedback, plan) as one HTML file that opens offline, or as a PDF."
        ),
    )(report)


@user_errors
def report(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help=_("The file to write: FILE.html or FILE.pdf."), dir_okay=False
        ),
    ],
    lang: Annotated[
        str, typer.Option("--lang", help=_("Language of the report: en or ru."))
    ] = "en",
    json_out: JsonOpt = False,
) -> None:
    from touchpath.report import BUILDERS, check_output, write_report

    check_output(output, lang)
    ws = open_workspace(ctx)
    steps = len(BUILDERS) + (1 if output.suffix.lower() == ".pdf" else 0)
    with progress_bar(_("Writing the report"), enabled=not json_out and err.is_terminal) as bar:
        done = [0]

        def step(key: str) -> None:
            bar(key, done[0] / steps)
            done[0] += 1

        written = write_report(ws, output, language=lang, progress=step)
    if json_out:
        emit_json({"output": str(written), "format": written.suffix[1:].lower(), "language": lang})
        return
    out.print(_("Report written to {file}").format(file=written))
