"""``/w/{workspace}/audits``: stored audits, their scores, the gaps and the improvement plan.

The routes hold no logic: :mod:`touchpath.audit.service` loads and scores, and
:mod:`touchpath.store.audits` stores (the same calls ``touchpath audit ...`` makes, see
docs/audit.md). An audit file is imported as the request body, ``text/plain`` with
``?format=csv|yaml``; it goes in whole or not at all, and a bad row is a 422 naming the
row and field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import ibis
import yaml
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field

from touchpath.audit.export import plan_document
from touchpath.audit.plan import Signals
from touchpath.store import audits as store
from touchpath.web.api._analysis import ANALYSIS_RESPONSES, Result, Row, rows, run
from touchpath.web.api._deps import AUTH_RESPONSES, ApiAnalyst, ApiCtx, ApiViewer

router = APIRouter(prefix="/w/{workspace}", tags=["audits"], responses=AUTH_RESPONSES)

AuditId = Annotated[int, Path(description="The audit's id", ge=1, le=2**62)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No audit with this id"}}
BAD_INPUT: dict[int | str, dict[str, Any]] = {
    422: {"description": "The input is wrong (the message says where)"}
}
TABLES = {"touchpoint": "touchpoints", "stage": "stages", "chain": "chains"}


class AuditOut(BaseModel):
    """An audit without its scores (``audit history``)."""

    id: int
    date: dt.date
    subject: str = Field(description="`ours` or a competitor id")
    auditor: str
    notes: str | None
    source: str | None
    scores: int = Field(description="How many scores it holds")
    missing: int = Field(description="How many of them are missing values")


class ScoreOut(BaseModel):
    touchpoint: str
    parameter: str
    value: float | None
    evidence: str | None
    link: str | None


class AuditDetail(AuditOut):
    items: list[ScoreOut] = Field(description="The audit's scores, in file order")


class ImportOut(BaseModel):
    ids: list[int]
    audits: int
    scores: int


class ScoresOut(Result):
    by: str
    as_of: dt.date | None
    subjects: list[str]
    rows: list[Row]


class GapsOut(Result):
    missing_touchpoints: list[Row]
    missed_channels: list[Row]
    types: dict[str, Row]
    chains: list[Row]
    unattended: list[str]


class PlanItemOut(Result):
    key: str
    kind: str
    touchpoint: str
    name: str
    impact: float | None
    importance: float | None
    gap: float | None
    negativity: float | None
    factors: dict[str, Any]
    reason: str
    weakest: list[Row]
    evidence: list[str]
    owner: str | None
    due: dt.date | None
    status: str
    note: str | None


class PlanOut(Result):
    formula: str
    config: dict[str, Any]
    sources: list[str]
    items: list[PlanItemOut]


class PlanItemPatch(BaseModel):
    """What people set on a plan item; fields left out keep their value."""

    owner: str | None = Field(default=None, max_length=200)
    due: dt.date | None = None
    status: Literal["open", "in_progress", "done", "dropped"] | None = None
    note: str | None = Field(default=None, max_length=2000)


class PlanStateOut(BaseModel):
    key: str
    owner: str | None
    due: dt.date | None
    status: str
    note: str | None


def _info(ctx: ApiCtx, audit_id: int) -> store.AuditInfo:
    for info in store.list_audits(session=ctx.db):
        if info.id == audit_id:
            return info
    raise HTTPException(status_code=404, detail=f"there is no audit {audit_id}")


@router.get("/audits", response_model=list[AuditOut], summary="List the audits, newest first")
def list_audits(ctx: ApiViewer) -> list[AuditOut]:
    return [
        AuditOut.model_validate(i, from_attributes=True) for i in store.list_audits(session=ctx.db)
    ]


@router.get(
    "/audits/{audit_id}", response_model=AuditDetail, responses=NOT_FOUND, summary="Get one audit"
)
def get_audit(ctx: ApiViewer, audit_id: AuditId) -> AuditDetail:
    info = _info(ctx, audit_id)
    (audit,) = store.load_audits(session=ctx.db, ids=[audit_id])
    return AuditDetail(
        **AuditOut.model_validate(info, from_attributes=True).model_dump(),
        items=[ScoreOut.model_validate(s, from_attributes=True) for s in audit.scores],
    )


@router.post(
    "/audits",
    response_model=ImportOut,
    status_code=201,
    responses=BAD_INPUT,
    summary="Import an audit file (the body: CSV or YAML text)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "The audit file, in the format of `touchpath audit import` "
            "(docs/audit.md)",
        }
    },
)
async def import_audit(
    ctx: ApiAnalyst,
    request: Request,
    format: Annotated[Literal["csv", "yaml"], Query(description="The body's format")] = "csv",
    replace: Annotated[
        bool, Query(description="Replace an audit already stored (same date, auditor, subject)")
    ] = False,
) -> ImportOut:
    from touchpath.audit.service import import_audits

    body = await request.body()
    if format == "yaml" and _expands(body):
        raise HTTPException(
            status_code=422,
            detail="request.yaml: its aliases expand to far more than the file holds; "
            "write the scores out",
        )
    audits = import_audits(session=ctx.db, name=f"request.{format}", data=body, replace=replace)
    by_key = {(i.date, i.auditor, i.subject): i.id for i in store.list_audits(session=ctx.db)}
    return ImportOut(
        ids=[by_key[(a.date, a.auditor, a.subject)] for a in audits],
        audits=len(audits),
        scores=sum(len(a.scores) for a in audits),
    )


@router.delete(
    "/audits/{audit_id}",
    status_code=204,
    response_class=Response,
    responses=NOT_FOUND,
    summary="Delete an audit and its scores",
)
def delete_audit(ctx: ApiAnalyst, audit_id: AuditId) -> Response:
    _info(ctx, audit_id)
    store.delete_audit(session=ctx.db, audit_id=audit_id)
    return Response(status_code=204)


@router.get(
    "/audit-scores",
    response_model=ScoresOut,
    responses=BAD_INPUT,
    summary="Weighted audit scores (0..1) per touchpoint, stage or chain",
)
def get_scores(
    ctx: ApiViewer,
    by: Literal["touchpoint", "stage", "chain", "parameter"] = "touchpoint",
    subject: Annotated[
        str | None, Query(max_length=64, description="`ours` or a competitor id; none: all")
    ] = None,
    as_of: Annotated[
        dt.date | None, Query(description="Score with the audits up to this date")
    ] = None,
) -> ScoresOut:
    from touchpath.audit.service import load

    data = load(session=ctx.db, as_of=as_of)
    frame = getattr(data.result, TABLES.get(by, "parameters"))
    if subject is not None:
        if subject not in data.result.subjects:
            raise HTTPException(
                status_code=422,
                detail=f"unknown subject {subject!r}: use {', '.join(data.result.subjects)}",
            )
        frame = frame[frame.subject == subject]
    return ScoresOut(
        by=by,
        as_of=as_of,
        subjects=list(data.result.subjects),
        rows=rows(frame.reset_index(drop=True)),
    )


@router.get(
    "/audit-gaps",
    response_model=GapsOut,
    summary="Missing touchpoints, missed channels, touchpoint types and chain checks",
)
def get_gaps(ctx: ApiViewer) -> GapsOut:
    from touchpath.audit.service import gaps

    return GapsOut.model_validate(_clean(gaps(session=ctx.db).to_json()))


def _signals(ctx: ApiCtx) -> Signals | None:
    """Attribution, reach and drop-off from the events, as ``audit plan --data`` weighs them."""
    from touchpath.audit.signals import event_signals

    def compute(events: ibis.Table) -> Signals | None:
        if int(events.count().execute()) == 0:
            return None
        return event_signals(events)

    return run(ctx, "audit-signals", compute, ())


@router.get(
    "/plan",
    response_model=PlanOut,
    responses=ANALYSIS_RESPONSES,
    summary="The improvement plan: items ranked by impact = importance × gap × negativity",
)
def get_plan(
    ctx: ApiViewer,
    data: Annotated[
        bool, Query(description="Weigh importance with the events (attribution, reach, drop-off)")
    ] = True,
    limit: Annotated[int | None, Query(ge=0, le=10_000, description="Only the first N")] = None,
) -> PlanOut:
    from touchpath.audit.plan import PlanConfig
    from touchpath.audit.service import plan

    config = PlanConfig()
    signals = _signals(ctx) if data else None
    items = plan(session=ctx.db, signals=signals, config=config)
    if limit is not None:
        items = items[:limit]
    return PlanOut.model_validate(plan_document(items, signals, config))


@router.patch(
    "/plan/{item_key}",
    response_model=PlanStateOut,
    responses={**BAD_INPUT, 404: {"description": "No plan item with this key"}},
    summary="Set a plan item's owner, due date, status or note (kept when the plan is re-run)",
)
def patch_plan_item(
    ctx: ApiAnalyst,
    item_key: Annotated[str, Path(min_length=1, max_length=200, description="e.g. improve:chat")],
    change: PlanItemPatch,
) -> PlanStateOut:
    from touchpath.audit.service import plan

    states = store.plan_states(session=ctx.db)
    old = states.get(item_key)
    if old is None and item_key not in {i.key for i in plan(session=ctx.db, feedback=False)}:
        raise HTTPException(status_code=404, detail=f"there is no plan item {item_key!r}")
    given = change.model_fields_set
    state = store.set_plan_item(
        session=ctx.db,
        key=item_key,
        owner=change.owner if "owner" in given else (old.owner if old else None),
        due=change.due if "due" in given else (old.due if old else None),
        status=change.status or (old.status if old else "open"),
        note=change.note if "note" in given else (old.note if old else None),
    )
    return PlanStateOut.model_validate(state, from_attributes=True)


def _expands(body: bytes) -> bool:
    """Whether YAML aliases blow ``body`` up ("billion laughs"), before anything walks it.

    A plain file has fewer nodes than bytes; one whose aliases expand beyond that is
    refused here, as the reader would format or walk the whole expansion.
    """
    try:
        root = yaml.compose(body.decode("utf-8"), Loader=yaml.SafeLoader)
    except (UnicodeDecodeError, yaml.YAMLError):
        return False  # the reader names the problem
    limit, seen = 1000 + len(body), 0
    stack: list[yaml.Node] = [] if root is None else [root]
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return False


def _clean(value: Any) -> Any:
    """NaN → null, recursively (JSON has no NaN)."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
