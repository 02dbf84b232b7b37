"""``touchpath retention``: CRR per period, cohorts, repeat rate, churn and RFM.

Definitions, options and the JSON document: docs/analytics/retention.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from touchpath.commands.shell import (
    HtmlOpt,
    JsonOpt,
    emit_json,
    open_events,
    print_frame,
    user_errors,
    write_figure,
)
from touchpath.errors import TouchpathError
from touchpath.i18n import _

if TYPE_CHECKING:
    from touchpath.analytics.retention import Retention


def register(app: typer.Typer) -> None:
    app.command(
        name="retention",
        help=_("Retention and loyalty: CRR per period, cohorts, repeat purchases, churn, RFM."),
    )(retention)


def parse_day(text: str) -> date:
    """``2025-06-30`` as a date, or a one-line error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TouchpathError(_("bad date {text!r}: use YYYY-MM-DD").format(text=text)) from None


def _percent(values: pd.Series) -> list[str]:
    return ["—" if pd.isna(v) else f"{v:.1%}" for v in values.astype(float)]


@user_errors
def retention(
    ctx: typer.Context,
    period: Annotated[
        str,
        typer.Option("--period", help=_("Period of the rates and cohorts: month, week, quarter.")),
    ] = "month",
    rfm: Annotated[
        bool,
        typer.Option(
            "--rfm", help=_("Add RFM per customer (lifetimes' definitions) and segments.")
        ),
    ] = False,
    end: Annotated[
        str | None,
        typer.Option(
            "--end", help=_("Last day counted, YYYY-MM-DD (default: the day of the last purchase).")
        ),
    ] = None,
    churn_after: Annotated[
        int,
        typer.Option(
            "--churn-after",
            min=1,
            help=_("Days without a purchase after which a customer counts as churned."),
        ),
    ] = 90,
    json_out: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    from touchpath.analytics.retention import check_period
    from touchpath.analytics.retention import retention as compute

    last_day = parse_day(end) if end is not None else None
    with open_events(ctx) as (_ws, events):
        result = compute(
            events,
            period=check_period(period),
            end=last_day,
            churn_after=timedelta(days=churn_after),
            rfm=rfm,
        )
    if json_out:
        emit_json(result.to_json())
    else:
        show(result)
    if html is not None:
        from touchpath.charts.retention import retention_chart

        write_figure(retention_chart(result), html)


def show(result: Retention) -> None:
    """Rich tables: the summary, the periods, the cohort matrix and, with RFM, the segments."""
    from touchpath.charts.retention import segment_labels

    s = result.summary.iloc[0]
    days = int(result.churn_after.total_seconds() // 86_400)
    summary = pd.DataFrame(
        {
            _("Customers"): [int(s["customers"])],
            _("Purchases"): [int(s["purchases"])],
            _("Repeat customers"): [int(s["repeat_customers"])],
            _("Repeat purchase rate"): _percent(pd.Series([s["repeat_rate"]])),
            _("Active"): [int(s["active_customers"])],
            _("Churned"): [int(s["churned_customers"])],
            _("Churn rate"): _percent(pd.Series([s["churn_rate"]])),
        }
    )
    title = _("Retention up to {end} (churned: no purchase in {days} days)")
    print_frame(summary, title.format(end=result.end.isoformat(), days=days))
    p = result.periods
    periods = pd.DataFrame(
        {
            _("Period"): [
                f"{v}*" if not c else v for v, c in zip(p["period"], p["complete"], strict=True)
            ],
            _("Purchasers"): p["purchasers"],
            _("New"): p["new_customers"],
            _("Returning"): p["returning_customers"],
            _("Repeat rate"): _percent(p["repeat_rate"]),
            _("At start (S)"): p["start_customers"],
            _("At end (E)"): p["end_customers"],
            _("Retained"): p["retained"],
            _("Reactivated"): p["reactivated"],
            _("CRR"): _percent(p["crr"]),
        }
    )
    print_frame(periods, _("Per period: CRR = (E - N) / S (* = cut at the end date)"))
    c = result.cohorts
    matrix = c.pivot(index="cohort", columns="offset", values="share").sort_index()
    sizes = c.groupby("cohort")["cohort_size"].first()
    cohort_table = pd.DataFrame(
        {_("Cohort"): matrix.index, _("Customers"): sizes[matrix.index].to_numpy()}
    )
    for offset in matrix.columns:
        cohort_table[f"+{offset}"] = ["" if pd.isna(v) else f"{v:.0%}" for v in matrix[offset]]
    print_frame(cohort_table, _("Cohorts by first purchase: share buying again"))
    if result.segments is not None:
        names = segment_labels()
        g = result.segments
        segments = pd.DataFrame(
            {
                _("Segment"): [names.get(v, v) for v in g["segment"]],
                _("Customers"): g["customers"],
                _("Share"): _percent(g["share"]),
                _("Days since last purchase"): g["since_last"].round(1),
                _("Orders"): g["orders"].round(2),
                _("Revenue"): g["revenue"].round(2),
                _("Revenue share"): _percent(g["revenue_share"]),
            }
        )
        print_frame(segments, _("RFM segments (one row per customer in --json)"))
