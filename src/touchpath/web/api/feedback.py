"""``/w/{workspace}/feedback``, ``/kpis`` and ``/alerts``: the voice of the customer.

Stored answers page by page, the KPIs of :func:`touchpath.voc.kpi.kpi_table` (NPS, CSAT,
CES with 95% intervals, reaction shares, significant changes: what ``touchpath kpi``
prints, docs/voc.md) and the alerts of :mod:`touchpath.voc.alerts`. Feedback comes in
through ``touchpath feedback import`` or the collector, not here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import func, select

from touchpath.store.feedback import AlertRow, FeedbackRow, load_feedback, load_invitations
from touchpath.voc import alerts as voc_alerts
from touchpath.web.api._analysis import Result, Row, rows
from touchpath.web.api._deps import AUTH_RESPONSES, ApiAnalyst, ApiViewer

router = APIRouter(prefix="/w/{workspace}", tags=["feedback"], responses=AUTH_RESPONSES)

AlertStatus = Literal["open", "acknowledged", "closed"]
Slug = Annotated[str | None, Query(max_length=64)]


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives stored times back without their zone; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


Utc = Annotated[dt.datetime, AfterValidator(_utc)]


class FeedbackOut(BaseModel):
    """One survey answer or review."""

    id: int
    feedback_id: str
    customer_id: str | None
    ts: Utc
    touchpoint: str | None
    stage: str | None
    channel: str | None
    kind: str = Field(description="nps, csat, ces, rating or review")
    score: float | None
    text: str | None
    language: str | None
    reaction: str | None = Field(description="positive, neutral or negative")
    reaction_source: str | None


class FeedbackPage(BaseModel):
    total: int = Field(description="How many answers match the filters")
    offset: int
    limit: int
    items: list[FeedbackOut]


class KpisOut(Result):
    by: str
    period: str | None
    feedback: int = Field(description="How many answers the KPIs are computed from")
    kpis: list[Row]
    reactions: list[Row]
    changes: list[Row]


class AlertOut(BaseModel):
    id: int
    created_at: Utc
    updated_at: Utc
    kind: str
    touchpoint: str | None
    metric: str
    value: float | None
    previous: float | None
    p_value: float | None
    status: str
    message: str
    details: dict[str, Any]


class AlertCheckOut(BaseModel):
    created: list[int]
    updated: list[int]
    closed: list[int]


class AlertChange(BaseModel):
    status: AlertStatus


def _alert(row: AlertRow) -> AlertOut:
    doc = {c: getattr(row, c) for c in AlertOut.model_fields}
    for name in ("value", "previous", "p_value"):  # JSON has no NaN
        if isinstance(doc[name], float) and doc[name] != doc[name]:
            doc[name] = None
    return AlertOut.model_validate(doc)


@router.get("/feedback", response_model=FeedbackPage, summary="Stored feedback, newest first")
def list_feedback(
    ctx: ApiViewer,
    touchpoint: Slug = None,
    kind: Literal["nps", "csat", "ces", "rating", "review"] | None = None,
    reaction: Literal["positive", "neutral", "negative"] | None = None,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> FeedbackPage:
    where = [
        column == value
        for column, value in (
            (FeedbackRow.touchpoint, touchpoint),
            (FeedbackRow.kind, kind),
            (FeedbackRow.reaction, reaction),
        )
        if value is not None
    ]
    total = ctx.db.scalar(select(func.count()).select_from(FeedbackRow).where(*where)) or 0
    found = ctx.db.scalars(
        select(FeedbackRow)
        .where(*where)
        .order_by(FeedbackRow.ts.desc(), FeedbackRow.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return FeedbackPage(
        total=total,
        offset=offset,
        limit=limit,
        items=[FeedbackOut.model_validate(r, from_attributes=True) for r in found],
    )


@router.get(
    "/kpis",
    response_model=KpisOut,
    responses={422: {"description": "A parameter is wrong"}},
    summary="NPS, CSAT and CES with 95% intervals, reaction shares and significant changes",
)
def get_kpis(
    ctx: ApiViewer,
    by: Literal["touchpoint", "stage", "channel", "all"] = "touchpoint",
    period: Annotated[
        Literal["week", "month", "quarter"] | None,
        Query(description="One row per period; none: the whole history"),
    ] = None,
) -> KpisOut:
    from touchpath.voc.kpi import compare_periods, kpi_table, reaction_table

    feedback = load_feedback(session=ctx.db)
    invitations = load_invitations(session=ctx.db)
    return KpisOut(
        by=by,
        period=period,
        feedback=int(feedback.shape[0]),
        kpis=rows(kpi_table(feedback, by=by, period=period, invitations=invitations)),
        reactions=rows(reaction_table(feedback, by=by)),
        changes=rows(compare_periods(feedback, by=by, period=period or "month")),
    )


@router.get("/alerts", response_model=list[AlertOut], summary="Alerts, newest first")
def list_alerts(
    ctx: ApiViewer,
    status: AlertStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AlertOut]:
    return [_alert(r) for r in voc_alerts.list_alerts(session=ctx.db, status=status, limit=limit)]


@router.post(
    "/alerts/check",
    response_model=AlertCheckOut,
    summary="Run the negative-share and KPI-drop checks on the stored feedback",
)
def check_alerts(ctx: ApiAnalyst) -> AlertCheckOut:
    return AlertCheckOut.model_validate(voc_alerts.check_alerts(session=ctx.db).to_json())


@router.patch(
    "/alerts/{alert_id}",
    response_model=AlertOut,
    responses={404: {"description": "No alert with this id"}},
    summary="Acknowledge, close or reopen an alert",
)
def change_alert(
    ctx: ApiAnalyst,
    alert_id: Annotated[int, Path(ge=1, le=2**62)],
    change: AlertChange,
) -> AlertOut:
    row = voc_alerts.set_alert_status(session=ctx.db, alert_id=alert_id, status=change.status)
    if row is None:
        raise HTTPException(status_code=404, detail=f"there is no alert {alert_id}")
    return _alert(row)
