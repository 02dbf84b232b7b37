"""``touchpath journey`` (the discovered journey map) and ``touchpath conformance``.

Both read the events read-only; ``conformance`` also reads the catalogue's chains. The
definitions are in :mod:`touchpath.analytics.journey` and
:mod:`touchpath.analytics.conformance`; docs/analytics/journey.md documents the options
and the JSON documents.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
import typer

from touchpath.commands.shell import (
    HtmlOpt,
    JsonOpt,
    emit_json,
    frame_json,
    open_events,
    out,
    print_frame,
    user_errors,
    write_figure,
)
from touchpath.i18n import _
from touchpath.labels import label
from touchpath.model import Catalogue

UnitOpt = Annotated[
    str,
    typer.Option(
        "--unit", metavar="touchpoint|channel", help=_("Node of the map: touchpoint or channel.")
    ),
]
MinCountOpt = Annotated[
    int,
    typer.Option(
        "--min-count", min=1, metavar="N", help=_("Show only edges with at least N transitions.")
    ),
]
LimitOpt = Annotated[
    int, typer.Option("--limit", min=1, metavar="N", help=_("Rows to show in tables."))
]
UnmappedOpt = Annotated[
    bool,
    typer.Option(
        "--keep-unmapped",
        help=_("Keep events without a touchpoint as the node (unmapped) instead of skipping."),
    ),
]
ChainOpt = Annotated[
    list[str] | None,
    typer.Option("--chain", metavar="ID", help=_("Check only this chain (repeat for several).")),
]


def register(app: typer.Typer) -> None:
    app.command(help=_("The discovered journey map: which touchpoint customers go to next."))(
        journey
    )
    app.command(help=_("How customers follow the designed chains: in order, deviations, exits."))(
        conformance
    )


def node_labels(catalogue: Catalogue, unit: str) -> dict[str, str]:
    """What people call the map's nodes: touchpoint names, or channel labels."""
    if unit == "touchpoint":
        return {tp.id: tp.name for tp in catalogue.touchpoints}
    return {}


def _labeller(labels: dict[str, str], unit: str) -> Any:
    if unit == "channel":
        return label
    return lambda node: labels.get(str(node), str(node))


@user_errors
def journey(
    ctx: typer.Context,
    unit: UnitOpt = "touchpoint",
    min_count: MinCountOpt = 1,
    keep_unmapped: UnmappedOpt = False,
    limit: LimitOpt = 30,
    json_out: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    from touchpath.analytics.journey import check_unit, directly_follows
    from touchpath.bootstrap import load_catalogue
    from touchpath.charts.journey import duration

    check_unit(unit)
    with open_events(ctx) as (ws, events):
        jm = directly_follows(events, unit=unit, keep_unmapped=keep_unmapped)
        catalogue = load_catalogue(ws)
    edges = jm.top_edges(min_count=min_count)
    if json_out:
        emit_json(
            {
                "unit": jm.unit,
                "customers": jm.customers,
                "min_count": min_count,
                "edges": frame_json(edges),
                "starts": frame_json(jm.starts),
                "ends": frame_json(jm.ends),
                "nodes": frame_json(jm.nodes),
            }
        )
    else:
        show = _labeller(node_labels(catalogue, unit), unit)
        table = pd.DataFrame(
            {
                _("source"): edges["source"].map(show),
                _("target"): edges["target"].map(show),
                _("transitions"): edges["count"],
                _("customers"): edges["customers"],
                _("median time"): edges["median_seconds"].map(duration),
                _("mean time"): edges["mean_seconds"].map(duration),
            }
        )
        title = _("Journey map: {shown} of {total} edges, {customers} customers").format(
            shown=len(edges), total=len(jm.edges), customers=f"{jm.customers:,}"
        )
        print_frame(table, title, limit=limit)
        for frame, heading in ((jm.starts, _("Starts")), (jm.ends, _("Ends"))):
            print_frame(
                pd.DataFrame(
                    {_("node"): frame["node"].map(show), _("customers"): frame["customers"]}
                ),
                heading,
                limit=limit,
            )
    if html is not None:
        labels = node_labels(catalogue, unit)
        if unit == "channel":
            labels = {str(n): label(str(n)) for n in jm.nodes["node"]}
        write_figure(jm.figure(min_count=min_count, labels=labels), html)


@user_errors
def conformance(
    ctx: typer.Context,
    chain: ChainOpt = None,
    limit: LimitOpt = 30,
    json_out: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    from touchpath.analytics.conformance import conformance as run_conformance
    from touchpath.analytics.conformance import pick_chains
    from touchpath.bootstrap import load_catalogue

    with open_events(ctx) as (ws, events):
        catalogue = load_catalogue(ws)
        pick_chains(catalogue, chain)  # a wrong --chain fails before any query runs
        result = run_conformance(events, catalogue, only=chain)
    labels = node_labels(catalogue, "touchpoint")
    if json_out:
        emit_json(
            {
                "chains": frame_json(result.chains),
                "steps": frame_json(result.steps),
                "deviations": frame_json(result.deviations),
                "undesigned": frame_json(result.undesigned),
            }
        )
    else:
        _show_conformance(result, labels, limit)
    if html is not None:
        write_figure(result.figure(labels=labels), html)


def _show_conformance(result: Any, labels: dict[str, str], limit: int) -> None:
    def name(tp: Any) -> str:
        return labels.get(str(tp), str(tp))

    chains = result.chains
    if chains.empty:
        out.print(_("The catalogue designs no chains."))
    else:
        _print_chains(chains)
    names = dict(zip(chains["chain"], chains["name"], strict=True))
    for chain_id, steps in result.steps.groupby("chain", sort=False):
        print_frame(
            pd.DataFrame(
                {
                    _("step"): steps["step"],
                    _("touchpoint"): steps["touchpoint"].map(name),
                    _("reached in order"): steps["reached"],
                    _("share"): steps["reached_share"].map(_percent),
                    _("left after"): steps["left_here"],
                    _("skipped"): steps["skipped"],
                    _("replaced"): steps["replaced"],
                }
            ),
            _("Chain: {name}").format(name=names[chain_id]),
        )
    dev = result.deviations
    if not dev.empty:
        print_frame(
            pd.DataFrame(
                {
                    _("chain"): dev["chain"].map(names),
                    _("step"): dev["step"],
                    _("expected"): dev["expected"].map(name),
                    _("kind"): dev["kind"].map({"skip": _("skip"), "replace": _("replace")}),
                    _("instead"): dev["instead"].map(name),
                    _("customers"): dev["customers"],
                }
            ),
            _("First deviations"),
            limit=limit,
        )
    und = result.undesigned
    print_frame(
        pd.DataFrame(
            {
                _("touchpoint"): und["touchpoint"].map(name),
                _("customers"): und["customers"],
                _("touches"): und["touches"],
            }
        ),
        _("Touchpoints in use that no chain designs"),
        limit=limit,
    )


def _print_chains(chains: pd.DataFrame) -> None:
    print_frame(
        pd.DataFrame(
            {
                _("chain"): chains["name"],
                _("entered"): chains["entered"],
                _("followed in order"): chains["followed"],
                _("share"): chains["followed_share"].map(_percent),
                _("exactly"): chains["exact"],
                _("exact share"): chains["exact_share"].map(_percent),
            }
        ),
        _("Designed chains"),
    )


def _percent(share: float) -> str:
    return "—" if share != share else f"{share:.1%}"
