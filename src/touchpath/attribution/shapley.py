"""Shapley value attribution: the channels are players of a cooperative game.

A journey's **coalition** is the *set* of distinct channels it touched (order and repeats
are ignored). Every model here works on the coalitions observed in the path table, with
their converted journeys ``conv(T)``, conversion value ``val(T)`` and all journeys
``jour(T)`` (converted plus nulls). ``J`` is the number of journeys in the table.

The worth ``v(S)`` of a set of channels ``S`` comes from the journeys that stayed inside
it, ``T ⊆ S`` ("what these channels achieve on their own"):

``game="conversions"`` (the default; Zhao et al. 2018, Google Ads Data Hub)
    ``v(S) = Σ_{T⊆S} conv(T)``, the conversions of the journeys that used only channels in
    ``S``. Credits are never negative and need no nulls. Zhao et al. prove that its
    Shapley value is ``φ_i = Σ_{T∋i} conv(T) / |T|``: every journey's conversions split
    equally among its distinct channels (:class:`SimplifiedShapleyModel`).
``game="rate"`` (after Dalessandro et al. 2012 and Shao & Li 2011: conversion probability)
    ``v(S) = J · Σ_{T⊆S} conv(T) / Σ_{T⊆S} jour(T)`` (0 when no journey stays inside
    ``S``): the conversions all ``J`` journeys would bring at the conversion rate of the
    journeys that used only channels in ``S``. Non-converting journeys count, so a channel
    seen on many journeys that do not convert earns less; a channel whose journeys convert
    *less* than those without it gets a **negative** credit.

Both games have ``v(∅) = 0`` and ``v(N)`` = the table's total conversions, so the credits
sum to the total (Shapley's efficiency axiom). The ``value`` column is the same game with
``val`` in place of ``conv``.

The Shapley value ``φ_i = Σ_{S⊆N∖{i}} |S|!(n-|S|-1)!/n! · (v(S∪{i}) - v(S))`` is computed
exactly over all ``2^n`` subsets of the ``n`` observed channels (bitmask tables in numpy:
a subset-sum transform, then one weighted difference per channel) when ``n`` is at most
``max_exact_channels``. Above that the conversions game uses Zhao et al.'s closed form
(exact at any size) and the rate game Monte-Carlo sampling of channel orders (each order's
marginal contributions, averaged), with a standard error per channel in ``stderr_``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from touchpath.attribution.base import (
    AttributionModel,
    EncodedPaths,
    FloatArray,
    IntArray,
    attribution_frame,
    encode_paths,
)
from touchpath.errors import TouchpathError
from touchpath.i18n import _

Game = Literal["conversions", "rate"]
Method = Literal["auto", "exact", "permutation"]

EXACT_LIMIT = 22
"""Most channels the exact computation accepts at all (``2^22`` subsets, about 100 MB)."""

_BATCH_CELLS = 2_000_000
"""Sampled orders are processed in batches of about this many (order × touch) cells."""


def _sum_by(index: IntArray, weights: FloatArray, size: int) -> FloatArray:
    return np.bincount(index, weights=weights, minlength=size).astype(np.float64)


@dataclass(frozen=True)
class Coalitions:
    """The distinct channel sets of a path table with their totals.

    Coalition ``k`` holds channels ``members[indptr[k]:indptr[k + 1]]`` (codes into
    ``channels``, ascending); ``masks[k]`` is the same set as a bitmask (only for at most
    62 channels, else None).
    """

    channels: tuple[str, ...]
    indptr: IntArray
    members: IntArray
    masks: IntArray | None
    conversions: FloatArray
    value: FloatArray
    journeys: FloatArray
    of_path: IntArray

    def reweighted(
        self, conversions: FloatArray, value: FloatArray, journeys: FloatArray
    ) -> Coalitions:
        """The same coalitions with new per-path totals (the bootstrap's resamples)."""
        m = len(self.conversions)
        return replace(
            self,
            conversions=_sum_by(self.of_path, conversions, m),
            value=_sum_by(self.of_path, value, m),
            journeys=_sum_by(self.of_path, journeys, m),
        )

    @property
    def sizes(self) -> IntArray:
        return np.diff(self.indptr)

    def frame(self) -> pd.DataFrame:
        """One row per coalition: its channels (a tuple), conversions, value, journeys."""
        names = np.asarray(self.channels, dtype=object)
        sets = [
            tuple(names[self.members[a:b]])
            for a, b in zip(self.indptr[:-1], self.indptr[1:], strict=True)
        ]
        return pd.DataFrame(
            {
                "coalition": sets,
                "conversions": self.conversions,
                "value": self.value,
                "journeys": self.journeys,
            }
        )


def distinct_touches(encoded: EncodedPaths) -> tuple[IntArray, IntArray]:
    """Each path's distinct channels: parallel arrays (row, channel code), sorted by row."""
    n = max(len(encoded.channels), 1)
    keys = np.sort(encoded.path_index * n + encoded.codes)
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    return keys // n, keys % n


def coalitions(encoded: EncodedPaths) -> Coalitions:
    """Group the paths of an encoded table by their channel set (vectorised, no Python loop).

    Each path's set is a bitmask (one 64-bit word per 64 channels), OR-ed over its touches:
    repeats fall out for free.
    """
    n = len(encoded.channels)
    words = max(1, -(-n // 64))
    codes = encoded.codes
    path_words = np.zeros((encoded.n_paths, words), dtype=np.uint64)
    bits = np.left_shift(np.uint64(1), (codes % 64).astype(np.uint64))
    if encoded.n_paths:
        for w in range(words):
            in_word = np.where(codes // 64 == w, bits, np.uint64(0))
            path_words[:, w] = np.bitwise_or.reduceat(in_word, encoded.first)
    if words == 1:
        unique_words, inverse = np.unique(path_words[:, 0], return_inverse=True)
        unique_words = unique_words[:, None]
    else:
        unique_words, inverse = np.unique(path_words, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    m = len(unique_words)
    journeys = encoded.conversions + encoded.nulls
    member = np.zeros((m, n), dtype=bool)
    for c in range(n):
        member[:, c] = (unique_words[:, c // 64] >> np.uint64(c % 64)) & np.uint64(1) == 1
    coalition_index, members = np.nonzero(member)
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(coalition_index, minlength=m), out=indptr[1:])
    masks = unique_words[:, 0].astype(np.int64) if n <= 62 else None
    return Coalitions(
        channels=encoded.channels,
        indptr=indptr,
        members=members.astype(np.int64),
        masks=masks,
        conversions=_sum_by(inverse, encoded.conversions, m),
        value=_sum_by(inverse, encoded.value, m),
        journeys=_sum_by(inverse, journeys, m),
        of_path=inverse.astype(np.int64),
    )


def _worth(game: Game, inside: FloatArray, journeys_inside: FloatArray, total: float) -> FloatArray:
    """``v(S)`` from the totals of the journeys inside ``S`` (last axis: conversions, value)."""
    if game == "conversions":
        return inside
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(journeys_inside[..., None] > 0, inside / journeys_inside[..., None], 0.0)
    return np.asarray(total * rate, dtype=np.float64)


def exact_shapley(coal: Coalitions, game: Game) -> FloatArray:
    """Shapley values (channels × [conversions, value]) over all ``2^n`` channel subsets."""
    n = len(coal.channels)
    if coal.masks is None or n > EXACT_LIMIT:
        raise TouchpathError(
            _(
                "exact Shapley values need 2^n channel subsets: {n} channels is too many "
                "(at most {limit}); use method='permutation'"
            ).format(n=n, limit=EXACT_LIMIT)
        )
    size = 1 << n
    # Totals of the journeys whose coalition is exactly S, then (zeta transform) within S.
    table = np.zeros((size, 3), dtype=np.float64)
    for j, column in enumerate((coal.conversions, coal.value, coal.journeys)):
        table[:, j] = np.bincount(coal.masks, weights=column, minlength=size)
    for i in range(n):
        half = table.reshape(size >> (i + 1), 2, 1 << i, 3)
        half[:, 1] += half[:, 0]
    worth = _worth(game, table[:, :2], table[:, 2], float(coal.journeys.sum()))
    sizes = np.bitwise_count(np.arange(size, dtype=np.int64))
    weights = np.array([1.0 / (n * math.comb(n - 1, s)) for s in range(n)])
    phi = np.zeros((n, 2), dtype=np.float64)
    for i in range(n):
        pairs = worth.reshape(size >> (i + 1), 2, 1 << i, 2)
        without = sizes.reshape(size >> (i + 1), 2, 1 << i)[:, 0]
        gain = pairs[:, 1] - pairs[:, 0]
        phi[i] = np.einsum("ab,abk->k", weights[without], gain)
    return phi


def permutation_shapley(
    coal: Coalitions, game: Game, n_permutations: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Monte-Carlo Shapley values and their standard errors (channels × [conv, value]).

    For one random order of the channels, a coalition's journeys join ``v`` at the moment
    its last member arrives; prefix sums then give ``v`` after each arrival and each
    channel's marginal contribution. Orders are independent, so the standard error is the
    sample standard deviation of a channel's contributions over ``sqrt(n_permutations)``.
    """
    n = len(coal.channels)
    total = float(coal.journeys.sum())
    weights = np.stack([coal.conversions, coal.value, coal.journeys], axis=1)
    sums = np.zeros((n, 2))
    squares = np.zeros((n, 2))
    batch = max(1, _BATCH_CELLS // max(len(coal.members), n, 1))
    done = 0
    while done < n_permutations:
        b = min(batch, n_permutations - done)
        order = rng.permuted(np.tile(np.arange(n), (b, 1)), axis=1)
        position = np.empty_like(order)
        np.put_along_axis(position, order, np.arange(n)[None, :], axis=1)
        joins = np.maximum.reduceat(position[:, coal.members], coal.indptr[:-1], axis=1)
        cell = (np.arange(b)[:, None] * n + joins).ravel()
        arrived = np.empty((b, n, 3))
        for j in range(3):
            arrived[:, :, j] = np.bincount(
                cell, weights=np.tile(weights[:, j], b), minlength=b * n
            ).reshape(b, n)
        inside = np.cumsum(arrived, axis=1)
        worth = _worth(game, inside[:, :, :2], inside[:, :, 2], total)
        gain = np.diff(worth, axis=1, prepend=0.0)
        by_channel = np.empty_like(gain)
        np.put_along_axis(by_channel, order[:, :, None], gain, axis=1)
        sums += by_channel.sum(axis=0)
        squares += (by_channel**2).sum(axis=0)
        done += b
    mean = sums / n_permutations
    variance = np.maximum(squares / n_permutations - mean**2, 0.0) * (
        n_permutations / (n_permutations - 1)
    )
    return mean, np.sqrt(variance / n_permutations)


def simplified_shapley(coal: Coalitions) -> FloatArray:
    """Zhao et al.'s closed form ``φ_i = Σ_{T∋i} conv(T)/|T|`` (and the same for value)."""
    n = len(coal.channels)
    owner = np.repeat(np.arange(len(coal.conversions)), coal.sizes)
    share = 1.0 / coal.sizes[owner]
    return np.stack(
        [
            np.bincount(coal.members, weights=coal.conversions[owner] * share, minlength=n),
            np.bincount(coal.members, weights=coal.value[owner] * share, minlength=n),
        ],
        axis=1,
    )


class ShapleyModel(AttributionModel):
    """Shapley value attribution over the channel sets observed in the journeys.

    Parameters
    ----------
    game
        ``"conversions"``: ``v(S)`` is the conversions of journeys using only channels in
        ``S`` (Zhao et al. 2018); ``"rate"``: ``v(S)`` is all journeys times the
        conversion rate of those journeys, so non-converting paths count (credits may be
        negative). See the module docstring for the formulas.
    method
        ``"exact"`` (all ``2^n`` subsets), ``"permutation"`` (Monte-Carlo over channel
        orders) or ``"auto"``: exact up to ``max_exact_channels`` channels; above it the
        closed form for the ``"conversions"`` game (exact at any size) and sampling for
        ``"rate"``.
    max_exact_channels
        Largest number of channels ``"auto"`` computes exactly.
    n_permutations
        Channel orders sampled by the Monte-Carlo method (its error shrinks as
        ``1/sqrt(n_permutations)``).
    seed
        Seed of the sampled orders; a fixed seed gives the same answer every run.

    Attributes
    ----------
    attribution_ : DataFrame
        ``channel``, ``conversions``, ``value``.
    stderr_ : DataFrame
        ``channel``, ``conversions``, ``value``: the Monte-Carlo standard error of each
        credit (zeros when computed exactly).
    method_ : str
        ``"exact"``, ``"closed_form"`` or ``"permutation"``: how the values were computed.
    coalitions_ : DataFrame
        The observed channel sets: ``coalition`` (tuple), ``conversions``, ``value``,
        ``journeys``.

    Examples
    --------
    >>> import pandas as pd
    >>> paths = pd.DataFrame({"path": [("a",), ("a", "b"), ("b",)],
    ...     "conversions": [1.0, 4.0, 1.0], "value": [10.0, 40.0, 10.0],
    ...     "nulls": [3.0, 0.0, 1.0]})
    >>> ShapleyModel().fit(paths).attribution_.conversions.tolist()
    [3.0, 3.0]
    """

    name: ClassVar[str] = "shapley"

    stderr_: pd.DataFrame
    method_: str
    coalitions_: pd.DataFrame

    def __init__(
        self,
        *,
        game: Game = "conversions",
        method: Method = "auto",
        max_exact_channels: int = 15,
        n_permutations: int = 2000,
        seed: int | None = 0,
    ) -> None:
        self.game = game
        self.method = method
        self.max_exact_channels = max_exact_channels
        self.n_permutations = n_permutations
        self.seed = seed

    @property
    def label(self) -> str:
        return "shapley" if self.game == "conversions" else "shapley (rate)"

    def _check(self) -> None:
        if self.game not in ("conversions", "rate"):
            raise TouchpathError(
                _("unknown Shapley game {game!r}: use conversions or rate").format(game=self.game)
            )
        if self.method not in ("auto", "exact", "permutation"):
            raise TouchpathError(
                _("unknown Shapley method {method!r}: use auto, exact or permutation").format(
                    method=self.method
                )
            )
        if self.n_permutations < 2:
            raise TouchpathError(_("n_permutations must be at least 2"))

    def _method(self, n: int) -> str:
        if self.method != "auto":
            return self.method
        if n <= self.max_exact_channels:
            return "exact"
        return "closed_form" if self.game == "conversions" else "permutation"

    def _values(self, coal: Coalitions, method: str) -> tuple[FloatArray, FloatArray]:
        """Credits and their standard errors, channels × (conversions, value)."""
        if method == "exact":
            return exact_shapley(coal, self.game), np.zeros((len(coal.channels), 2))
        if method == "closed_form":
            return simplified_shapley(coal), np.zeros((len(coal.channels), 2))
        return permutation_shapley(
            coal, self.game, self.n_permutations, np.random.default_rng(self.seed)
        )

    def _fit(self, encoded: EncodedPaths) -> None:
        self._check()
        coal = coalitions(encoded)
        n = len(coal.channels)
        self.method_ = self._method(n)
        phi, errors = self._values(coal, self.method_)
        self.coalitions_ = coal.frame()
        self.attribution_ = attribution_frame(coal.channels, phi[:, 0], phi[:, 1])
        # Same row order as attribution_ (most conversions first, then by name).
        order = np.lexsort((np.arange(n), -phi[:, 0]))
        self.stderr_ = pd.DataFrame(
            {
                "channel": [coal.channels[i] for i in order],
                "conversions": errors[order, 0],
                "value": errors[order, 1],
            }
        )

    def reweighter(
        self, paths: pd.DataFrame
    ) -> tuple[tuple[str, ...], Callable[[FloatArray, FloatArray, FloatArray], FloatArray]]:
        """Channels, and credits as a function of new per-row conversions, value, nulls.

        The coalitions are found once; each call only re-adds the counts per coalition
        and recomputes the values (the bootstrap's resamples). A channel whose journeys
        all drop out is a null player and gets 0, as when refitting without it; the
        method is the one chosen for the full table.
        """
        self._check()
        encoded = encode_paths(paths)
        coal = coalitions(encoded)
        kept = np.flatnonzero([len(p) > 0 for p in paths["path"]])
        method = self._method(len(coal.channels))

        def credits(conversions: FloatArray, value: FloatArray, nulls: FloatArray) -> FloatArray:
            resampled = coal.reweighted(
                conversions[kept], value[kept], conversions[kept] + nulls[kept]
            )
            return self._values(resampled, method)[0]

        return coal.channels, credits


class SimplifiedShapleyModel(AttributionModel):
    """Zhao et al.'s simplified Shapley value: each journey's conversions split equally
    among the distinct channels it touched.

    Zhao, Mahboobi and Bagheri, "Shapley Value Methods for Attribution Modeling in Online
    Advertising" (2018, arXiv:1804.05327), define the worth of a channel set ``S`` as the
    conversions of users whose channels all lie in ``S``, ``v(S) = Σ_{T⊆S} R(T)`` with
    ``R(T)`` the conversions of users who touched exactly the channels ``T``, and show that
    its Shapley value simplifies to

        ``φ_j = Σ_{S ∋ j} R(S) / |S|``

    — a sum over the observed channel sets only, so any number of channels is cheap. It is
    the ``game="conversions"`` Shapley value of :class:`ShapleyModel`, computed in one
    pass; Google Ads Data Hub uses it. Nulls play no part.

    Examples
    --------
    >>> import pandas as pd
    >>> paths = pd.DataFrame({"path": [("a", "b", "a"), ("b",)],
    ...     "conversions": [2.0, 1.0], "value": [20.0, 5.0], "nulls": [0.0, 0.0]})
    >>> SimplifiedShapleyModel().fit(paths).attribution_.conversions.tolist()
    [2.0, 1.0]
    """

    name: ClassVar[str] = "shapley_simplified"

    def __init__(self) -> None:
        pass

    def _fit(self, encoded: EncodedPaths) -> None:
        phi = simplified_shapley(coalitions(encoded))
        self.attribution_ = attribution_frame(encoded.channels, phi[:, 0], phi[:, 1])

    def row_shares(self, paths: pd.DataFrame) -> tuple[tuple[str, ...], sparse.csr_array]:
        """Per path row, the share of one conversion (and of its value) each channel gets.

        The model is linear in the rows: ``attribution = conversions @ shares``. The
        bootstrap uses this to resample without refitting.
        """
        encoded = encode_paths(paths)
        rows, codes = distinct_touches(encoded)
        counts = np.bincount(rows, minlength=encoded.n_paths)
        # Rows of the table as given (encoding drops empty paths, which get no credit).
        kept = np.flatnonzero([len(p) > 0 for p in paths["path"]])
        shares = sparse.csr_array(
            (1.0 / counts[rows], (kept[rows], codes)),
            shape=(len(paths), len(encoded.channels)),
        )
        return encoded.channels, shares
