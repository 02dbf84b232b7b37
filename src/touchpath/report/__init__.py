"""Shareable reports: one self-contained HTML file, or its PDF (docs/report.md).

>>> from touchpath.report import write_report            # doctest: +SKIP
>>> write_report(workspace, Path("report.pdf"), language="ru")
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from touchpath.errors import TouchpathError
from touchpath.i18n import LANGUAGES, _
from touchpath.report import quality  # noqa: F401  (registers the quality sections)
from touchpath.report.pdf import PdfError, html_to_pdf
from touchpath.report.render import Report, build_report, render_html
from touchpath.report.sections import (
    BUILDERS,
    Progress,
    ReportContext,
    Section,
    open_context,
    register,
)
from touchpath.workspace import Workspace

FORMATS: tuple[str, ...] = (".html", ".pdf")

__all__ = [
    "BUILDERS",
    "FORMATS",
    "PdfError",
    "Report",
    "ReportContext",
    "Section",
    "build_report",
    "check_output",
    "make_report",
    "register",
    "render_html",
    "write_report",
]


def check_output(output: Path, language: str) -> None:
    """Refuse an unknown format or language before any work is done."""
    if output.suffix.lower() not in FORMATS:
        raise TouchpathError(_("{file}: a report is written as .html or .pdf").format(file=output))
    if language not in LANGUAGES:
        raise TouchpathError(
            _("unknown language {value!r}; choose one of: {choices}").format(
                value=language, choices=", ".join(LANGUAGES)
            )
        )


def make_report(ws: Workspace, *, language: str = "en", progress: Progress | None = None) -> str:
    """The report of ``ws`` as HTML text."""
    with open_context(ws) as ctx:
        report = build_report(ctx, language=language, progress=progress)
    return render_html(report)


def write_report(
    ws: Workspace,
    output: Path,
    *,
    language: str = "en",
    progress: Progress | None = None,
    chromium: str | Path | None = None,
) -> Path:
    """Write the report of ``ws`` to ``output`` (``.html`` or ``.pdf``), atomically."""
    check_output(output, language)
    html = make_report(ws, language=language, progress=progress)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".html":
        partial = output.with_name(output.name + ".partial")
        partial.write_text(html, encoding="utf-8")
        partial.replace(output)
        return output
    with tempfile.TemporaryDirectory(prefix="touchpath-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        if progress is not None:
            progress("pdf")
        html_to_pdf(page, output, chromium=chromium)
    return output
