"""Bootstrap confidence intervals for any attribution model's per-channel credits.

A path table row stands for ``conversions + nulls`` journeys. The bootstrap draws a new
table of the same size and refits a fresh copy of the model on it, ``n_boot`` times; the
interval is the percentile interval of those refits, the estimate the fit on the table
itself.

``unit="path"`` (default)
    Resample the ``J`` journeys with replacement: the new counts of each row's converted
    and non-converted journeys are one multinomial draw of ``J`` over all of them (drawn as
    the number converted, a binomial, then each part's multinomial over the rows). A
    resampled conversion keeps its row's mean value.
``unit="row"``
    Resample the rows themselves: use it when each row is one customer's whole history
    (a path table built per customer), so the customers are the independent units.

Refitting from scratch repeats work that does not change between resamples (reading the
paths, grouping them). Two optional model methods skip it; the draws are the same either
way, so the intervals are too:

``row_shares(paths)`` (:class:`RowLinear`)
    for models linear in the rows (each row's credit is its conversions times fixed
    shares, as in the heuristic models): one sparse matrix product per batch of draws;
``reweighter(paths)`` (:class:`Reweightable`)
    for any other model: a function from new per-row counts to credits, which reuses
    what the model learned about the rows' structure (Shapley's coalitions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from scipy import sparse

from touchpath.attribution.base import AttributionModel, FloatArray, check_paths
from touchpath.errors import TouchpathError
from touchpath.i18n import _

Unit = Literal["path", "row"]
Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while replicates are computed."""

METRICS: tuple[str, ...] = ("conversions", "value")
BOOTSTRAP_COLUMNS: tuple[str, ...] = ("channel", "metric", "estimate", "low", "high")

_CHUNK_CELLS = 4_000_000
"""The vectorised path multiplies batches of about this many (replicate × row) draws."""


@runtime_checkable
class RowLinear(Protocol):
    """A model whose credit is ``conversions @ shares`` (and ``value @ shares``)."""

    def row_shares(self, paths: pd.DataFrame) -> tuple[tuple[str, ...], sparse.csr_array]:
        """Channel names and a rows × channels matrix: each row's share of one conversion."""
        ...


Credits = Callable[[FloatArray, FloatArray, FloatArray], FloatArray]
"""New per-row (conversions, value, nulls) → credits, channels × (conversions, value)."""


@runtime_checkable
class Reweightable(Protocol):
    """A model that can recompute its credits for new per-row counts without refitting."""

    def reweighter(self, paths: pd.DataFrame) -> tuple[tuple[str, ...], Credits]:
        """Channel names and the function from new per-row counts to their credits."""
        ...


def clone(model: AttributionModel) -> AttributionModel:
    """An unfitted copy with the same parameters (scikit-learn's ``clone``)."""
    return type(model)(**model.get_params())


class _Sampler:
    """Draws resampled (conversions, nulls) columns for one path table.

    Converted journeys come from one random stream and lost ones from another, so a
    model that ignores nulls can skip drawing them without changing the conversions.
    """

    def __init__(self, paths: pd.DataFrame, unit: Unit, seed: int | None) -> None:
        self.conversions = paths["conversions"].to_numpy(dtype=np.float64)
        self.nulls = paths["nulls"].to_numpy(dtype=np.float64)
        value = paths["value"].to_numpy(dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.value_per_conversion = np.where(
                self.conversions > 0, value / self.conversions, 0.0
            )
        self.unit = unit
        # Only rows with something to draw take part in a multinomial (it costs per row).
        self.converting = np.flatnonzero(self.conversions > 0)
        self.losing = np.flatnonzero(self.nulls > 0)
        self.converted = float(self.conversions.sum())
        self.lost = float(self.nulls.sum())
        self.rng, self.null_rng = (
            np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2)
        )

    def draw(self, *, with_nulls: bool = True) -> tuple[FloatArray, FloatArray]:
        """New conversions and nulls per row (nulls all 0 when not ``with_nulls``)."""
        rows = len(self.conversions)
        if self.unit == "row":
            times = self.rng.multinomial(rows, np.full(rows, 1.0 / rows)).astype(np.float64)
            return times * self.conversions, times * self.nulls
        journeys = round(self.converted + self.lost)
        p = self.converted / (self.converted + self.lost)
        n_converted = int(self.rng.binomial(journeys, p))
        conversions = np.zeros(rows)
        conversions[self.converting] = self.rng.multinomial(
            n_converted, self.conversions[self.converting] / self.converted
        )
        nulls = np.zeros(rows)
        if with_nulls and self.lost > 0:
            nulls[self.losing] = self.null_rng.multinomial(
                journeys - n_converted, self.nulls[self.losing] / self.lost
            )
        return conversions, nulls


def _check(n_boot: int, level: float, unit: str, paths: pd.DataFrame) -> None:
    if n_boot < 2:
        raise TouchpathError(_("n_boot must be at least 2"))
    if not 0 < level < 1:
        raise TouchpathError(_("level must be between 0 and 1, got {level}").format(level=level))
    if unit not in ("path", "row"):
        raise TouchpathError(
            _("unknown bootstrap unit {unit!r}: use path or row").format(unit=unit)
        )
    if float(paths["conversions"].sum()) <= 0:
        raise TouchpathError(_("the path table has no conversions to attribute"))


def replicates(
    model: AttributionModel,
    paths: pd.DataFrame,
    *,
    channels: tuple[str, ...],
    n_boot: int = 200,
    seed: int | None = 0,
    unit: Unit = "path",
    vectorised: bool = True,
    progress: Progress | None = None,
) -> FloatArray:
    """Credits of ``n_boot`` refits: array replicates × ``channels`` × (conversions, value).

    A channel missing from a resampled table gets 0. ``vectorised=False`` refits even a
    :class:`RowLinear` or :class:`Reweightable` model (same draws; tests compare the two).
    """
    table = check_paths(paths)
    _check(n_boot, 0.5, unit, table)
    sampler = _Sampler(table, unit, seed)
    out = np.zeros((n_boot, len(channels), 2))
    where = {c: i for i, c in enumerate(channels)}
    if vectorised and isinstance(model, RowLinear):
        names, shares = model.row_shares(table)
        columns = np.array([where[c] for c in names], dtype=np.int64)
        chunk = max(1, _CHUNK_CELLS // max(len(table), 1))
        for start in range(0, n_boot, chunk):
            stop = min(n_boot, start + chunk)
            drawn = np.stack([sampler.draw(with_nulls=False)[0] for _ in range(start, stop)])
            out[start:stop, columns, 0] = (shares.T @ drawn.T).T
            out[start:stop, columns, 1] = (shares.T @ (drawn * sampler.value_per_conversion).T).T
            if progress is not None:
                progress(stop, n_boot)
        return out
    if vectorised and isinstance(model, Reweightable):
        names, credits = model.reweighter(table)
        columns = np.array([where[c] for c in names], dtype=np.int64)
        for b in range(n_boot):
            conversions, nulls = sampler.draw()
            if conversions.sum() > 0:
                value = conversions * sampler.value_per_conversion
                out[b, columns] = credits(conversions, value, nulls)
            if progress is not None:
                progress(b + 1, n_boot)
        return out
    for b in range(n_boot):
        conversions, nulls = sampler.draw()
        keep = (conversions + nulls) > 0
        if conversions.sum() > 0:
            sample = table.loc[keep].assign(
                conversions=conversions[keep],
                value=(conversions * sampler.value_per_conversion)[keep],
                nulls=nulls[keep],
            )
            fitted = clone(model).fit(sample).attribution_
            index = np.array([where[c] for c in fitted["channel"]], dtype=np.int64)
            out[b, index, 0] = fitted["conversions"].to_numpy()
            out[b, index, 1] = fitted["value"].to_numpy()
        if progress is not None:
            progress(b + 1, n_boot)
    return out


def bootstrap(
    model: AttributionModel,
    paths: pd.DataFrame,
    *,
    n_boot: int = 200,
    level: float = 0.95,
    seed: int | None = 0,
    unit: Unit = "path",
    vectorised: bool = True,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Percentile bootstrap intervals of a model's credit per channel.

    Returns one row per channel and metric (``conversions``, ``value``): ``estimate`` (the
    model fitted on ``paths``), ``low`` and ``high`` (the ``(1 - level) / 2`` and
    ``(1 + level) / 2`` quantiles of ``n_boot`` refits on resampled tables). The same
    ``seed`` gives the same intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> from touchpath.attribution.shapley import SimplifiedShapleyModel
    >>> paths = pd.DataFrame({"path": [("a",), ("a", "b"), ("b",)],
    ...     "conversions": [10.0, 40.0, 10.0], "value": [100.0, 400.0, 100.0],
    ...     "nulls": [30.0, 0.0, 10.0]})
    >>> ci = bootstrap(SimplifiedShapleyModel(), paths, n_boot=50)
    >>> list(ci.columns)
    ['channel', 'metric', 'estimate', 'low', 'high']
    """
    table = check_paths(paths)
    _check(n_boot, level, unit, table)
    estimate = clone(model).fit(table).attribution_
    channels = tuple(str(c) for c in estimate["channel"])
    reps = replicates(
        model,
        table,
        channels=channels,
        n_boot=n_boot,
        seed=seed,
        unit=unit,
        vectorised=vectorised,
        progress=progress,
    )
    low, high = np.quantile(reps, [(1 - level) / 2, (1 + level) / 2], axis=0)
    frames = [
        pd.DataFrame(
            {
                "channel": list(channels),
                "metric": metric,
                "estimate": estimate[metric].to_numpy(dtype=np.float64),
                "low": low[:, k],
                "high": high[:, k],
            }
        )
        for k, metric in enumerate(METRICS)
    ]
    return pd.concat(frames, ignore_index=True)
