"""Markov chain attribution with exact removal effects (no simulation).

The journeys are read as walks of an absorbing Markov chain. A **state** is the last
``order`` touches (the sliding window ``(c[j], ..., c[j+k-1])`` over a path; a path shorter
than ``k`` is one state of its whole length), plus ``(start)``, ``(conversion)`` and
``(null)``. Every path ``c1 > ... > cn`` with ``conversions`` and ``nulls`` adds

* ``conversions + nulls`` to each transition ``(start) → s1 → s2 → ... → sm``,
* ``conversions`` to ``sm → (conversion)`` and ``nulls`` to ``sm → (null)``,

and the transition probabilities are the counts divided by their row sums. This is
ChannelAttribution's estimator (repeated states make self-loops, which change no
absorption probability, so keeping or dropping them gives the same results).

**Removal effect** of channel ``c``: with every state holding ``c`` turned into ``(null)``,
the probability of conversion falls from ``P`` to ``P₋c``; ``RE_c = 1 - P₋c / P``. With
``Q`` the transient block (``(start)`` and the touch states) and ``r`` the one-step
conversion probabilities, the expected visits ``n`` solve ``(I - Q)ᵀ n = e_start`` and
``P = Σ_s n_s r_s``; removing ``c`` deletes its states' rows and columns and solves again:
one sparse system per channel, by sparse LU (``scipy.sparse.linalg.spsolve``) up to
:data:`DIRECT_LIMIT` states and by GMRES to a residual at rounding level beyond (LU
fill-in makes order 3-4 chains over many channels slow; LU remains the fallback). ChannelAttribution
estimates the same quantity by simulating journeys (``RE_c`` = share of simulated
conversions that passed through ``c``) — the two agree as its simulations grow.

**Value.** A conversion's value depends on the state the journey converted from:
``v̄_s`` = value / conversions of the paths ending in ``s`` (ChannelAttribution draws a
simulated conversion's value from exactly that distribution). The value removal effect is
``1 - Σ_s n₋c,s r_s v̄_s / Σ_s n_s r_s v̄_s``.

**Attribution**: ``conversions_c = RE_c / Σ RE × total conversions`` and likewise for value.

``use_nulls=False`` drops non-converting journeys (every walk then converts and ``RE_c``
is the chance a conversion passed through ``c``). ``repeats="collapse"`` merges repeated
consecutive touches before the states are built (``a > a > b`` ≡ ``a > b``); it only
matters from order 2 on.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import gmres, spsolve

from touchpath.attribution.base import (
    AttributionModel,
    EncodedPaths,
    FloatArray,
    IntArray,
    attribution_frame,
)
from touchpath.errors import TouchpathError
from touchpath.i18n import _

Repeats = Literal["keep", "collapse"]

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
MAX_ORDER = 4
DIRECT_LIMIT = 1000
"""Above this many states the removal systems are solved by GMRES instead of sparse LU."""
ROUNDING = 1e-12
"""Removal effects below this are rounding noise and reported as 0."""
RESIDUAL_LIMIT = 1e-13
"""Largest residual ``|A x - b|`` (b is a unit vector) GMRES must reach to be accepted."""
_DENSE_LIMIT = 400
"""Up to this many states the counts are a dense bincount (faster than sorting pairs)."""


def collapse_repeats(encoded: EncodedPaths) -> tuple[IntArray, IntArray]:
    """Codes and offsets with repeated consecutive touches of a path merged into one."""
    codes, offsets = encoded.codes, encoded.offsets
    keep = np.ones(len(codes), dtype=bool)
    keep[1:] = codes[1:] != codes[:-1]
    keep[offsets[:-1]] = True
    lengths = np.add.reduceat(keep.astype(np.int64), offsets[:-1]) if len(codes) else offsets[1:]
    new_offsets = np.zeros_like(offsets)
    np.cumsum(lengths, out=new_offsets[1:])
    return codes[keep], new_offsets


def window_states(
    codes: IntArray, offsets: IntArray, order: int, n_channels: int
) -> tuple[IntArray, IntArray]:
    """Each path's sliding windows of ``order`` touches as integer keys.

    Returns the keys (base ``n_channels + 1`` digits, channel code + 1, 0 = no touch: a
    short path's single window) and the number of windows per path.
    """
    lengths = np.diff(offsets)
    n_windows = np.maximum(lengths - order + 1, 1)
    window_offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(n_windows, out=window_offsets[1:])
    total = int(window_offsets[-1])
    within = np.arange(total, dtype=np.int64) - np.repeat(window_offsets[:-1], n_windows)
    starts = np.repeat(offsets[:-1], n_windows) + within
    width = np.repeat(np.minimum(lengths, order), n_windows)
    base = n_channels + 1
    keys = np.zeros(total, dtype=np.int64)
    last = len(codes) - 1
    for i in range(order):
        digit = np.where(i < width, codes[np.minimum(starts + i, last)] + 1, 0)
        keys = keys * base + digit
    return keys, n_windows


def _decode(key: int, order: int, n_channels: int) -> tuple[int, ...]:
    base = n_channels + 1
    digits = []
    for _i in range(order):
        key, digit = divmod(key, base)
        digits.append(digit)
    return tuple(d - 1 for d in reversed(digits) if d)


class MarkovModel(AttributionModel):
    """Order-``k`` Markov chain attribution with exact removal effects.

    Parameters
    ----------
    order:
        How many previous touches a state remembers (1 to 4).
    use_nulls:
        Count non-converting journeys (``nulls``); without them every walk converts.
    repeats:
        ``"keep"`` repeated consecutive touches (as ChannelAttribution; at order 1 it
        makes no difference) or ``"collapse"`` them first (``a > a > b`` ≡ ``a > b``).

    Attributes
    ----------
    attribution_:
        ``channel``, ``conversions``, ``value``.
    removal_effects_:
        ``channel``, ``removal_effect``, ``removal_effect_value`` (between 0 and 1).
    transition_matrix_:
        ``from``, ``to``, ``probability``, ``count`` (states written ``a > b``).
    conversion_probability_:
        ``P``, the chance a walk from ``(start)`` converts.

    Examples
    --------
    >>> import pandas as pd
    >>> paths = pd.DataFrame({"path": [("a", "b"), ("b",)], "conversions": [1.0, 0.0],
    ...                       "value": [5.0, 0.0], "nulls": [0.0, 1.0]})
    >>> model = MarkovModel(order=1).fit(paths)
    >>> model.removal_effects_[["channel", "removal_effect"]].to_dict("list")
    {'channel': ['a', 'b'], 'removal_effect': [0.5, 1.0]}
    """

    name = "markov"

    def __init__(self, *, order: int = 1, use_nulls: bool = True, repeats: Repeats = "keep"):
        self.order = order
        self.use_nulls = use_nulls
        self.repeats = repeats

    @property
    def label(self) -> str:
        return f"markov_{self.order}"

    def _check(self) -> None:
        if not isinstance(self.order, int | np.integer) or not 1 <= self.order <= MAX_ORDER:
            raise TouchpathError(
                _("Markov order must be a whole number from 1 to {max}, got {order!r}").format(
                    max=MAX_ORDER, order=self.order
                )
            )
        if self.repeats not in ("keep", "collapse"):
            raise TouchpathError(
                _("repeats must be keep or collapse, got {value!r}").format(value=self.repeats)
            )

    def _fit(self, encoded: EncodedPaths) -> None:
        self._check()
        order = int(self.order)
        n_channels = len(encoded.channels)
        if (n_channels + 1) ** order >= 2**62:
            raise TouchpathError(
                _("too many channels ({n}) for a Markov model of order {order}").format(
                    n=n_channels, order=order
                )
            )
        nulls = encoded.nulls if self.use_nulls else np.zeros_like(encoded.nulls)
        journeys = encoded.conversions + nulls
        if not encoded.conversions.sum() > 0:
            raise TouchpathError(_("the path table has no conversions to attribute"))
        codes, offsets = (
            collapse_repeats(encoded)
            if self.repeats == "collapse"
            else (encoded.codes, encoded.offsets)
        )
        if order == 1:  # a state is one touch: its code is its key, no windows to build
            n_windows = np.diff(offsets)
            state_keys = np.arange(1, n_channels + 1, dtype=np.int64)
            sid = codes + 1
        else:
            keys, n_windows = window_states(codes, offsets, order, n_channels)
            state_codes, state_keys = pd.factorize(keys, sort=True)
            sid = state_codes.astype(np.int64) + 1
        n_states = len(state_keys) + 3  # (start) = 0, touch states 1.., (conversion), (null)
        conv_id, null_id = n_states - 2, n_states - 1

        window_path = np.repeat(np.arange(len(n_windows), dtype=np.int64), n_windows)
        firsts = np.zeros(len(n_windows), dtype=np.int64)
        np.cumsum(n_windows[:-1], out=firsts[1:])
        lasts = firsts + n_windows - 1
        inner = np.ones(len(sid), dtype=bool)
        inner[lasts] = False
        inner_at = np.flatnonzero(inner)
        src = np.concatenate(
            [np.zeros(len(firsts), dtype=np.int64), sid[inner_at], sid[lasts], sid[lasts]]
        )
        dst = np.concatenate(
            [
                sid[firsts],
                sid[inner_at + 1],
                np.full(len(lasts), conv_id, dtype=np.int64),
                np.full(len(lasts), null_id, dtype=np.int64),
            ]
        )
        weight = np.concatenate(
            [journeys, journeys[window_path[inner_at]], encoded.conversions, nulls]
        )
        counts = _count_matrix(src, dst, weight, n_states)

        # Value per conversion of the paths ending in each state (ChannelAttribution's v̄_s).
        end_conv = np.bincount(sid[lasts], weights=encoded.conversions, minlength=n_states)
        end_value = np.bincount(sid[lasts], weights=encoded.value, minlength=n_states)
        with np.errstate(divide="ignore", invalid="ignore"):
            value_per_conv = np.where(end_conv > 0, end_value / end_conv, 0.0)

        row_sums = np.asarray(counts.sum(axis=1)).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(row_sums > 0, 1.0 / row_sums, 0.0)
        probs = sparse.csr_matrix(sparse.diags(scale) @ counts)
        transient = n_states - 2
        q_t, to_conv = _jump_chain(probs, transient, conv_id)

        # Which channels each state holds (for removal).
        state_channels = [_decode(int(k), order, n_channels) for k in state_keys]
        holders: list[list[int]] = [[] for _c in range(n_channels)]
        for state, held in enumerate(state_channels, start=1):
            for channel in set(held):
                holders[channel].append(state)

        visits = _visits(q_t, np.arange(transient, dtype=np.int64))
        p_conv = float(visits @ to_conv)
        p_value = float(visits @ (to_conv * value_per_conv[:transient]))
        effects = np.zeros(n_channels)
        effects_value = np.zeros(n_channels)
        for channel in range(n_channels):
            keep = np.setdiff1d(np.arange(transient, dtype=np.int64), holders[channel])
            removed = _visits(q_t, keep)
            conv_left = float(removed @ to_conv[keep])
            value_left = float(removed @ (to_conv * value_per_conv[:transient])[keep])
            effects[channel] = 1.0 - conv_left / p_conv if p_conv > 0 else 0.0
            effects_value[channel] = 1.0 - value_left / p_value if p_value > 0 else 0.0
        # 1 - P₋c/P cancels to rounding noise (~1e-15) for a channel no conversion passes
        # through: call that 0, and keep every effect within [0, 1].
        effects = np.where(effects < ROUNDING, 0.0, np.minimum(effects, 1.0))
        effects_value = np.where(effects_value < ROUNDING, 0.0, np.minimum(effects_value, 1.0))

        total_conv = float(encoded.conversions.sum())
        total_value = float(encoded.value.sum())
        self.attribution_ = attribution_frame(
            encoded.channels,
            _share(effects) * total_conv,
            _share(effects_value) * total_value,
        )
        self.removal_effects_ = pd.DataFrame(
            {
                "channel": list(encoded.channels),
                "removal_effect": effects,
                "removal_effect_value": effects_value,
            }
        )
        self.conversion_probability_ = p_conv
        labels = (
            [START]
            + [" > ".join(encoded.channels[c] for c in held) for held in state_channels]
            + [CONVERSION, NULL]
        )
        self.transition_matrix_ = _tidy(probs, counts, labels)


def _count_matrix(src: IntArray, dst: IntArray, weight: FloatArray, n: int) -> sparse.csr_matrix:
    """Summed transition weights as a sparse matrix (zero-weight transitions left out)."""
    if n <= _DENSE_LIMIT:
        dense = np.bincount(src * n + dst, weights=weight, minlength=n * n).reshape(n, n)
        return sparse.csr_matrix(dense)
    nonzero = weight > 0
    inverse, pairs = pd.factorize(src[nonzero] * n + dst[nonzero])  # hashing beats sorting
    sums = np.bincount(inverse, weights=weight[nonzero])
    return sparse.csr_matrix((sums, (pairs // n, pairs % n)), shape=(n, n))


def _jump_chain(
    probs: sparse.csr_matrix, transient: int, conv_id: int
) -> tuple[sparse.csr_matrix, FloatArray]:
    """Transient block (transposed) and conversion column of the chain without self-loops.

    A walk staying in a state for a while leaves it the same way as one that leaves at
    once, so dividing each row by ``1 - p_ss`` changes no absorption probability (nor any
    ``n_s r_s``); it makes the linear systems better conditioned for the iterative solver.
    """
    q = probs[:transient, :transient].tocsr()
    stay = q.diagonal()
    leave = np.where(stay < 1.0, 1.0 / (1.0 - stay), 0.0)
    q = sparse.csr_matrix(sparse.diags(leave) @ (q - sparse.diags(stay)))
    q.eliminate_zeros()
    to_conv = probs[:transient, conv_id].toarray().ravel() * leave
    return sparse.csr_matrix(q.T), to_conv


def _visits(q_t: sparse.csr_matrix, keep: IntArray) -> FloatArray:
    """Expected visits to the kept transient states, walking from ``(start)`` (state 0).

    Solves ``(I - Q_kept)ᵀ n = e_start``; removed states are never entered. Small systems
    go to the sparse LU solver; big ones (order 3 and 4 have thousands of states and
    LU fill-in makes them slow) to GMRES, accepted only when the residual is at rounding
    level (otherwise LU after all).
    """
    sub = q_t[keep][:, keep]
    system = sparse.csr_matrix(sparse.identity(len(keep), format="csr") - sub)
    rhs = np.zeros(len(keep))
    rhs[0] = 1.0  # (start) is state 0 and is never removed
    if len(keep) > DIRECT_LIMIT:
        solution, info = gmres(system, rhs, rtol=1e-14, atol=0.0, restart=200, maxiter=500)
        if info == 0 and np.abs(system @ solution - rhs).max() <= RESIDUAL_LIMIT:
            return np.asarray(solution, dtype=np.float64)
    direct = spsolve(sparse.csc_matrix(system), rhs)
    return np.atleast_1d(np.asarray(direct, dtype=np.float64))


def _share(effects: FloatArray) -> FloatArray:
    total = effects.sum()
    return effects / total if total > 0 else np.zeros_like(effects)


def _tidy(probs: sparse.csr_matrix, counts: sparse.csr_matrix, labels: list[str]) -> pd.DataFrame:
    coo = probs.tocoo()
    order = np.lexsort((coo.col, coo.row))
    rows, cols = coo.row[order], coo.col[order]
    names = np.asarray(labels, dtype=object)
    return pd.DataFrame(
        {
            "from": names[rows],
            "to": names[cols],
            "probability": coo.data[order],
            "count": np.asarray(counts[rows, cols]).ravel(),
        }
    )
