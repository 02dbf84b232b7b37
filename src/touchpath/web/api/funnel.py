"""``GET /w/{workspace}/funnel``: customers through ordered steps (docs/analytics/funnels.md)."""

from __future__ import annotations

from typing import Annotated, Literal

import ibis
from fastapi import APIRouter, Query
from pydantic import BaseModel

from touchpath.analytics.funnels import FunnelResult, funnel
from touchpath.web.api._analysis import ANALYSIS_RESPONSES, Result, Row, catalogue, rows, run
from touchpath.web.api._deps import AUTH_RESPONSES, ApiViewer

router = APIRouter(prefix="/w/{workspace}", tags=["analyses"], responses=AUTH_RESPONSES)


class FunnelStep(BaseModel):
    step: int
    key: str
    label: str
    customers: int
    conversion_from_previous: float | None
    conversion_from_first: float | None
    drop_off: int | None
    drop_off_rate: float | None
    median_seconds: float | None
    p90_seconds: float | None


class FunnelOut(Result):
    mode: str
    window_seconds: float | None
    by: str | None
    steps: list[FunnelStep]
    breakdown: list[Row] | None
    time_to_convert: list[Row]


@router.get(
    "/funnel",
    response_model=FunnelOut,
    responses=ANALYSIS_RESPONSES,
    summary="Funnel: customers reaching each step, drop-off and time to convert",
)
def get_funnel(
    ctx: ApiViewer,
    steps: Annotated[
        list[Annotated[str, Query(max_length=64)]] | None,
        Query(
            max_length=20,
            description="Touchpoint or stage ids in order (repeat the parameter); "
            "none: the journey's stages",
        ),
    ] = None,
    mode: Literal["ordered", "strict", "any"] = "ordered",
    window: Annotated[
        str | None, Query(max_length=16, description="e.g. 30d, 12h; none: no limit")
    ] = None,
    by: Literal["channel", "campaign", "segment", "cohort"] | None = None,
) -> FunnelOut:
    cat = catalogue(ctx)
    chosen = tuple(steps or ())

    def compute(events: ibis.Table) -> FunnelResult:
        return funnel(events, list(chosen) or None, mode=mode, window=window, by=by, catalogue=cat)

    result = run(ctx, "funnel", compute, (chosen, mode, window, by, cat.model_dump_json()))
    doc = result.to_json()
    return FunnelOut(
        mode=doc["mode"],
        window_seconds=doc["window_seconds"],
        by=doc["by"],
        steps=[FunnelStep.model_validate(r) for r in rows(result.steps)],
        breakdown=None if result.breakdown is None else rows(result.breakdown),
        time_to_convert=rows(result.histogram),
    )
