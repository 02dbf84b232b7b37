"""``GET /w/{workspace}/paths``: the most common path variants (docs/analytics/paths.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import ibis
from fastapi import APIRouter, Query
from pydantic import BaseModel

from touchpath.analytics.paths import PathsResult, top_paths
from touchpath.web.api._analysis import ANALYSIS_RESPONSES, Result, catalogue, run
from touchpath.web.api._deps import AUTH_RESPONSES, ApiViewer

router = APIRouter(prefix="/w/{workspace}", tags=["analyses"], responses=AUTH_RESPONSES)


class PathRow(BaseModel):
    path: list[str]
    length: int
    customers: int
    share: float
    converted: int
    conversion_rate: float


class PathsOut(Result):
    kind: str
    options: dict[str, Any]
    customers: int
    variants: int
    paths: list[PathRow]


@router.get(
    "/paths",
    response_model=PathsOut,
    responses=ANALYSIS_RESPONSES,
    summary="Top paths: the commonest sequences of touchpoints, channels or stages",
)
def get_paths(
    ctx: ApiViewer,
    top: Annotated[int, Query(ge=1, le=1000)] = 20,
    kind: Literal["all", "converted", "dropped"] = "all",
    by: Literal["touchpoint", "channel", "stage"] = "touchpoint",
    collapse: bool = True,
    max_length: Annotated[int | None, Query(ge=1, le=1000)] = None,
    keep: Literal["first", "last"] = "first",
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    to: Annotated[str | None, Query(max_length=64)] = None,
) -> PathsOut:
    cat = catalogue(ctx)

    def compute(events: ibis.Table) -> PathsResult:
        return top_paths(
            events,
            top,
            kind,
            by=by,
            collapse=collapse,
            max_length=max_length,
            keep=keep,
            from_=from_,
            to=to,
            catalogue=cat,
        )

    params = (top, kind, by, collapse, max_length, keep, from_, to, cat.model_dump_json())
    return PathsOut.model_validate(run(ctx, "paths", compute, params).to_json())
