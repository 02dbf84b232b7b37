"""Retention and loyalty: CRR per period, cohorts, repeat purchases, churn and RFM segments.

A GET form over the building blocks of :mod:`touchpath.analytics.retention`. Unlike
``touchpath retention --rfm`` the page never brings one RFM row per customer back from
the engine: only the ten segments, so a big workspace costs no memory in the cache.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis
from fastapi import APIRouter
from fastapi.responses import Response

from touchpath.analytics.retention import (
    PERIODS,
    Period,
    Retention,
    calendar_for,
    cohorts_table,
    periods_table,
    rfm_scores,
    rfm_segments,
    rfm_table,
    summary_table,
)
from touchpath.charts.retention import (
    cohort_heatmap,
    retention_rates,
    rfm_segments_chart,
    segment_labels,
)
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.store import crud
from touchpath.web.deps import Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import Params, analysis, chart, events_state, rows, shown, view
from touchpath.web.templating import render

router = APIRouter()
NAV = [NavEntry("retention", N_("Retention"), N_("Analytics"), 240)]

MAX_CHURN_DAYS = 3650


def run_retention(
    events: ibis.Table, *, period: Period, end: date | None, churn_after: timedelta
) -> Retention:
    """Summary, periods, cohorts and RFM segments (no per-customer rows) in the engine."""
    cal = calendar_for(events, period=period, end=end)
    segments = rfm_segments(rfm_scores(rfm_table(events, cal.end))).to_pandas()
    return Retention(
        end=cal.end,
        period=cal.period,
        churn_after=churn_after,
        summary=summary_table(events, cal.end, churn_after=churn_after).to_pandas(),
        periods=periods_table(events, cal, churn_after=churn_after).to_pandas(),
        cohorts=cohorts_table(events, cal).to_pandas(),
        segments=segments,
    )


def _end(params: Params) -> date | None:
    raw = params.text("end")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        params.fail(
            _("Last day: write a date as YYYY-MM-DD, e.g. 2025-06-30 (got {value})").format(
                value=shown(raw)
            )
        )
        return None


@router.get("/w/{ws}/retention")
def retention_page(ctx: Viewer) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    params = Params(ctx.request)
    period: Period = params.choice("period", _("Period"), PERIODS, "month")  # type: ignore[assignment]
    churn_days = params.integer("churn_after", _("Churned after"), 90, 1, MAX_CHURN_DAYS) or 90
    end = _end(params)
    data, problem = events_state(ctx)
    context: dict[str, Any] = {
        "form": params.values,
        "periods": [("month", _("month")), ("week", _("week")), ("quarter", _("quarter"))],
        "errors": params.errors,
        "problem": problem,
        "data": data,
        "result": None,
        "no_purchases": bool(data and data.events and not data.conversions),
    }
    if params.errors:
        return render(ctx.request, "retention.html", context, ctx=ctx, status_code=400)
    if data is None or not data.events or not data.conversions:
        return render(ctx.request, "retention.html", context, ctx=ctx)
    churn_after = timedelta(days=churn_days)
    key = (period, None if end is None else end.isoformat(), churn_days)
    try:
        result = analysis(
            ctx,
            "retention",
            key,
            lambda events: run_retention(events, period=period, end=end, churn_after=churn_after),
        )
    except TouchpathError as exc:
        if end is None:  # not the form's fault (e.g. the store is busy): say so
            context["problem"] = str(exc)
            return render(ctx.request, "retention.html", context, ctx=ctx)
        # e.g. a last day before the first purchase
        context["errors"] = [_("Last day: {message}").format(message=str(exc))]
        return render(ctx.request, "retention.html", context, ctx=ctx, status_code=400)
    context["result"] = view(ctx, "retention", key, catalogue, lambda: draw(result))
    return render(ctx.request, "retention.html", context, ctx=ctx)


def rates_figure(result: Retention) -> Any:
    """CRR and repeat rate per period, periods named as in the table (not parsed as dates)."""
    figure = retention_rates(result.periods)
    figure.update_xaxes(type="category")
    return figure


def draw(result: Retention) -> dict[str, Any]:
    """KPIs, tables and the three charts in the reader's language."""
    summary = rows(result.summary)[0]
    cohorts = result.cohorts
    n_cohorts = int(cohorts["cohort"].nunique()) if len(cohorts) else 0
    segments = result.segments
    assert segments is not None
    names = segment_labels()
    periods = rows(result.periods)
    grid = (
        cohorts.pivot(index="cohort", columns="offset", values="share").sort_index()
        if len(cohorts)
        else None
    )
    sizes = cohorts.groupby("cohort")["cohort_size"].first() if len(cohorts) else None
    cohort_rows = []
    if grid is not None and sizes is not None:
        size_of = {str(k): int(v) for k, v in sizes.items()}
        for cohort, values in grid.iterrows():
            cohort_rows.append(
                {
                    "cohort": str(cohort),
                    "size": size_of[str(cohort)],
                    "shares": [None if v != v else float(v) for v in values.tolist()],
                }
            )
    return {
        "end": result.end,
        "period": result.period,
        "churn_days": int(result.churn_after.total_seconds() // 86_400),
        "summary": summary,
        "periods": periods,
        "rates_chart": chart(rates_figure(result), height=380, legend="top")
        if len(periods) > 1
        else None,
        "heatmap": chart(cohort_heatmap(cohorts), height=max(320, 30 * n_cohorts + 170))
        if n_cohorts
        else None,
        "offsets": [] if grid is None else [int(c) for c in grid.columns],
        "cohorts": cohort_rows,
        "segments": [
            {**s, "name": names.get(str(s["segment"]), str(s["segment"]))} for s in rows(segments)
        ],
        "segments_chart": chart(rfm_segments_chart(segments), height=340),
    }
