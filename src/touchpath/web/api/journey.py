"""``GET /w/{workspace}/journey``: the directly-follows graph (docs/analytics/journey.md)."""

from __future__ import annotations

from typing import Literal

import ibis
from fastapi import APIRouter
from pydantic import BaseModel

from touchpath.analytics.journey import JourneyMap, directly_follows
from touchpath.web.api._analysis import ANALYSIS_RESPONSES, Result, rows, run
from touchpath.web.api._deps import AUTH_RESPONSES, ApiViewer

router = APIRouter(prefix="/w/{workspace}", tags=["analyses"], responses=AUTH_RESPONSES)


class Edge(BaseModel):
    source: str
    target: str
    count: int
    customers: int
    median_seconds: float | None
    mean_seconds: float | None


class Endpoint(BaseModel):
    node: str
    customers: int


class Node(BaseModel):
    node: str
    touches: int
    starts: int
    ends: int
    repeats: int
    avg_position: float | None


class JourneyOut(Result):
    unit: str
    customers: int
    edges: list[Edge]
    starts: list[Endpoint]
    ends: list[Endpoint]
    nodes: list[Node]


@router.get(
    "/journey",
    response_model=JourneyOut,
    responses=ANALYSIS_RESPONSES,
    summary="Journey: which touchpoint directly follows which, how often and how soon",
)
def get_journey(
    ctx: ApiViewer,
    unit: Literal["touchpoint", "channel"] = "touchpoint",
    keep_unmapped: bool = False,
) -> JourneyOut:
    def compute(events: ibis.Table) -> JourneyMap:
        return directly_follows(events, unit=unit, keep_unmapped=keep_unmapped)

    result = run(ctx, "journey", compute, (unit, keep_unmapped))
    return JourneyOut(
        unit=result.unit,
        customers=result.customers,
        edges=[Edge.model_validate(r) for r in rows(result.edges)],
        starts=[Endpoint.model_validate(r) for r in rows(result.starts)],
        ends=[Endpoint.model_validate(r) for r in rows(result.ends)],
        nodes=[Node.model_validate(r) for r in rows(result.nodes)],
    )
