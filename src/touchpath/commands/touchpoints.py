"""``touchpath touchpoints``: reach, conversion, position and drop-off of every touchpoint.

Definitions and the JSON document: docs/analytics/paths.md.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from touchpath.commands.paths import percent
from touchpath.commands.shell import (
    HtmlOpt,
    JsonOpt,
    emit_json,
    open_events,
    print_frame,
    user_errors,
    write_figure,
)
from touchpath.i18n import _


def register(app: typer.Typer) -> None:
    app.command(
        name="touchpoints",
        help=_("Touchpoint statistics: reach, conversion, position in paths, drop-off."),
    )(touchpoints)


@user_errors
def touchpoints(
    ctx: typer.Context,
    collapse: Annotated[
        bool,
        typer.Option(
            "--collapse/--no-collapse",
            help=_("Count consecutive repeats as one step for positions and first/last touch."),
        ),
    ] = True,
    json_out: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    from touchpath.analytics.touchpoint_stats import touchpoint_stats

    with open_events(ctx) as (_ws, events):
        result = touchpoint_stats(events, collapse=collapse)
    if json_out:
        emit_json(result.to_json())
    else:
        s = result.stats
        table = pd.DataFrame(
            {
                _("Touchpoint"): s["touchpoint"],
                _("Customers"): s["customers"],
                _("Reach"): percent(s["reach"]),
                _("Touches"): s["touches"],
                _("Conversion rate"): percent(s["conversion_rate"]),
                _("Avg position"): s["avg_position"].round(2),
                _("First touch"): percent(s["first_share"]),
                _("Last touch"): percent(s["last_share"]),
                _("Drop-off after"): percent(s["dropoff_rate"]),
            }
        )
        title = _("Touchpoints ({customers} customers)").format(customers=result.customers)
        print_frame(table, title)
    if html is not None:
        from touchpath.charts.touchpoint_stats import touchpoint_stats_chart

        write_figure(touchpoint_stats_chart(result), html)
