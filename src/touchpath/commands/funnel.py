"""``touchpath funnel``: customers through ordered steps, drop-off and time to convert.

Definitions and the JSON document: docs/analytics/funnels.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from touchpath.commands.shell import (
    HtmlOpt,
    JsonOpt,
    emit_json,
    err,
    open_events,
    print_frame,
    user_errors,
)
from touchpath.errors import TouchpathError
from touchpath.i18n import _

if TYPE_CHECKING:
    from touchpath.analytics.funnels import FunnelResult


def register(app: typer.Typer) -> None:
    app.command(
        name="funnel",
        help=_(
            "Customers through ordered steps (touchpoints or stages): conversion, drop-off "
            "and time to convert. Without --steps: the journey stages."
        ),
    )(funnel)


@user_errors
def funnel(
    ctx: typer.Context,
    steps: Annotated[
        str | None,
        typer.Option(
            "--steps", help=_("Comma-separated touchpoint ids (stage ids with --stages).")
        ),
    ] = None,
    stages: Annotated[
        bool, typer.Option("--stages", help=_("Read --steps and --exclude as stage ids."))
    ] = False,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help=_(
                "ordered (other events may come between), strict (the very next event) "
                "or any (any order)."
            ),
        ),
    ] = "ordered",
    window: Annotated[
        str | None,
        typer.Option("--window", help=_("Conversion window from step 1, e.g. 30d, 12h, 90m.")),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help=_("Break down by channel, campaign, segment or cohort (first-touch month)."),
        ),
    ] = None,
    exclude: Annotated[
        str | None,
        typer.Option(
            "--exclude",
            help=_("Comma-separated steps that remove a customer from the funnel."),
        ),
    ] = None,
    json_out: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    from touchpath.analytics.funnels import Step, funnel, plan_funnel
    from touchpath.bootstrap import load_catalogue

    def parse(text: str | None) -> list[Step] | None:
        if text is None:
            return None
        ids = [part.strip() for part in text.split(",") if part.strip()]
        return [Step.stage(i) if stages else Step.touchpoint(i) for i in ids]

    chosen = parse(steps)
    if chosen is not None and not chosen:
        raise TouchpathError(_("--steps is empty: give at least one step"))
    excluded = parse(exclude) or []
    with open_events(ctx) as (ws, events):
        catalogue = load_catalogue(ws)
        # check everything before touching the data
        plan_funnel(
            chosen, mode=mode, window=window, exclusions=excluded, by=by, catalogue=catalogue
        )
        result = funnel(
            events,
            chosen,
            mode=mode,
            window=window,
            exclusions=excluded,
            by=by,
            catalogue=catalogue,
        )
    if json_out:
        emit_json(result.to_json())
    else:
        show_funnel(result)
    if html is not None:
        write_page([result.figure(), result.time_figure()], html, title=_("Funnel"))


def percent(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1%}"


def duration(seconds: float | None) -> str:
    """Seconds as a short human duration: "45 s", "12 min", "3 h 5 min", "2 d 4 h"."""
    if seconds is None or pd.isna(seconds):
        return "—"
    s = round(seconds)
    if s < 60:
        return _("{n} s").format(n=s)
    if s < 3600:
        return _("{n} min").format(n=s // 60)
    if s < 86_400:
        return _("{h} h {m} min").format(h=s // 3600, m=s % 3600 // 60)
    days, hours = s // 86_400, s % 86_400 // 3600
    return _("{d} d {h} h").format(d=days, h=hours) if hours else _("{n} d").format(n=days)


def show_funnel(result: FunnelResult) -> None:
    frame = result.steps
    table = pd.DataFrame(
        {
            _("Step"): [
                f"{n}. {label}" for n, label in zip(frame["step"], frame["label"], strict=True)
            ],
            _("Customers"): frame["customers"],
            _("From previous"): [percent(v) for v in frame["conversion_from_previous"]],
            _("From first"): [percent(v) for v in frame["conversion_from_first"]],
            _("Drop-off"): frame["drop_off"],
            _("Drop-off rate"): [percent(v) for v in frame["drop_off_rate"]],
            _("Median time"): [duration(v) for v in frame["median_seconds"]],
            _("90% within"): [duration(v) for v in frame["p90_seconds"]],
        }
    )
    modes = {
        "ordered": _("ordered"),
        "strict": _("strict order"),
        "any": _("any order"),
    }
    title = _("Funnel ({mode})").format(mode=modes[result.mode])
    if result.window is not None:
        title += " · " + _("window {window}").format(window=duration(result.window.total_seconds()))
    print_frame(table, title)
    if result.breakdown is not None and result.by is not None:
        show_breakdown(result)


def show_breakdown(result: FunnelResult) -> None:
    """One row per group: customers at each step and the overall conversion."""
    assert result.breakdown is not None
    data = result.breakdown
    k = len(result.steps)
    rows = []
    for group, part in data.groupby(data["group"].fillna("\0"), sort=False):
        counts = part.sort_values("step")["customers"].tolist()
        row: dict[str, object] = {_("Group"): _("(none)") if group == "\0" else group}
        for i, n in enumerate(counts, start=1):
            row[f"{i}"] = n
        row[_("Conversion")] = percent(counts[-1] / counts[0]) if counts[0] else "—"
        rows.append(row)
    names = {
        "channel": _("channel"),
        "campaign": _("campaign"),
        "segment": _("segment"),
        "cohort": _("cohort"),
    }
    columns = [_("Group"), *(f"{i}" for i in range(1, k + 1)), _("Conversion")]
    print_frame(
        pd.DataFrame(rows, columns=columns),
        _("By {by} (customers at each step)").format(by=names[result.by or ""]),
    )


def write_page(figures: list[object], path: Path, *, title: str) -> None:
    """Several Plotly figures in one self-contained HTML file (plotly.js inlined once)."""
    parts = [
        fig.to_html(full_html=False, include_plotlyjs=(i == 0))  # type: ignore[attr-defined]
        for i, fig in enumerate(figures)
    ]
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        + title
        + "</title></head><body>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
    err.print(_("chart written to {path}").format(path=path))
