"""Audits and competitors: scores ours against each competitor, gaps, audit history, import.

Everyone in the workspace reads; importing or deleting an audit needs the analyst role.
An uploaded file goes in whole or not at all (:func:`touchpath.audit.service.import_audits`);
its one-line error (file, row, field) is shown above the form.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from touchpath.audit.gaps import find_gaps
from touchpath.audit.io import AuditFileError, write_audit_csv, write_audit_yaml
from touchpath.audit.model import OURS
from touchpath.audit.scoring import score_history
from touchpath.audit.service import AuditData, import_audits, load
from touchpath.charts.audit import heatmap_chart, history_chart, radar_chart
from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.store import audits as store
from touchpath.store.auth import UserRole
from touchpath.web.deps import Analyst, Ctx, Viewer
from touchpath.web.forms import Form
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import chart, for_plotly, metadata_view, short
from touchpath.web.templating import flash, render

router = APIRouter()
NAV = [NavEntry("audits", N_("Audits and competitors"), N_("Quality and voice"), 300)]

MAX_UPLOAD = 5 * 1024 * 1024
HISTORY_LINES = 6  # the weakest of our touchpoints get a line in the history chart


def subject_names(data: AuditData) -> dict[str, str]:
    return {OURS: _("Ours"), **{c.id: c.name for c in data.catalogue.competitors}}


def _page(ctx: Ctx, *, error: str | None = None, status_code: int = 200) -> Response:
    context = {
        **metadata_view(ctx, "audits", (), lambda: _context(ctx)),
        "error": error,
        "can_edit": ctx.can(UserRole.ANALYST),
    }
    return render(ctx.request, "audits.html", context, ctx=ctx, status_code=status_code)


def _context(ctx: Ctx) -> dict[str, Any]:
    """Everything the page shows from the audits, the same for every reader."""
    data = load(session=ctx.db)
    r = data.result
    names = {t.id: t.name for t in data.catalogue.touchpoints}
    subjects = subject_names(data)
    comparison = r.comparison
    audited = (
        comparison[comparison[r.subjects].notna().any(axis=1)] if len(comparison) else comparison
    )
    plot_names = {k: for_plotly(short(v, 30)) for k, v in names.items()}
    plot_subjects = {k: for_plotly(v) for k, v in subjects.items()}
    charts: dict[str, str] = {}
    if len(audited):
        charts["radar"] = chart(
            radar_chart(
                audited, subjects=r.subjects, names=plot_names, subject_names=plot_subjects
            ),
            height=520,
            legend="top",
        )
        charts["heatmap"] = chart(
            heatmap_chart(
                audited, subjects=r.subjects, names=plot_names, subject_names=plot_subjects
            ),
            margin={"l": 220},
        )
        history = score_history(data.scores, catalogue=data.catalogue, checklists=data.checklists)
        if history["date"].nunique() > 1:
            ours = r.touchpoints[r.touchpoints.subject == OURS].dropna(subset=["score"])
            weakest = ours.sort_values("score", kind="stable")["touchpoint"].head(HISTORY_LINES)
            charts["history"] = chart(
                history_chart(history, names=plot_names, touchpoints=list(weakest)),
                height=360,
                legend="top",
            )
    gaps = find_gaps(data.catalogue, r)
    return {
        "names": names,
        "subjects": subjects,
        "subject_ids": r.subjects,
        "comparison": _rows(audited),
        "stages": _pivot(r.stages, "stage", r.subjects),
        "stage_names": {s.id: s for s in data.catalogue.stages},
        "chains": _rows(r.chains),
        "chain_names": {c.id: c.name for c in data.catalogue.chains},
        "gaps": gaps,
        "history": store.list_audits(session=ctx.db),
        "charts": charts,
    }


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    return [dict(zip(clean.columns, r, strict=True)) for r in clean.itertuples(index=False)]


def _pivot(frame: pd.DataFrame, column: str, subjects: list[str]) -> list[dict[str, Any]]:
    """One row per stage (or chain), a score per subject."""
    out: list[dict[str, Any]] = []
    for gid in dict.fromkeys(frame[column]):
        part = frame[frame[column] == gid]
        row: dict[str, Any] = {"id": gid}
        for s in subjects:
            hit = part[part.subject == s]
            value = hit["score"].iloc[0] if len(hit) else None
            row[s] = None if value is None or pd.isna(value) else float(value)
        out.append(row)
    return out


@router.get("/w/{ws}/audits")
def audits_page(ctx: Viewer) -> Response:
    return _page(ctx)


@router.post("/w/{ws}/audits/import")
async def audits_import(ctx: Analyst, form: Form) -> Response:
    upload = form.get("file")
    replace = form.get("replace") == "on"
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(ctx, error=_("Choose a .csv or .yaml file to import."), status_code=400)
    try:
        data = await upload.read(MAX_UPLOAD + 1)
    finally:
        await upload.close()
    if len(data) > MAX_UPLOAD:
        return _page(ctx, error=_("The file is larger than 5 MB."), status_code=400)
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:120]
    try:
        audits = import_audits(session=ctx.db, name=name, data=data, replace=replace)
    except (AuditFileError, store.AuditStoreError) as exc:
        return _page(ctx, error=str(exc), status_code=400)
    flash(
        ctx.request,
        _("{file}: {audits} audits, {scores} scores imported").format(
            file=name, audits=len(audits), scores=sum(len(a.scores) for a in audits)
        ),
    )
    return RedirectResponse(ctx.url("audits"), status_code=303)


@router.post("/w/{ws}/audits/{audit_id}/delete")
def audit_delete(ctx: Analyst, audit_id: int) -> Response:
    try:
        store.delete_audit(session=ctx.db, audit_id=audit_id)
    except store.AuditStoreError:
        raise HTTPException(status_code=404, detail=_("There is no such audit.")) from None
    flash(ctx.request, _("Audit deleted."))
    return RedirectResponse(ctx.url("audits"), status_code=303)


@router.get("/w/{ws}/audits/export.{fmt}")
def audits_export(ctx: Viewer, fmt: str) -> Response:
    if fmt not in ("csv", "yaml"):
        raise HTTPException(status_code=404)
    data = load(session=ctx.db)
    audits = store.load_audits(session=ctx.db)
    writer = write_audit_csv if fmt == "csv" else write_audit_yaml
    text = writer(audits, catalogue=data.catalogue, checklists=data.checklists)
    media = "text/csv" if fmt == "csv" else "application/yaml"
    return Response(
        text,
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audits.{fmt}"'},
    )
