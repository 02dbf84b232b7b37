"""``touchpath attribute``: which channels (or touchpoints) earn the conversions.

Definitions, options and the JSON document: docs/attribution.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer

from touchpath.commands.shell import (
    HtmlOpt,
    JsonOpt,
    emit_json,
    err,
    frame_json,
    open_events,
    print_frame,
    user_errors,
    write_figure,
)
from touchpath.errors import TouchpathError
from touchpath.i18n import _

if TYPE_CHECKING:
    from touchpath.attribution.base import AttributionModel


def register(app: typer.Typer) -> None:
    app.command(
        name="attribute",
        help=_("Multi-touch attribution: the conversions and value each channel earns."),
    )(attribute)


@user_errors
def attribute(
    ctx: typer.Context,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help=_(
                "first, last, last-non-direct, linear, time-decay, position, markov "
                "(or another registered model), or all to compare them."
            ),
        ),
    ] = "all",
    order: Annotated[
        int, typer.Option("--order", help=_("Markov order: how many touches a state remembers."))
    ] = 1,
    unit: Annotated[
        str, typer.Option("--unit", help=_("Credit channels or touchpoints (events only)."))
    ] = "channel",
    lookback: Annotated[
        str,
        typer.Option(
            "--lookback", help=_("Keep touches at most this long before a conversion (none: all).")
        ),
    ] = "30d",
    half_life: Annotated[
        float, typer.Option("--half-life", help=_("Time decay: half-life in days."))
    ] = 7.0,
    paths_file: Annotated[
        Path | None,
        typer.Option(
            "--paths",
            help=_("Read a path table (ChannelAttribution CSV) instead of the workspace."),
            dir_okay=False,
        ),
    ] = None,
    sep: Annotated[
        str, typer.Option("--sep", help=_("Separator between the touches of a path in --paths."))
    ] = ">",
    json_out: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    from touchpath.attribution.registry import MODELS, load_plugins, make_model

    load_plugins()
    names = list(MODELS) if model == "all" else [model]
    options = {"order": order, "half_life": half_life}
    models = {name: make_model(name, **options) for name in names}  # unknown names fail here
    needs_ages = any(m.needs_ages for m in models.values())
    paths = _load_paths(ctx, paths_file, sep=sep, unit=unit, lookback=lookback, ages=needs_ages)
    skipped: list[dict[str, str]] = []
    if needs_ages and "ages" not in paths.columns:
        for name in [n for n, m in models.items() if m.needs_ages]:
            if model != "all":
                raise TouchpathError(
                    _("{model} needs touch times: run it on the workspace's events").format(
                        model=name
                    )
                )
            del models[name]
            skipped.append({"model": name, "reason": _("a path file has no touch times")})
    for fitted in models.values():
        fitted.fit(paths)
    doc = _document(models, paths, paths_file, sep=sep, unit=unit, lookback=lookback)
    doc["skipped"] = skipped
    if json_out:
        emit_json(doc)
    else:
        _show(doc)
        for item in skipped:
            err.print(
                _("{model} skipped: {reason}").format(model=item["model"], reason=item["reason"])
            )
    if html is not None:
        from touchpath.charts.attribution import comparison_chart

        write_figure(comparison_chart(_long(doc)), html)


def _load_paths(
    ctx: typer.Context, file: Path | None, *, sep: str, unit: str, lookback: str, ages: bool
) -> pd.DataFrame:
    from touchpath.attribution.paths import UNITS, paths_from_events, read_path_csv

    if unit not in UNITS:
        raise TouchpathError(
            _("unknown unit {value!r}: use {choices}").format(value=unit, choices=", ".join(UNITS))
        )
    if file is not None:
        return read_path_csv(file, sep=sep, arrow=True)
    with open_events(ctx) as (_ws, events):
        return paths_from_events(events, unit=unit, lookback=lookback, ages=ages)  # type: ignore[arg-type]


def _document(
    models: dict[str, AttributionModel],
    paths: pd.DataFrame,
    file: Path | None,
    *,
    sep: str,
    unit: str,
    lookback: str,
) -> dict[str, Any]:
    """The JSON document (also what the tables are printed from)."""
    source: dict[str, Any] = (
        {"source": "file", "file": str(file), "sep": sep}
        if file is not None
        else {"source": "events", "unit": unit, "lookback": lookback}
    )
    out: dict[str, Any] = {
        "input": source,
        "totals": {
            "paths": len(paths),
            "conversions": float(paths["conversions"].sum()),
            "value": float(paths["value"].sum()),
            "nulls": float(paths["nulls"].sum()),
        },
        "models": {},
    }
    for name, fitted in models.items():
        frame = fitted.attribution_[["channel", "conversions", "value"]].copy()
        conv_total, value_total = frame["conversions"].sum(), frame["value"].sum()
        frame.insert(2, "share", frame["conversions"] / conv_total if conv_total else 0.0)
        frame["value_share"] = frame["value"] / value_total if value_total else 0.0
        entry: dict[str, Any] = {"label": fitted.label, "params": fitted.get_params()}
        effects = getattr(fitted, "removal_effects_", None)
        if isinstance(effects, pd.DataFrame):
            frame = frame.merge(effects, on="channel", how="left")
            entry["conversion_probability"] = float(fitted.conversion_probability_)  # type: ignore[attr-defined]
        entry["channels"] = frame_json(frame)
        out["models"][name] = entry
    return out


def _long(doc: dict[str, Any]) -> pd.DataFrame:
    """The document's models as the tidy table the comparison chart takes."""
    frames = []
    for name, entry in doc["models"].items():
        frame = pd.DataFrame(entry["channels"])
        frame.insert(0, "model", name)
        frames.append(frame[["model", "channel", "conversions", "share", "value", "value_share"]])
    return pd.concat(frames, ignore_index=True)


def _show(doc: dict[str, Any]) -> None:
    totals = doc["totals"]
    err.print(
        _("{paths} paths, {conversions:,.0f} conversions, value {value:,.2f}").format(
            paths=totals["paths"], conversions=totals["conversions"], value=totals["value"]
        )
    )
    models = doc["models"]
    if len(models) > 1:
        long = _long(doc)
        for column, title in (
            ("conversions", _("Attributed conversions by model")),
            ("value", _("Attributed value by model")),
        ):
            wide = long.pivot(index="channel", columns="model", values=column).fillna(0.0)
            wide = wide[list(models)]
            wide = wide.loc[wide.mean(axis=1).sort_values(ascending=False, kind="stable").index]
            print_frame(
                wide.rename_axis(columns=None)
                .reset_index()
                .rename(columns={"channel": _("Channel")}),
                title,
            )
    for entry in models.values():
        frame = pd.DataFrame(entry["channels"])
        if len(models) > 1 and "removal_effect" not in frame:
            continue
        table = pd.DataFrame(
            {
                _("Channel"): frame["channel"],
                _("Conversions"): frame["conversions"],
                _("Share"): [f"{v:.1%}" for v in frame["share"]],
                _("Value"): frame["value"],
            }
        )
        if "removal_effect" in frame:
            table[_("Removal effect")] = [f"{v:.1%}" for v in frame["removal_effect"]]
        print_frame(table, _("Attribution: {model}").format(model=entry["label"]))
