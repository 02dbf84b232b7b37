"""``GET /w/{workspace}/attribution``: conversions and value credited per channel or
touchpoint by each model (docs/attribution.md); the same document as ``touchpath
attribute --json``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import ibis
import pandas as pd
from fastapi import APIRouter, Query
from pydantic import BaseModel

from touchpath.attribution.base import AttributionModel
from touchpath.attribution.paths import paths_from_events
from touchpath.attribution.registry import MODELS, load_plugins, make_model
from touchpath.web.api._analysis import ANALYSIS_RESPONSES, Result, rows, run
from touchpath.web.api._deps import AUTH_RESPONSES, ApiViewer

router = APIRouter(prefix="/w/{workspace}", tags=["analyses"], responses=AUTH_RESPONSES)

DEFAULT_MODELS = ("last", "linear", "markov")


class Credit(BaseModel):
    channel: str
    conversions: float
    share: float
    value: float
    value_share: float
    removal_effect: float | None = None


class ModelOut(BaseModel):
    label: str
    params: dict[str, Any]
    channels: list[Credit]
    conversion_probability: float | None = None


class Totals(BaseModel):
    paths: int
    conversions: float
    value: float
    nulls: float


class AttributionOut(Result):
    unit: str
    lookback: str | None
    totals: Totals
    models: dict[str, ModelOut]


@router.get(
    "/attribution",
    response_model=AttributionOut,
    responses=ANALYSIS_RESPONSES,
    summary="Attribution: which channels or touchpoints earn the conversions, model by model",
)
def get_attribution(
    ctx: ApiViewer,
    models: Annotated[
        list[Annotated[str, Query(max_length=64)]] | None,
        Query(
            max_length=20,
            description="Models by name (repeat the parameter): first, last, "
            "last-non-direct, linear, time-decay, position, markov, shapley, "
            "shapley-simplified; default: last, linear, markov",
        ),
    ] = None,
    unit: Literal["channel", "touchpoint"] = "channel",
    lookback: Annotated[
        str, Query(max_length=16, description="e.g. 30d, or none for every touch")
    ] = "30d",
    order: Annotated[int, Query(ge=1, le=4, description="Markov order")] = 1,
    half_life: Annotated[float, Query(gt=0, le=3650, description="Time decay, days")] = 7.0,
) -> AttributionOut:
    load_plugins()
    names = tuple(dict.fromkeys(models or DEFAULT_MODELS))
    fitted = {n: make_model(n, order=order, half_life=half_life) for n in names}  # 422 if unknown
    ages = any(m.needs_ages for m in fitted.values())
    window = None if lookback.lower() == "none" else lookback

    def compute(events: ibis.Table) -> pd.DataFrame:
        return paths_from_events(events, unit=unit, lookback=window, ages=ages)

    paths = run(ctx, "attribution-paths", compute, (unit, window, ages))
    out = {name: _model(model.fit(paths)) for name, model in fitted.items()}
    return AttributionOut(
        unit=unit,
        lookback=window,
        totals=Totals(
            paths=len(paths),
            conversions=float(paths["conversions"].sum()),
            value=float(paths["value"].sum()),
            nulls=float(paths["nulls"].sum()),
        ),
        models=out,
    )


def _model(model: AttributionModel) -> ModelOut:
    frame = model.attribution_[["channel", "conversions", "value"]].copy()
    conv_total, value_total = frame["conversions"].sum(), frame["value"].sum()
    frame["share"] = frame["conversions"] / conv_total if conv_total else 0.0
    frame["value_share"] = frame["value"] / value_total if value_total else 0.0
    effects = getattr(model, "removal_effects_", None)
    probability = None
    if isinstance(effects, pd.DataFrame):
        frame = frame.merge(effects, on="channel", how="left")
        probability = float(model.conversion_probability_)  # type: ignore[attr-defined]
    return ModelOut(
        label=model.label,
        params=model.get_params(),
        channels=[Credit.model_validate(r) for r in rows(frame)],
        conversion_probability=probability,
    )


__all__ = ["MODELS", "router"]
