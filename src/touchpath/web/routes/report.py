"""The report page: download the workspace's report as HTML or PDF, in English or Russian.

The same report as ``touchpath report`` (:mod:`touchpath.report`), built afresh on every
download: it joins the events with the catalogue, audits and feedback, which change
independently, so no single data version could key a cached copy.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response

from touchpath.i18n import LANGUAGES, get_language
from touchpath.labels import N_
from touchpath.report import PdfError, write_report
from touchpath.web.deps import Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.templating import render

router = APIRouter()
NAV = [NavEntry("report", N_("Report"), N_("Overview"), 10)]


def _language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else get_language()


@router.get("/w/{ws}/report")
def report_page(ctx: Viewer) -> Response:
    return render(ctx.request, "report_page.html", {"languages": LANGUAGES, "error": None}, ctx=ctx)


@router.get("/w/{ws}/report.{fmt}")
def report_file(
    ctx: Viewer, fmt: str, lang: Annotated[str | None, Query(max_length=5)] = None
) -> Response:
    if fmt not in ("html", "pdf"):
        raise HTTPException(status_code=404)
    language = _language(lang)
    name = f"touchpath-{ctx.member.key}-{language}.{fmt}"
    with tempfile.TemporaryDirectory(prefix="touchpath-report-") as tmp:
        out = Path(tmp) / f"report.{fmt}"
        try:
            write_report(ctx.member.workspace, out, language=language)
        except PdfError as exc:
            return render(
                ctx.request,
                "report_page.html",
                {"languages": LANGUAGES, "error": str(exc)},
                ctx=ctx,
                status_code=503,
            )
        body = out.read_bytes()
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "html":
        return HTMLResponse(body, headers=disposition)
    return Response(body, media_type="application/pdf", headers=disposition)
