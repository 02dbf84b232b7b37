"""Rule-based attribution: each path's conversions are split over its touches by a fixed rule.

Every model here gives each touch of a path a **weight**; a path's weights sum to 1, and
the touch earns ``weight × conversions`` conversions and ``weight × value`` value. A
channel's credit is the sum over its touches. Repeated touches count separately (in
``a > a > b`` linear gives ``a`` two thirds), as in ChannelAttribution's ``linear_touch``.

=================  ==========================================================================
model              weight of touch ``j`` of a path of ``n`` touches
=================  ==========================================================================
first touch        1 for ``j = 0``
last touch         1 for ``j = n - 1``
last non-direct    1 for the last touch whose channel is not direct; the last touch if all are
linear             ``1 / n``
time decay         ``2 ** (-age_j / half_life)``, normalised over the path (``age_j``: days
                   from the touch to the conversion, the path table's ``ages`` column)
position-based     ``first`` for ``j = 0``, ``last`` for ``j = n - 1``, the rest
                   ``(1 - first - last) / (n - 2)`` each; two touches share in proportion
                   ``first : last``; one touch gets 1
=================  ==========================================================================

All of it is numpy over the flat encoded touches: no Python loop per path.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from touchpath.attribution.base import (
    AttributionModel,
    EncodedPaths,
    FloatArray,
    IntArray,
    attribution_frame,
)
from touchpath.errors import TouchpathError
from touchpath.i18n import _

DIRECT_LABELS: tuple[str, ...] = ("direct", "(direct)", "(none)")
"""Channels treated as direct by :class:`LastNonDirectModel` unless told otherwise."""


class HeuristicModel(AttributionModel):
    """A rule giving each touch a share of its path; subclasses say which touches, how much."""

    def _touch_weights(self, encoded: EncodedPaths) -> tuple[IntArray, FloatArray | None]:
        """Positions in ``encoded.codes`` that get credit and their weights (None: all 1).

        The positions may be any subset of touches; weights within one path sum to 1.
        """
        raise NotImplementedError

    def _fit(self, encoded: EncodedPaths) -> None:
        positions, weights = self._touch_weights(encoded)
        n_channels = len(encoded.channels)
        if len(positions) == len(encoded.codes):
            rows = encoded.path_index
        else:
            rows = np.searchsorted(encoded.offsets, positions, side="right") - 1
        conv = encoded.conversions[rows]
        value = encoded.value[rows]
        if weights is not None:
            conv = conv * weights
            value = value * weights
        channel = encoded.codes[positions]
        self.attribution_ = attribution_frame(
            encoded.channels,
            np.bincount(channel, weights=conv, minlength=n_channels).astype(np.float64),
            np.bincount(channel, weights=value, minlength=n_channels).astype(np.float64),
        )


class FirstTouchModel(HeuristicModel):
    """All of a path's conversions go to its first touch (what started the journey).

    >>> import pandas as pd
    >>> paths = pd.DataFrame({"path": [("ads", "email")], "conversions": [2.0],
    ...                       "value": [10.0], "nulls": [0.0]})
    >>> FirstTouchModel().fit(paths).attribution_.to_dict("records")[0]
    {'channel': 'ads', 'conversions': 2.0, 'value': 10.0}
    """

    name = "first_touch"

    def __init__(self) -> None:
        pass

    def _touch_weights(self, encoded: EncodedPaths) -> tuple[IntArray, FloatArray | None]:
        return encoded.first, None


class LastTouchModel(HeuristicModel):
    """All of a path's conversions go to its last touch (what closed the sale)."""

    name = "last_touch"

    def __init__(self) -> None:
        pass

    def _touch_weights(self, encoded: EncodedPaths) -> tuple[IntArray, FloatArray | None]:
        return encoded.last, None


class LastNonDirectModel(HeuristicModel):
    """The last touch that is not direct (typing the address in says little about why).

    ``direct``: the channel names counted as direct. A path of direct touches only keeps
    its last touch.
    """

    name = "last_non_direct"

    def __init__(self, *, direct: Sequence[str] = DIRECT_LABELS) -> None:
        self.direct = direct

    def _touch_weights(self, encoded: EncodedPaths) -> tuple[IntArray, FloatArray | None]:
        labels = {self.direct} if isinstance(self.direct, str) else set(self.direct)
        is_direct = np.array([c in labels for c in encoded.channels], dtype=bool)
        if not len(encoded.codes) or not is_direct.any():
            return encoded.last, None
        positions = np.arange(len(encoded.codes), dtype=np.int64)
        candidate = np.where(is_direct[encoded.codes], -1, positions)
        chosen = np.maximum.reduceat(candidate, encoded.first)
        return np.where(chosen < 0, encoded.last, chosen), None


class LinearModel(HeuristicModel):
    """Every touch of a path gets an equal share (``1 / n``), repeats included."""

    name = "linear"

    def __init__(self) -> None:
        pass

    def _touch_weights(self, encoded: EncodedPaths) -> tuple[IntArray, FloatArray | None]:
        share = 1.0 / encoded.lengths
        return np.arange(len(encoded.codes), dtype=np.int64), np.repeat(share, encoded.lengths)


class TimeDecayModel(HeuristicModel):
    """Recent touches count more: a touch ``half_life`` days older weighs half as much.

    Needs the path table's ``ages`` column (days from each touch to the end of the
    journey): ``paths_from_events(events, ages=True)`` adds it.
    """

    name = "time_decay"
    needs_ages = True

    def __init__(self, *, half_life: float = 7.0) -> None:
        self.half_life = half_life

    def _touch_weights(self, encoded: EncodedPaths) -> tuple[IntArray, FloatArray | None]:
        if not self.half_life > 0:
            raise TouchpathError(
                _("half-life must be a positive number of days, got {value}").format(
                    value=self.half_life
                )
            )
        ages = encoded.ages
        assert ages is not None  # encode_paths(need_ages=True) guarantees it
        if len(ages) and (np.isnan(ages).any() or ages.min() < 0):
            raise TouchpathError(_("touch ages must be numbers of days of at least 0"))
        # Shift by the path's youngest touch before exponentiating: the same weights after
        # normalising, and no underflow to 0/0 for journeys years long.
        youngest = np.minimum.reduceat(ages, encoded.first) if len(ages) else ages
        raw = np.exp2(-(ages - np.repeat(youngest, encoded.lengths)) / float(self.half_life))
        total = np.add.reduceat(raw, encoded.first) if len(raw) else raw
        weights = raw / np.repeat(total, encoded.lengths)
        return np.arange(len(encoded.codes), dtype=np.int64), weights


class PositionBasedModel(HeuristicModel):
    """U-shaped: the first and last touches get fixed shares, the middle shares the rest.

    ``first`` and ``last`` default to 0.4 each (so the middle touches share 0.2), the
    usual U-shaped setting. Two touches split in proportion ``first : last``.
    """

    name = "position_based"

    def __init__(self, *, first: float = 0.4, last: float = 0.4) -> None:
        self.first = first
        self.last = last

    def _touch_weights(self, encoded: EncodedPaths) -> tuple[IntArray, FloatArray | None]:
        first, last = float(self.first), float(self.last)
        if not (first >= 0 and last >= 0 and first + last <= 1 and first + last > 0):
            raise TouchpathError(
                _(
                    "position weights must be at least 0 with 0 < first + last <= 1, "
                    "got first={first}, last={last}"
                ).format(first=first, last=last)
            )
        lengths = encoded.lengths
        middle = np.where(lengths > 2, (1.0 - first - last) / np.maximum(lengths - 2, 1), 0.0)
        weights = np.repeat(middle, lengths)
        two = lengths == 2
        first_w = np.where(lengths == 1, 1.0, np.where(two, first / (first + last), first))
        last_w = np.where(two, last / (first + last), last)
        weights[encoded.last] = last_w
        weights[encoded.first] = first_w  # one-touch paths: first wins (weight 1)
        return np.arange(len(encoded.codes), dtype=np.int64), weights
