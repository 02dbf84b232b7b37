"""``GET /w/{workspace}/retention``: CRR, cohorts, churn, RFM (docs/analytics/retention.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

import ibis
from fastapi import APIRouter, HTTPException, Query

from touchpath.analytics.retention import Retention, retention
from touchpath.web.api._analysis import ANALYSIS_RESPONSES, Result, Row, run
from touchpath.web.api._deps import AUTH_RESPONSES, ApiViewer

EARLIEST = date(1970, 1, 1)

router = APIRouter(prefix="/w/{workspace}", tags=["analyses"], responses=AUTH_RESPONSES)


class RetentionOut(Result):
    end: str
    period: str
    churn_after_days: float
    summary: Row
    periods: list[Row]
    cohorts: list[Row]
    rfm_segments: list[Row] | None = None
    rfm: list[Row] | None = None


@router.get(
    "/retention",
    response_model=RetentionOut,
    responses=ANALYSIS_RESPONSES,
    summary="Retention: customer retention rate per period, cohorts, churn and RFM",
)
def get_retention(
    ctx: ApiViewer,
    period: Literal["month", "week", "quarter"] = "month",
    end: Annotated[
        date | None,
        Query(description="Last day (default: last purchase); 1970 to a year from today"),
    ] = None,
    churn_after_days: Annotated[int, Query(ge=1, le=3650)] = 90,
    rfm: bool = False,
    rfm_unit: Literal["D", "W"] = "D",
) -> RetentionOut:
    if end is not None and not EARLIEST <= end <= date.today() + timedelta(days=366):
        raise HTTPException(
            status_code=422,
            detail=f"end {end.isoformat()}: give a day from 1970 to a year from today",
        )

    def compute(events: ibis.Table) -> Retention:
        return retention(
            events,
            period=period,
            end=end,
            churn_after=timedelta(days=churn_after_days),
            rfm=rfm,
            rfm_unit=rfm_unit,
        )

    result = run(ctx, "retention", compute, (period, end, churn_after_days, rfm, rfm_unit))
    return RetentionOut.model_validate(result.to_json())
