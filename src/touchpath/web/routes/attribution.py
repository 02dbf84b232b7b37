"""Attribution: which touchpoints (or channels) earn the conversions, model beside model.

The path table comes from the workspace's events — through
``touchpath.attribution.paths.paths_from_events`` when that module is installed, else
from the cleaned paths of :mod:`touchpath.analytics.paths` (one journey per customer, up
to and including their first conversion, valued at that conversion). The models are
compared by :func:`touchpath.attribution.compare.compare`, optionally with bootstrap
intervals (kept to a few dozen replicates by default: the page should answer in
seconds). A model whose module is not installed is simply not offered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import ibis
import pandas as pd
from fastapi import APIRouter
from fastapi.responses import Response

from touchpath.analytics.paths import PathOptions, customer_paths, path_steps, split_key
from touchpath.attribution.base import AttributionModel
from touchpath.attribution.compare import compare
from touchpath.charts.attribution import comparison_chart
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.model import Catalogue
from touchpath.store import crud
from touchpath.web.cache import data_version
from touchpath.web.deps import Ctx, Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import (
    Params,
    analysis,
    chart,
    events_state,
    for_plotly,
    short,
    unit_namer,
    view,
)
from touchpath.web.templating import render

router = APIRouter()
NAV = [NavEntry("attribution", N_("Attribution"), N_("Analytics"), 230)]

UNITS: tuple[str, ...] = ("touchpoint", "channel")
METRICS: tuple[str, ...] = ("conversions", "share", "value", "value_share")
DEFAULT_BOOT = 50
DEFAULT_LOOKBACK = "30d"
MAX_BOOT = 500
CHART_CHANNELS = 15  # the chart shows the biggest; the table shows every one


@dataclass(frozen=True)
class ModelChoice:
    """A model the page offers: where it lives and how it is set up."""

    id: str
    title: str  # a message id
    module: str
    cls: str
    kwargs: tuple[tuple[str, Any], ...] = ()
    needs_ages: bool = False

    def make(self) -> AttributionModel | None:
        """The model, or None when its module is not installed (yet)."""
        try:
            module = importlib.import_module(self.module)
        except ImportError:
            return None
        factory: Callable[..., AttributionModel] | None = getattr(module, self.cls, None)
        return None if factory is None else factory(**dict(self.kwargs))


HEURISTIC = "touchpath.attribution.heuristic"
MARKOV = "touchpath.attribution.markov"
SHAPLEY = "touchpath.attribution.shapley"
CHOICES: tuple[ModelChoice, ...] = (
    ModelChoice("first_touch", N_("First touch"), HEURISTIC, "FirstTouchModel"),
    ModelChoice("last_touch", N_("Last touch"), HEURISTIC, "LastTouchModel"),
    ModelChoice("last_non_direct", N_("Last non-direct touch"), HEURISTIC, "LastNonDirectModel"),
    ModelChoice("linear", N_("Linear"), HEURISTIC, "LinearModel"),
    ModelChoice("position_based", N_("Position-based (40/20/40)"), HEURISTIC, "PositionBasedModel"),
    ModelChoice(
        "time_decay", N_("Time decay (7-day half-life)"), HEURISTIC, "TimeDecayModel", (), True
    ),
    ModelChoice("markov_1", N_("Markov chain, order 1"), MARKOV, "MarkovModel", (("order", 1),)),
    ModelChoice("markov_2", N_("Markov chain, order 2"), MARKOV, "MarkovModel", (("order", 2),)),
    ModelChoice("shapley", N_("Shapley value"), SHAPLEY, "ShapleyModel"),
    ModelChoice("shapley_simplified", N_("Simplified Shapley"), SHAPLEY, "SimplifiedShapleyModel"),
)
DEFAULT_MODELS: tuple[str, ...] = ("last_touch", "linear", "markov_1", "shapley")


def _paths_module() -> Any | None:
    try:
        return importlib.import_module("touchpath.attribution.paths")
    except ImportError:
        return None


def events_paths() -> Callable[..., pd.DataFrame] | None:
    """``paths_from_events`` of the attribution package, when it is installed."""
    found: Callable[..., pd.DataFrame] | None = getattr(_paths_module(), "paths_from_events", None)
    return found


def read_lookback(params: Params) -> timedelta | None:
    """How long before a conversion touches count (the attribution package's rule)."""
    raw = params.text("lookback", DEFAULT_LOOKBACK)
    parse = getattr(_paths_module(), "parse_lookback", None)
    if parse is None:
        return None
    try:
        window: timedelta | None = parse(raw)
    except TouchpathError as exc:
        params.fail(_("Lookback: {message}").format(message=str(exc)))
        return None
    return window


def available() -> list[ModelChoice]:
    """The models this installation can fit from the path table it can build."""
    with_ages = events_paths() is not None
    return [c for c in CHOICES if c.make() is not None and (with_ages or not c.needs_ages)]


def first_conversion_paths(events: ibis.Table, by: str) -> pd.DataFrame:
    """A path table from the cleaned paths of the Paths page (no attribution/paths.py).

    One journey per customer: their touches in order up to and including the first
    conversion (every touch, repeats kept); it converted with that event's value, or
    counts as a null. Events without a touchpoint are the step ``(unmapped)``.
    """
    steps = path_steps(events, options=PathOptions(by=by, collapse=False))
    per = customer_paths(steps)
    conv = events.filter(events.is_conversion)
    order = ibis.window(group_by="customer_id", order_by=["ts", "seq", "event_id"])
    conv = conv.mutate(_n=ibis.row_number().over(order))
    first = conv.filter(conv._n == 0).select(vc=conv.customer_id, v=conv.value.fill_null(0.0))
    joined = per.left_join(first, per.customer_id == first.vc)
    joined = joined.mutate(
        conv=joined.converted.cast("int64"),
        val=ibis.ifelse(joined.converted, joined.v.fill_null(0.0), 0.0),
    )
    table = (
        joined.group_by("path_key")
        .aggregate(conversions=joined.conv.sum(), value=joined.val.sum(), journeys=joined.count())
        .to_pandas()
    )
    conversions = table["conversions"].astype("float64")
    return pd.DataFrame(
        {
            "path": [split_key(k) for k in table["path_key"]],
            "conversions": conversions,
            "value": table["value"].astype("float64"),
            "nulls": table["journeys"].astype("float64") - conversions,
        }
    )


def build_paths(
    events: ibis.Table, by: str, *, lookback: timedelta | None, ages: bool
) -> pd.DataFrame:
    from_events = events_paths()
    if from_events is not None:
        return from_events(events, unit=by, lookback=lookback, ages=ages)
    return first_conversion_paths(events, by)


def conversion_paths(ctx: Ctx, by: str, *, lookback: timedelta | None, ages: bool) -> pd.DataFrame:
    """The path table the models fit, once per data version (the plan shares it)."""
    span = None if lookback is None else lookback.total_seconds()
    return analysis(
        ctx,
        "attribution.paths",
        (by, span, ages),
        lambda events: build_paths(events, by, lookback=lookback, ages=ages),
    )


def computed(ctx: Ctx, name: str, params: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """Pure work on a cached result (models on the path table), cached per data version."""
    key = ("computed", str(ctx.ws.root), data_version(ctx.ws), name, params)
    return ctx.cache.get(key, compute)


@router.get("/w/{ws}/attribution")
def attribution_page(ctx: Viewer) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    params = Params(ctx.request)
    offered = available()
    by_id = {c.id: c for c in offered}
    by = params.choice("by", _("Credit"), UNITS, "touchpoint")
    metric = params.choice("metric", _("Show"), METRICS, "conversions")
    intervals = params.flag("intervals", _("Bootstrap intervals"), False)
    n_boot = params.integer("n_boot", _("Replicates"), DEFAULT_BOOT, 10, MAX_BOOT) or DEFAULT_BOOT
    chosen = params.many("model")
    if not chosen and params.text("sent"):  # the form was sent with every model unticked
        params.fail(_("Models: tick at least one model"))
    elif not chosen:
        chosen = [m for m in DEFAULT_MODELS if m in by_id] or [c.id for c in offered[:3]]
    for value in chosen:
        if value not in by_id:
            params.fail(
                _("Models: unknown model {value}; choose among: {choices}").format(
                    value=value[:60], choices=", ".join(by_id)
                )
            )
    chosen = [m for m in dict.fromkeys(chosen) if m in by_id]
    lookback = read_lookback(params)
    params.values["model"] = chosen
    data, problem = events_state(ctx)
    context: dict[str, Any] = {
        "form": params.values,
        "models": [(c.id, _(c.title)) for c in offered],
        "missing_models": [_(c.title) for c in CHOICES if c not in offered],
        "units": [("touchpoint", _("touchpoints")), ("channel", _("channels"))],
        "metrics": [
            ("conversions", _("conversions")),
            ("share", _("share of conversions")),
            ("value", _("conversion value")),
            ("value_share", _("share of value")),
        ],
        "errors": params.errors,
        "problem": problem,
        "data": data,
        "result": None,
        "no_conversions": bool(data and data.events and not data.conversions),
        "from_events": events_paths() is not None,
    }
    if params.errors:
        return render(ctx.request, "attribution.html", context, ctx=ctx, status_code=400)
    if data is None or not data.events or not data.conversions:
        return render(ctx.request, "attribution.html", context, ctx=ctx)

    ages = any(by_id[m].needs_ages for m in chosen)  # only time decay needs them
    span = None if lookback is None else lookback.total_seconds()
    paths = conversion_paths(ctx, by, lookback=lookback, ages=ages)
    key = (by, span, tuple(chosen), intervals, n_boot if intervals else 0)
    try:
        table = computed(
            ctx,
            "attribution.compare",
            key,
            lambda: compare(
                {m: by_id[m].make() for m in chosen},  # type: ignore[misc]
                paths,
                intervals=intervals,
                n_boot=n_boot,
            ),
        )
    except TouchpathError as exc:
        context["problem"] = str(exc)
        return render(ctx.request, "attribution.html", context, ctx=ctx)
    titles = {c.id: _(c.title) for c in offered}
    context["result"] = view(
        ctx,
        "attribution",
        (*key, metric),
        catalogue,
        lambda: draw(table, paths, chosen, titles, by, metric, catalogue),
    )
    return render(ctx.request, "attribution.html", context, ctx=ctx)


def draw(
    table: pd.DataFrame,
    paths: pd.DataFrame,
    chosen: list[str],
    titles: dict[str, str],
    by: str,
    metric: str,
    catalogue: Catalogue,
) -> dict[str, Any]:
    """The comparison table (one row per touchpoint, a column per model) and its chart."""
    name = unit_namer(by, catalogue)
    channels = list(dict.fromkeys(table["channel"].astype(str)))
    cells = {(str(r["channel"]), str(r["model"])): r for r in table.to_dict("records")}
    has_bounds = f"{metric}_low" in table.columns
    grid: list[dict[str, Any]] = []
    for channel in channels:
        row_cells: list[dict[str, float | None]] = []
        for model in chosen:
            r = cells[(channel, model)]
            row_cells.append(
                {
                    "value": float(r[metric]),
                    "low": float(r[f"{metric}_low"]) if has_bounds else None,
                    "high": float(r[f"{metric}_high"]) if has_bounds else None,
                }
            )
        grid.append({"name": name(channel), "cells": row_cells})
    top = set(channels[:CHART_CHANNELS])
    shown = table[table["channel"].astype(str).isin(top)].assign(
        model=lambda t: t["model"].map(titles),
        channel=lambda t: t["channel"].astype(str).map(lambda c: for_plotly(short(name(c), 34))),
    )
    converting = paths[paths["conversions"] > 0]
    return {
        "models": [titles[m] for m in chosen],
        "grid": grid,
        "percent": metric in ("share", "value_share"),
        "digits": 1 if metric == "conversions" else 0,
        "chart": chart(
            horizontal(comparison_chart(shown, metric=metric)),  # type: ignore[arg-type]
            height=max(380, len(top) * (12 + 9 * len(chosen)) + 120),
            legend="top",
        ),
        "channels": len(channels),
        "charted": min(len(channels), CHART_CHANNELS),
        "paths": len(paths),
        "journeys": float(paths["conversions"].sum() + paths["nulls"].sum()),
        "conversions": float(paths["conversions"].sum()),
        "converting_paths": len(converting),
        "has_bounds": has_bounds,
    }


def horizontal(figure: Any) -> Any:
    """The grouped bars turned on their side: long touchpoint names read on the left.

    Every trace's x and y swap (error bars move with them); the biggest channel, first in
    the table, stays on top.
    """
    value_title = figure.layout.yaxis.title.text
    tickformat = figure.layout.yaxis.tickformat
    for trace in figure.data:
        error = trace.error_y.to_plotly_json() if trace.error_y.array is not None else None
        trace.update(x=trace.y, y=trace.x, orientation="h", error_y={"visible": False})
        if error is not None:
            trace.update(error_x=error)
    figure.update_layout(
        xaxis={"title": {"text": value_title}, "tickformat": tickformat},
        yaxis={"title": {"text": ""}, "autorange": "reversed", "automargin": True},
        bargap=0.25,
    )
    return figure
