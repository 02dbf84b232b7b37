"""Voice of the customer: NPS, CSAT and CES with intervals, reactions, alerts, feedback import.

Everyone in the workspace reads. Importing a file and acknowledging or closing an alert
need the analyst role (CSRF on every form). An upload goes through the same importer as
``touchpath feedback import``: bad rows are quarantined, the count and the first reasons
are shown, and the alerts are checked afterwards. Definitions: docs/voc.md.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from touchpath.charts.voc import (
    kpi_trend_figure,
    nps_distribution_figure,
    reaction_share_figure,
)
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.labels import N_, label
from touchpath.store import crud
from touchpath.store.auth import UserRole
from touchpath.store.feedback import (
    ALERT_STATUSES,
    list_imports,
    list_quarantine,
    load_feedback,
    load_invitations,
)
from touchpath.voc.alerts import check_alerts, list_alerts, set_alert_status
from touchpath.voc.importer import import_feedback
from touchpath.voc.kpi import compare_periods, kpi_table, reaction_table
from touchpath.voc.mapping import FeedbackMapping, parse_mapping
from touchpath.voc.records import known_from_catalogue
from touchpath.web.deps import Analyst, Ctx, Viewer
from touchpath.web.forms import Form
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import Params, chart, for_plotly, metadata_view, short
from touchpath.web.templating import flash, render, stage_name

router = APIRouter()
NAV = [NavEntry("voice", N_("Voice of the customer"), N_("Quality and voice"), 310)]

MAX_UPLOAD = 50 * 1024 * 1024
MAX_MAPPING = 64 * 1024
TREND_GROUPS = 5
"""Groups drawn in the trend chart: the ones with the most answers."""

BY = {"touchpoint": N_("touchpoint"), "stage": N_("stage"), "channel": N_("channel")}
PERIODS = {"month": N_("month"), "week": N_("week"), "quarter": N_("quarter")}
STATUSES = {"open": N_("open"), "acknowledged": N_("acknowledged"), "closed": N_("closed")}
KINDS = {
    "negative_share": N_("many negative reactions"),
    "nps_drop": N_("NPS dropped"),
    "csat_drop": N_("CSAT dropped"),
    "ces_drop": N_("CES dropped"),
}


def _names(ctx: Ctx, by: str) -> dict[str, str]:
    catalogue = crud.load_catalogue(session=ctx.db)
    if by == "touchpoint":
        return {t.id: t.name for t in catalogue.touchpoints}
    if by == "stage":
        return {s.id: stage_name(s) for s in catalogue.stages}
    return {str(c): label(str(c)) for c in {t.channel for t in catalogue.touchpoints}}


def _shown(names: dict[str, str], group: object) -> str:
    """A group's name for a chart: the catalogue's, else its id made safe for Plotly."""
    if group is None or (isinstance(group, float) and group != group):
        return "—"
    return names.get(str(group)) or for_plotly(group)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    return [dict(zip(clean.columns, r, strict=True)) for r in clean.itertuples(index=False)]


def _page(ctx: Ctx, *, error: str | None = None, status_code: int = 200) -> Response:
    params = Params(ctx.request)
    by = params.choice("by", _("Group by"), list(BY), "touchpoint")
    period = params.choice("period", _("Period"), list(PERIODS), "month")
    if params.errors:
        error = "; ".join(params.errors)
        status_code = 400
    context = {
        **metadata_view(ctx, "voice", (by, period), lambda: _context(ctx, by, period)),
        "error": error,
        "can_edit": ctx.can(UserRole.ANALYST),
    }
    return render(ctx.request, "voice.html", context, ctx=ctx, status_code=status_code)


def _context(ctx: Ctx, by: str, period: str) -> dict[str, Any]:
    """Everything the page shows from the feedback, the same for every reader."""
    names = _names(ctx, by)
    feedback = load_feedback(session=ctx.db)
    invitations = load_invitations(session=ctx.db)
    table = kpi_table(feedback, by=by, invitations=invitations)
    changes = compare_periods(feedback, by=by, period=period)
    reactions = reaction_table(feedback, by=by)
    charts: dict[str, str] = {}
    if not feedback.empty:
        shown = {k: for_plotly(short(v, 30)) for k, v in names.items()}
        trend = kpi_table(feedback, by=by, period=period, invitations=invitations)
        top = table.sort_values("nps_n", ascending=False)["group"].head(TREND_GROUPS).tolist()
        trend = trend.loc[trend["group"].isin(top)]
        trend = trend.assign(group=trend["group"].map(lambda g: _shown(shown, g)))
        charts["trend"] = chart(kpi_trend_figure(trend), height=420)
        charts["nps"] = chart(nps_distribution_figure(feedback), height=320)
        labelled = reactions.copy()
        labelled[labelled.columns[0]] = labelled[labelled.columns[0]].map(
            lambda g: _shown(shown, g)
        )
        charts["reactions"] = chart(
            reaction_share_figure(labelled), legend="top", margin={"l": 200}
        )
    significant = changes.loc[changes["significant"]] if not changes.empty else changes
    return {
        "by": by,
        "period": period,
        "by_choices": {k: _(v) for k, v in BY.items()},
        "period_choices": {k: _(v) for k, v in PERIODS.items()},
        "names": names,
        "kpis": _rows(table.sort_values("negative", ascending=False)),
        "changes": _rows(significant),
        "total": int(feedback.shape[0]),
        "charts": charts,
        "alerts": list_alerts(session=ctx.db, limit=50),
        "statuses": {k: _(v) for k, v in STATUSES.items()},
        "alert_kinds": {k: _(v) for k, v in KINDS.items()},
        "imports": list_imports(session=ctx.db, limit=10),
        "quarantine": list_quarantine(session=ctx.db, limit=20),
    }


@router.get("/w/{ws}/voice")
def voice_page(ctx: Viewer) -> Response:
    return _page(ctx)


async def _read(upload: object, limit: int) -> tuple[str, bytes] | None:
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    try:
        data = await upload.read(limit + 1)
    finally:
        await upload.close()
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:120]
    return name, data


@router.post("/w/{ws}/voice/import")
async def voice_import(ctx: Analyst, form: Form) -> Response:
    got = await _read(form.get("file"), MAX_UPLOAD)
    if got is None:
        return _page(ctx, error=_("Choose a .csv or .jsonl file to import."), status_code=400)
    name, data = got
    if len(data) > MAX_UPLOAD:
        return _page(ctx, error=_("The file is larger than 50 MB."), status_code=400)
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json"):
        return _page(
            ctx, error=_("{file}: import .csv or .jsonl files").format(file=name), status_code=400
        )
    mapping = FeedbackMapping()
    mapped = await _read(form.get("mapping"), MAX_MAPPING)
    try:
        if mapped is not None:
            if len(mapped[1]) > MAX_MAPPING:
                raise TouchpathError(_("The mapping is larger than 64 KB."))
            mapping = parse_mapping(mapped[1].decode("utf-8", errors="replace"), name=mapped[0])
        if form.get("invitations") == "on":
            mapping = mapping.model_copy(update={"invitations": True})
        known = known_from_catalogue(crud.load_catalogue(session=ctx.db))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            try:
                report = import_feedback(
                    path,
                    session=ctx.db,
                    mapping=mapping,
                    known=known,
                    name=name,
                    imported_by=ctx.user.username,
                )
            except TouchpathError as exc:  # name the upload, never the temporary file
                raise TouchpathError(str(exc).replace(str(path), name)) from None
    except TouchpathError as exc:
        return _page(ctx, error=str(exc), status_code=400)
    if not report.invitations:
        check_alerts(session=ctx.db)
    message = _(
        "{file}: {read} rows read, {imported} imported, {dup} duplicates, {bad} quarantined"
    ).format(
        file=name,
        read=report.rows_read,
        imported=report.rows_inserted,
        dup=report.rows_duplicate,
        bad=report.rows_quarantined,
    )
    if report.sample:
        q = report.sample[0]
        message += " — " + f"{name}:{q.line}: {q.field or _('row')}: {q.reason}"
    flash(ctx.request, message)
    return RedirectResponse(ctx.url("voice") + "#import", status_code=303)


@router.post("/w/{ws}/voice/alerts/{alert_id}")
def voice_alert(ctx: Analyst, alert_id: int, form: Form) -> Response:
    status = str(form.get("status") or "")
    if status not in ALERT_STATUSES:
        raise HTTPException(status_code=400, detail=_("Unknown status."))
    if set_alert_status(session=ctx.db, alert_id=alert_id, status=status) is None:
        raise HTTPException(status_code=404, detail=_("There is no such alert."))
    flash(ctx.request, _("Alert {id}: {status}.").format(id=alert_id, status=_(STATUSES[status])))
    return RedirectResponse(ctx.url("voice") + "#alerts", status_code=303)
