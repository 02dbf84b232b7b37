"""The funnel explorer: how many customers pass each step, where they leave, how fast.

A GET form over :func:`touchpath.analytics.funnels.funnel`: steps are stages or
touchpoints in the order chosen (by default the catalogue's stages in journey order),
with the mode (ordered, strict, any), the window and a breakdown (channel, campaign,
cohort). The funnel runs once per data version and parameters; the step names are put
on at drawing time, so a renamed touchpoint or another language needs no new query.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ibis
import pandas as pd
from fastapi import APIRouter
from fastapi.responses import Response

from touchpath.analytics.funnels import (
    MAX_STEPS,
    MODES,
    FunnelError,
    FunnelResult,
    Step,
    bin_labels,
    funnel,
    parse_window,
)
from touchpath.charts.funnels import funnel_figure, time_to_convert_figure
from touchpath.i18n import _
from touchpath.labels import N_, group_label
from touchpath.model import Catalogue
from touchpath.store import crud
from touchpath.web.deps import Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import (
    Params,
    analysis,
    chart,
    duration,
    events_state,
    for_plotly,
    rows,
    view,
)
from touchpath.web.templating import render, stage_name

router = APIRouter()
NAV = [NavEntry("funnel", N_("Funnel"), N_("Analytics"), 200)]

BREAKDOWNS: tuple[str, ...] = ("", "channel", "campaign", "cohort")
DEFAULT_WINDOW = "30d"
SHOWN_GROUPS = 30  # rows of the breakdown table; the chart shows the biggest six
STAGE, TOUCHPOINT = "stage:", "tp:"


def step_choices(catalogue: Catalogue) -> dict[str, str]:
    """Every step a user may pick: ``stage:<id>`` and ``tp:<id>`` with what people read."""
    choices = {STAGE + s.id: stage_name(s) for s in catalogue.stages_in_order()}
    choices.update({TOUCHPOINT + tp.id: tp.name for tp in catalogue.touchpoints})
    return choices


def default_steps(catalogue: Catalogue) -> list[str]:
    return [STAGE + s.id for s in catalogue.stages_in_order()]


def read_steps(params: Params, catalogue: Catalogue) -> list[str]:
    """The chosen steps in order; every one must be a stage or touchpoint of the catalogue."""
    sent = params.request.query_params.getlist("step")
    steps = params.many("step") if sent else default_steps(catalogue)
    params.values["step"] = steps
    known = step_choices(catalogue)
    if sent and not steps:
        params.fail(_("Steps: choose at least one step"))
    if len(steps) > MAX_STEPS:
        params.fail(_("Steps: a funnel has at most {n} steps").format(n=MAX_STEPS))
    for number, value in enumerate(steps, start=1):
        if value not in known:
            params.fail(
                _("Step {n}: there is no stage or touchpoint {value} in the catalogue").format(
                    n=number, value=value.split(":", 1)[-1][:60]
                )
            )
    return steps


def _window(params: Params) -> timedelta | None:
    raw = params.text("window", DEFAULT_WINDOW)
    if not raw:
        return None
    try:
        return parse_window(raw)
    except FunnelError as exc:
        params.fail(_("Window: {message}").format(message=str(exc)))
        return None


def stage_members(catalogue: Catalogue, steps: list[str]) -> dict[str, list[str]]:
    """Stage id → touchpoints serving it, for the stages among ``steps``."""
    wanted = {s.removeprefix(STAGE) for s in steps if s.startswith(STAGE)}
    return {
        s.id: [tp.id for tp in catalogue.touchpoints if s.id in tp.stages]
        for s in catalogue.stages_in_order()
        if s.id in wanted
    }


def run_funnel(
    events: ibis.Table,
    steps: list[str],
    members: dict[str, list[str]],
    *,
    mode: str,
    window: timedelta | None,
    by: str,
) -> FunnelResult:
    """The funnel in the engine; labels are the keys (the page names them)."""
    spec = [
        Step.stage(s.removeprefix(STAGE))
        if s.startswith(STAGE)
        else Step.touchpoint(s.removeprefix(TOUCHPOINT))
        for s in steps
    ]
    return funnel(events, spec, mode=mode, window=window, by=by or None, catalogue=members)


@router.get("/w/{ws}/funnel")
def funnel_page(ctx: Viewer) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    params = Params(ctx.request)
    steps = read_steps(params, catalogue)
    mode = params.choice("mode", _("Step order"), MODES, "ordered")
    window = _window(params)
    by = params.choice("by", _("Breakdown"), BREAKDOWNS, "")
    data, problem = events_state(ctx)
    context: dict[str, Any] = {
        "form": params.values,
        "choices": step_choices(catalogue),
        "stages": [(STAGE + s.id, stage_name(s)) for s in catalogue.stages_in_order()],
        "touchpoints": [(TOUCHPOINT + tp.id, tp.name) for tp in catalogue.touchpoints],
        "slots": min(MAX_STEPS, max(len(steps) + 2, 6)),
        "modes": [
            ("ordered", _("ordered: in this order, other touches between allowed")),
            ("strict", _("strict: each step right after the previous one")),
            ("any", _("any order: every step, in whatever order")),
        ],
        "breakdowns": [
            ("", _("none")),
            ("channel", _("channel of the first step")),
            ("campaign", _("campaign of the first step")),
            ("cohort", _("cohort (month of the first touch)")),
        ],
        "errors": params.errors,
        "problem": problem,
        "data": data,
        "result": None,
    }
    if params.errors:
        return render(ctx.request, "funnel.html", context, ctx=ctx, status_code=400)
    if data is None or not data.events:
        return render(ctx.request, "funnel.html", context, ctx=ctx)

    members = stage_members(catalogue, steps)
    key = (
        tuple(steps),
        tuple((s, tuple(tps)) for s, tps in members.items()),
        mode,
        None if window is None else window.total_seconds(),
        by,
    )
    result = analysis(
        ctx,
        "funnel",
        key,
        lambda events: run_funnel(events, steps, members, mode=mode, window=window, by=by),
    )
    context["result"] = view(ctx, "funnel", key, catalogue, lambda: draw(result, steps, catalogue))
    return render(ctx.request, "funnel.html", context, ctx=ctx)


def draw(result: FunnelResult, steps: list[str], catalogue: Catalogue) -> dict[str, Any]:
    """The tables and charts of one funnel in the reader's language."""
    names = step_choices(catalogue)
    labels = {i: names.get(s, s) for i, s in enumerate(steps, start=1)}
    table = result.steps.assign(label=result.steps["step"].map(labels))
    table["median"] = [duration(v) for v in table["median_seconds"]]
    table["p90"] = [duration(v) for v in table["p90_seconds"]]
    plot_steps = table.assign(label=table["label"].map(for_plotly))

    histogram = result.histogram.assign(
        label=result.histogram["step"].map(lambda i: for_plotly(labels[int(i)])),
        bin_label=result.histogram["bin"].map(lambda b: bin_labels()[int(b)]),
    )
    converted = int(result.histogram["customers"].sum()) > 0

    breakdown = None
    groups: list[dict[str, Any]] = []
    hidden = 0
    if result.breakdown is not None:
        breakdown = result.breakdown.assign(
            label=result.breakdown["step"].map(lambda i: for_plotly(labels[int(i)])),
            group=result.breakdown["group"].map(
                lambda g: None if g is None or pd.isna(g) else for_plotly(group_name(g, result.by))
            ),
        )
        groups, hidden = breakdown_rows(result.breakdown, result.by, len(steps))

    k = len(steps)
    figure = funnel_figure(plot_steps, breakdown)
    if breakdown is not None:  # several funnels side by side: the counts fit, the shares do not
        figure.update_traces(textinfo="value")
    time_chart = None
    if k > 1 and converted:
        time_chart = chart(time_to_convert_figure(histogram), height=420, legend="top")
    return {
        "steps": rows(table),
        "entered": int(table["customers"].iloc[0]),
        "finished": int(table["customers"].iloc[-1]),
        "funnel_chart": chart(
            figure,
            height=max(340, (80 if breakdown is not None else 58) * k + 120),
            legend="top",
        ),
        "time_chart": time_chart,
        "groups": groups,
        "hidden_groups": hidden,
        "step_labels": [labels[i] for i in range(1, k + 1)],
        "window": result.window,
        "mode": result.mode,
        "by": result.by,
    }


def group_name(group: object, by: str | None) -> str:
    """A breakdown value as people read it (channel groups get their label)."""
    if group is None or (isinstance(group, float) and pd.isna(group)):
        return _("(none)")
    return group_label(str(group)) if by == "channel" else str(group)


def breakdown_rows(frame: pd.DataFrame, by: str | None, k: int) -> tuple[list[dict[str, Any]], int]:
    """One row per group: customers at each step and the conversion from first to last."""
    out: list[dict[str, Any]] = []
    order: list[object] = []
    for g in frame["group"]:
        if not any(g is o or g == o for o in order):
            order.append(g)
    if by == "cohort":  # months in time order, not by size
        order.sort(key=lambda g: (g is None, str(g)))
    for g in order[:SHOWN_GROUPS]:
        part = frame[frame["group"].isna()] if g is None else frame[frame["group"] == g]
        counts = [int(v) for v in part.sort_values("step")["customers"]]
        first = counts[0] if counts else 0
        out.append(
            {
                "group": group_name(g, by),
                "counts": counts,
                "rate": counts[-1] / first if first and len(counts) == k else None,
            }
        )
    return out, max(0, len(order) - SHOWN_GROUPS)
