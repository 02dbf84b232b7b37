"""Several attribution models side by side on the same path table.

The answer to "which touchpoints earn our conversions?" depends on the model; showing the
models next to each other (with bootstrap intervals when asked) shows how much.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from touchpath.attribution.base import AttributionModel, check_paths
from touchpath.attribution.bootstrap import Progress, bootstrap, clone
from touchpath.errors import TouchpathError
from touchpath.i18n import _

COMPARE_COLUMNS: tuple[str, ...] = (
    "model",
    "channel",
    "conversions",
    "share",
    "value",
    "value_share",
)
"""Columns of :func:`compare`; with ``intervals=True`` also ``conversions_low``,
``conversions_high``, ``value_low``, ``value_high``."""


def _labelled(
    models: Sequence[AttributionModel] | Mapping[str, AttributionModel],
) -> list[tuple[str, AttributionModel]]:
    """Models with distinct display names (repeats get " (2)", " (3)" ...)."""
    if isinstance(models, Mapping):
        return [(str(k), m) for k, m in models.items()]
    seen: dict[str, int] = {}
    out = []
    for model in models:
        label = model.label
        seen[label] = seen.get(label, 0) + 1
        out.append((label if seen[label] == 1 else f"{label} ({seen[label]})", model))
    return out


def compare(
    models: Sequence[AttributionModel] | Mapping[str, AttributionModel],
    paths: pd.DataFrame,
    *,
    intervals: bool = False,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int | None = 0,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Every model's credit per channel in one tidy table.

    One row per (model, channel), models in the order given, channels by their mean share
    over the models (largest first); a channel a model gives no credit to gets 0.
    ``share`` is the channel's part of the model's conversions (``value_share`` of its
    value). The models given are not changed: each is fitted as a fresh copy. Pass a
    ``{name: model}`` mapping to choose the names shown.

    With ``intervals=True`` each model is also bootstrapped (:func:`bootstrap`, same
    ``n_boot``, ``level`` and ``seed``), adding ``conversions_low/high`` and
    ``value_low/high``. ``progress(done, total)`` counts the replicates of all models.

    Examples
    --------
    >>> import pandas as pd
    >>> from touchpath.attribution.shapley import ShapleyModel, SimplifiedShapleyModel
    >>> paths = pd.DataFrame({"path": [("a",), ("a", "b"), ("b",)],
    ...     "conversions": [1.0, 4.0, 1.0], "value": [10.0, 40.0, 10.0],
    ...     "nulls": [3.0, 0.0, 1.0]})
    >>> table = compare([ShapleyModel(), ShapleyModel(game="rate")], paths)
    >>> table[["model", "channel", "conversions"]].shape
    (4, 3)
    """
    labelled = _labelled(models)
    if not labelled:
        raise TouchpathError(_("no models to compare"))
    table = check_paths(paths)
    frames = []
    for number, (label, model) in enumerate(labelled):
        fitted = clone(model).fit(table).attribution_
        frame = fitted[["channel", "conversions", "value"]].copy()
        if intervals:

            def step(done: int, total: int, number: int = number) -> None:
                if progress is not None:
                    progress(number * total + done, len(labelled) * total)

            ci = bootstrap(model, table, n_boot=n_boot, level=level, seed=seed, progress=step)
            for metric in ("conversions", "value"):
                bounds = ci[ci["metric"] == metric].set_index("channel")
                frame[f"{metric}_low"] = frame["channel"].map(bounds["low"]).to_numpy()
                frame[f"{metric}_high"] = frame["channel"].map(bounds["high"]).to_numpy()
        frame.insert(0, "model", label)
        frames.append(frame)
    long = pd.concat(frames, ignore_index=True)
    # Every model gets a row for every channel, so the table is a full grid.
    channels = pd.unique(long["channel"])
    grid = pd.MultiIndex.from_product(
        [[label for label, _m in labelled], channels], names=["model", "channel"]
    )
    long = long.set_index(["model", "channel"]).reindex(grid, fill_value=0.0).reset_index()
    totals = long.groupby("model", sort=False)[["conversions", "value"]].transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        long["share"] = np.where(
            totals["conversions"] != 0, long["conversions"] / totals["conversions"], 0.0
        )
        long["value_share"] = np.where(totals["value"] != 0, long["value"] / totals["value"], 0.0)
    mean_share = long.groupby("channel", sort=False)["share"].mean()
    order = sorted(channels, key=lambda c: (-float(mean_share[c]), str(c)))
    long["_model"] = long["model"].map({label: i for i, (label, _m) in enumerate(labelled)})
    long["_channel"] = long["channel"].map({c: i for i, c in enumerate(order)})
    long = long.sort_values(["_channel", "_model"], kind="stable").drop(
        columns=["_model", "_channel"]
    )
    columns = list(COMPARE_COLUMNS)
    if intervals:
        columns += ["conversions_low", "conversions_high", "value_low", "value_high"]
    return long[columns].reset_index(drop=True)


def wide(table: pd.DataFrame, column: str = "conversions") -> pd.DataFrame:
    """One row per channel, one column per model: the comparison as people read it."""
    if column not in table.columns:
        raise TouchpathError(_("the comparison has no column {column}").format(column=column))
    models = list(pd.unique(table["model"]))
    channels = list(pd.unique(table["channel"]))
    grid = table.pivot(index="channel", columns="model", values=column)
    return grid.loc[channels, models].rename_axis(columns=None).reset_index()
