"""``touchpath paths``: the most common paths, optionally with a Sankey of the first steps.

Definitions and the JSON document: docs/analytics/paths.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

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
from touchpath.i18n import _

if TYPE_CHECKING:
    from touchpath.analytics.paths import PathsResult, SankeyResult


def register(app: typer.Typer) -> None:
    app.command(
        name="paths",
        help=_("The most common paths of customers through the touchpoints, with conversion."),
    )(paths)


def percent(values: pd.Series) -> list[str]:
    """Shares as "12.5%" for tables (JSON keeps the plain fractions)."""
    return [f"{v:.1%}" for v in values.astype(float)]


@user_errors
def paths(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", help=_("How many path variants to show."))] = 20,
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help=_("Which customers: all, converted or dropped (never converted).")
        ),
    ] = "all",
    by: Annotated[
        str, typer.Option("--by", help=_("Step unit: touchpoint, channel or stage."))
    ] = "touchpoint",
    collapse: Annotated[
        bool,
        typer.Option("--collapse/--no-collapse", help=_("Merge consecutive repeats of a step.")),
    ] = True,
    max_length: Annotated[
        int | None, typer.Option("--max-length", help=_("Keep at most N steps of each path."))
    ] = None,
    keep: Annotated[
        str,
        typer.Option("--keep", help=_("With --max-length: keep the first or the last steps.")),
    ] = "first",
    from_: Annotated[
        str | None,
        typer.Option("--from", help=_("Start paths at the first touch of this touchpoint.")),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help=_("End paths at the first touch of this touchpoint.")),
    ] = None,
    sankey_steps: Annotated[
        int | None,
        typer.Option("--sankey", help=_("Also build a Sankey of the first K steps.")),
    ] = None,
    json_out: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    from touchpath.analytics.paths import sankey, top_paths
    from touchpath.bootstrap import load_catalogue

    with open_events(ctx) as (ws, events):
        catalogue = load_catalogue(ws)
        options: dict[str, Any] = {
            "by": by,
            "collapse": collapse,
            "from_": from_,
            "to": to,
            "catalogue": catalogue,
        }
        result = top_paths(events, top, kind, max_length=max_length, keep=keep, **options)
        flows = None
        if sankey_steps is not None:
            flows = sankey(events, sankey_steps, kind=kind, **options)
    if json_out:
        doc = result.to_json()
        if flows is not None:
            doc["sankey"] = flows.to_json()
        emit_json(doc)
    else:
        show_paths(result)
        if flows is not None:
            show_flows(flows)
    if html is not None:
        from touchpath.charts.paths import sankey_chart, top_paths_chart

        write_figure(sankey_chart(flows) if flows is not None else top_paths_chart(result), html)


def show_paths(result: PathsResult) -> None:
    frame = result.paths
    table = pd.DataFrame(
        {
            _("Path"): frame["path"],
            _("Steps"): frame["length"],
            _("Customers"): frame["customers"],
            _("Share"): percent(frame["share"]),
            _("Conversion rate"): percent(frame["conversion_rate"]),
        }
    )
    titles = {
        "all": _("Top paths"),
        "converted": _("Top paths to conversion"),
        "dropped": _("Top paths to drop-off"),
    }
    title = _("{title}: {customers} customers, {variants} variants").format(
        title=titles[result.kind], customers=result.customers, variants=result.variants
    )
    print_frame(table, title)


def show_flows(flows: SankeyResult) -> None:
    from touchpath.analytics.paths import records

    names: dict[int, str] = {}
    for row in records(flows.nodes):
        if row["kind"] == "step":
            names[int(row["node"])] = f"{int(row['step'])}. {row['unit']}"
        else:
            names[int(row["node"])] = (
                _("conversion") if row["kind"] == "conversion" else _("drop-off")
            )

    def name(node: int) -> str:
        return names[int(node)]

    links = flows.links
    table = pd.DataFrame(
        {
            _("From"): [name(n) for n in links["source"]],
            _("To"): [name(n) for n in links["target"]],
            _("Customers"): links["customers"],
        }
    )
    title = _("Sankey of the first {steps} steps ({beyond} customers go further)").format(
        steps=flows.steps, beyond=flows.beyond
    )
    print_frame(table, title)
