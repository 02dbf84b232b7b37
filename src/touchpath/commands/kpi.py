"""``touchpath kpi``: NPS, CSAT, CES with intervals, reactions and significant changes.

Formulas and the JSON document: docs/voc.md.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import pandas as pd
import typer

from touchpath.commands.shell import (
    HtmlOpt,
    JsonOpt,
    emit_json,
    frame_json,
    metadata_session,
    out,
    print_frame,
    user_errors,
)
from touchpath.i18n import _


def register(app: typer.Typer) -> None:
    app.command(
        name="kpi",
        help=_(
            "Voice-of-the-customer KPIs per touchpoint, stage or channel: NPS, CSAT and CES "
            "with intervals (95%), reaction shares, and the change between the last two periods."
        ),
    )(kpi)


def _interval(value: Any, low: Any, high: Any, digits: int = 0) -> str:
    if value is None or math.isnan(value):
        return "—"
    if low is None or math.isnan(low):
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} [{low:.{digits}f}; {high:.{digits}f}]"


def _share(value: Any) -> str:
    return "—" if value is None or math.isnan(value) else f"{100 * value:.0f}%"


@user_errors
def kpi(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", help=_("touchpoint, stage, channel or all."))
    ] = "touchpoint",
    period: Annotated[
        str | None,
        typer.Option("--period", help=_("month, week or quarter: one row per period.")),
    ] = None,
    retention: Annotated[
        bool,
        typer.Option(
            "--retention",
            help=_("Also: who bought again after answering, by reaction (reads the events)."),
        ),
    ] = False,
    json_out: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    from touchpath.store.feedback import load_feedback, load_invitations
    from touchpath.voc.kpi import compare_periods, kpi_table, period_labels, reaction_table

    with metadata_session(ctx) as session:
        feedback = load_feedback(session=session)
        invitations = load_invitations(session=session)
    if period is not None:
        period_labels(feedback["ts"].head(0), period)  # check the name before the work
    table = kpi_table(feedback, by=by, period=period, invitations=invitations)
    changes = compare_periods(feedback, by=by, period=period or "month")
    reactions = reaction_table(feedback, by=by)
    repeat = _retention(ctx, feedback, by) if retention else None
    if json_out:
        doc: dict[str, Any] = {
            "by": by,
            "period": period,
            "feedback": int(feedback.shape[0]),
            "kpis": frame_json(table),
            "reactions": frame_json(reactions),
            "changes": frame_json(changes),
        }
        if repeat is not None:
            doc["retention"] = frame_json(repeat)
        emit_json(doc)
    else:
        show(table, changes, by=by, period=period, total=int(feedback.shape[0]))
        if repeat is not None:
            shown = repeat.assign(repeat_rate=repeat["repeat_rate"].map(_share))
            print_frame(shown, _("Bought again after answering, by reaction"))
    if html is not None:
        from touchpath.charts.voc import kpi_trend_figure, reaction_share_figure
        from touchpath.commands.shell import write_figure

        trend = kpi_table(feedback, by=by, period=period or "month", invitations=invitations)
        write_figure(kpi_trend_figure(trend), html)
        write_figure(reaction_share_figure(reactions), html.with_suffix(".reactions.html"))


def _retention(ctx: typer.Context, feedback: pd.DataFrame, by: str) -> pd.DataFrame:
    """Repeat purchases after each answer, from the events (docs/voc.md)."""
    from touchpath.commands.shell import open_events
    from touchpath.voc.retention import last_purchases, repeat_by_reaction

    ids = feedback["customer_id"].dropna().unique().tolist()
    last = pd.DataFrame({"customer_id": [], "last_purchase": []})
    if ids:
        with open_events(ctx) as (_ws, events):
            last = last_purchases(events, ids).execute()
    return repeat_by_reaction(feedback, last, by=by)


def show(
    table: pd.DataFrame, changes: pd.DataFrame, *, by: str, period: str | None, total: int
) -> None:
    if table.empty:
        out.print(_("No feedback stored yet: import some with `touchpath feedback import FILE`."))
        return
    rows: list[dict[str, Any]] = []
    for r in table.to_dict("records"):
        row: dict[str, Any] = {_(by): r["group"] if r["group"] is not None else "—"}
        if period is not None:
            row[_("period")] = r["period"]
        row.update(
            {
                _("answers"): int(r["responses"]),
                "NPS [95%]": _interval(r["nps"], r["nps_low"], r["nps_high"]),
                "CSAT % [95%]": _interval(r["csat"], r["csat_low"], r["csat_high"]),
                "CES [95%]": _interval(r["ces"], r["ces_low"], r["ces_high"], 2),
                _("positive"): _share(r["positive"]),
                _("Negative"): _share(r["negative"]),
                _("neutral"): _share(r["neutral"]),
                _("response rate"): _share(r["response_rate"]),
            }
        )
        rows.append(row)
    print_frame(pd.DataFrame(rows), _("Voice of the customer: {n:,} answers").format(n=total))
    significant = changes.loc[changes["significant"]] if not changes.empty else changes
    if significant.empty:
        out.print(_("No significant change between the last two periods (p < 0.05)."))
        return
    shown = pd.DataFrame(
        {
            _(by): significant["group"],
            _("metric"): significant["metric"].str.upper(),
            _("from"): significant["previous_period"],
            _("to"): significant["period"],
            _("before"): significant["previous"].round(1),
            _("after"): significant["value"].round(1),
            "p": significant["p_value"].map(lambda p: f"{p:.3g}"),
        }
    )
    print_frame(shown, _("Significant changes between the last two periods (p < 0.05)"))
