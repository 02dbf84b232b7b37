"""What every attribution model shares: the path table, its integer encoding, the estimator.

A **path table** is a pandas DataFrame, one row per distinct journey:

``path``
    tuple of str, the touchpoints (or channels) in the order the customer met them;
``conversions``
    float, how many journeys with this path ended in a conversion;
``value``
    float, the conversion value those journeys brought;
``nulls``
    float, how many journeys with this path did not convert (yet);
``ages`` (optional)
    tuple of float, one per touch: days between the touch and the end of the journey
    (the conversion). Only time decay needs it; :func:`touchpath.attribution.paths_from_events`
    adds it with ``ages=True``.

It is ChannelAttribution's format with the path split into a tuple. Models follow
scikit-learn's estimator conventions: ``__init__`` only stores its keyword arguments,
``fit(paths)`` does the work and returns the model, and what was learned is in attributes
ending in ``_`` (``attribution_`` for every model).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from touchpath.errors import TouchpathError
from touchpath.i18n import _

PATH_COLUMNS: tuple[str, ...] = ("path", "conversions", "value", "nulls")
"""The columns every path table has (``ages`` is optional)."""

ATTRIBUTION_COLUMNS: tuple[str, ...] = ("channel", "conversions", "value")
"""The columns of every model's ``attribution_``."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def check_paths(paths: pd.DataFrame) -> pd.DataFrame:
    """The path table with its number columns as float; a clear error if it is not one."""
    if not isinstance(paths, pd.DataFrame):
        raise TouchpathError(
            _("a path table must be a DataFrame, not {kind}").format(kind=type(paths).__name__)
        )
    missing = [c for c in PATH_COLUMNS if c not in paths.columns]
    if missing:
        raise TouchpathError(
            _(
                "the path table has no column {column} (needs path, conversions, value, nulls)"
            ).format(column=", ".join(missing))
        )
    frame = paths.reset_index(drop=True)
    for column in ("conversions", "value", "nulls"):
        raw = frame[column]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            numbers = raw.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            numbers = pd.to_numeric(raw, errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        bad = np.isnan(numbers) | (numbers < 0) if column != "value" else np.isnan(numbers)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise TouchpathError(
                _(
                    "path table row {row}: {column} must be a number of at least 0, got {value!r}"
                ).format(row=row, column=column, value=raw.iloc[row])
            )
        frame[column] = numbers
    return frame


@dataclass(frozen=True)
class EncodedPaths:
    """A path table as flat integer arrays, the form the models compute on.

    Touch ``j`` of path ``i`` is ``channels[codes[offsets[i] + j]]``; ``lengths`` is
    ``np.diff(offsets)``. Empty paths are dropped when encoding (they hold no touch to
    credit). ``channels`` is sorted, so codes do not depend on row order.
    """

    channels: tuple[str, ...]
    codes: IntArray
    offsets: IntArray
    conversions: FloatArray
    value: FloatArray
    nulls: FloatArray
    ages: FloatArray | None = None
    rows: IntArray | None = None
    """Row of the (re-indexed) path table each encoded path came from; None: all rows."""

    @property
    def lengths(self) -> IntArray:
        return np.diff(self.offsets)

    @property
    def n_paths(self) -> int:
        return len(self.offsets) - 1

    @property
    def path_index(self) -> IntArray:
        """For each touch in ``codes``, the row of the path it belongs to."""
        return np.repeat(np.arange(self.n_paths, dtype=np.int64), self.lengths)

    @property
    def first(self) -> IntArray:
        """Position in ``codes`` of each path's first touch."""
        return self.offsets[:-1]

    @property
    def last(self) -> IntArray:
        """Position in ``codes`` of each path's last touch."""
        return self.offsets[1:] - 1


def _list_array(column: pd.Series, value_type: pa.DataType, name: str) -> pa.ListArray:
    """A column of sequences as one Arrow list array (a C loop, not a Python one)."""
    if isinstance(column.dtype, pd.ArrowDtype) and pa.types.is_list(column.dtype.pyarrow_dtype):
        array = pa.chunked_array(pa.array(column)).combine_chunks().cast(pa.list_(value_type))
        return _check_nulls(array, name)
    items = column.to_numpy(dtype=object)
    kinds = set(map(type, items))  # a set of types: 10x quicker than isinstance per row
    if any(issubclass(kind, str | bytes) for kind in kinds):
        row = next(i for i, item in enumerate(items) if isinstance(item, str | bytes))
        raise TouchpathError(
            _("path table row {row}: {column} must be a sequence, got {value!r}").format(
                row=row, column=name, value=items[row]
            )
        )
    try:
        array = pa.array(items, type=pa.list_(value_type))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        for row, item in enumerate(column.tolist()):
            try:
                pa.array([item], type=pa.list_(value_type))
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                raise TouchpathError(
                    _("path table row {row}: {column} must be a sequence, got {value!r}").format(
                        row=row, column=name, value=item
                    )
                ) from None
        raise
    return _check_nulls(array, name)


def _check_nulls(array: pa.ListArray, name: str) -> pa.ListArray:
    if array.null_count:
        row = int(np.flatnonzero(array.is_null().to_numpy(zero_copy_only=False))[0])
        raise TouchpathError(
            _("path table row {row}: {column} is empty (null)").format(row=row, column=name)
        )
    flat = pc.list_flatten(array)
    if flat.null_count:
        parents = pc.list_parent_indices(array).to_numpy()
        row = int(parents[np.flatnonzero(flat.is_null().to_numpy(zero_copy_only=False))[0]])
        raise TouchpathError(
            _("path table row {row}: {column} has a null entry").format(row=row, column=name)
        )
    return array


def encode_paths(paths: pd.DataFrame, *, need_ages: bool = False) -> EncodedPaths:
    """Encode a (checked) path table through Arrow: no Python loop per path or touch.

    Empty paths are dropped (nothing to credit); channel codes follow the sorted names.
    """
    frame = check_paths(paths)
    array = _list_array(frame["path"], pa.string(), "path")
    lengths = pc.list_value_length(array).to_numpy(zero_copy_only=False).astype(np.int64)
    keep = lengths > 0
    if not keep.all():
        frame = frame[keep].reset_index(drop=True)
        array = array.filter(pa.array(keep))
        lengths = lengths[keep]
    encoded = pc.list_flatten(array).dictionary_encode()
    names = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    codes = rank[encoded.indices.to_numpy(zero_copy_only=False)]
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    ages: FloatArray | None = None
    if need_ages:
        if "ages" not in frame.columns:
            raise TouchpathError(
                _("this model needs touch ages: use paths_from_events(..., ages=True)")
            )
        age_array = _list_array(frame["ages"], pa.float64(), "ages")
        age_lengths = pc.list_value_length(age_array).to_numpy(zero_copy_only=False)
        if not np.array_equal(age_lengths, lengths):
            row = int(np.flatnonzero(age_lengths != lengths)[0])
            raise TouchpathError(
                _("path table row {row}: ages must have one number per touch").format(row=row)
            )
        ages = pc.list_flatten(age_array).to_numpy(zero_copy_only=False).astype(np.float64)
    return EncodedPaths(
        channels=tuple(str(c) for c in names[order]),
        codes=codes,
        offsets=offsets,
        conversions=frame["conversions"].to_numpy(dtype=np.float64),
        value=frame["value"].to_numpy(dtype=np.float64),
        nulls=frame["nulls"].to_numpy(dtype=np.float64),
        ages=ages,
        rows=None if keep.all() else np.flatnonzero(keep).astype(np.int64),
    )


def attribution_frame(
    channels: tuple[str, ...], conversions: FloatArray, value: FloatArray
) -> pd.DataFrame:
    """The ``attribution_`` table: one row per channel, most conversions first."""
    names = np.asarray(channels, dtype=str)
    conversions = np.asarray(conversions, dtype=np.float64)
    # Most conversions first, ties by channel name (numpy: pandas' sort costs ms per call).
    order = np.lexsort((np.argsort(np.argsort(names, kind="stable")), -conversions))
    return pd.DataFrame(
        {
            "channel": [channels[i] for i in order],
            "conversions": conversions[order],
            "value": np.asarray(value, dtype=np.float64)[order],
        }
    )


class AttributionModel:
    """Base of every model: scikit-learn's estimator contract.

    Subclasses declare keyword-only parameters in ``__init__`` and store them unchanged,
    implement :meth:`_fit` on the encoded paths and set ``attribution_`` (columns
    ``channel``, ``conversions``, ``value``; sums equal the converting paths' totals).
    """

    name: ClassVar[str] = "model"
    """Short display name (``"Markov (order 2)"`` style names come from :attr:`label`)."""

    needs_ages: ClassVar[bool] = False

    attribution_: pd.DataFrame

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [
            p.name for p in sig.parameters.values() if p.name != "self" and p.kind == p.KEYWORD_ONLY
        ]

    def get_params(self) -> dict[str, Any]:
        """The parameters given to ``__init__`` (scikit-learn's ``get_params``)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        """Change parameters before the next ``fit``."""
        valid = set(self._param_names())
        for key, value in params.items():
            if key not in valid:
                raise TouchpathError(
                    _("{model} has no parameter {name}").format(model=self.name, name=key)
                )
            setattr(self, key, value)
        return self

    @property
    def label(self) -> str:
        """The name shown in tables and charts."""
        return self.name

    def fit(self, paths: pd.DataFrame | EncodedPaths) -> Self:
        """Learn the attribution from a path table; returns the fitted model.

        An :class:`EncodedPaths` (from :func:`encode_paths`) is taken as it is: encode a big
        table once and fit several models on it.
        """
        if isinstance(paths, EncodedPaths):
            if self.needs_ages and paths.ages is None:
                raise TouchpathError(
                    _("this model needs touch ages: use paths_from_events(..., ages=True)")
                )
            self._fit(paths)
        else:
            self._fit(encode_paths(paths, need_ages=self.needs_ages))
        return self

    def _fit(self, encoded: EncodedPaths) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
