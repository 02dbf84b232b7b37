"""Path tables: from a ChannelAttribution-style CSV file, or from the workspace's events.

**From events** (:func:`paths_from_events`). A customer's events are ordered by ``ts``,
then ``seq``, then ``event_id``. Conversion events (``is_conversion``) end journeys and are
not touches themselves; every other event is a touch, labelled by its ``channel`` or its
``touchpoint`` (``unit``; events without a touchpoint are skipped for
``unit="touchpoint"``). Then, per customer:

* the touches between two conversions (or before the first) form the **converting path**
  of the later conversion, worth that conversion's ``value`` (0 when it has none);
  the path restarts after each conversion;
* the touches after the last conversion (all of them, for a customer who never
  converted) form a **null path** (a journey that has not converted);
* ``lookback`` keeps only the touches at most that long before the journey's end: the
  conversion, or a null path's last touch (``None``: keep them all);
* ``collapse`` merges repeated consecutive touches of the same label (``a > a > b`` →
  ``a > b``: three page views from one e-mail are one e-mail touch);
* a conversion without any touch left is not in the table (nothing to credit).

Everything up to the distinct paths runs in the engine (DuckDB or Spark): touches are
numbered with ``row_number`` windows and a path is built by collecting its touches as
``"000000000001:label"`` keys, sorting them and joining them (Spark has no
order-sensitive aggregation; sorted arrays work on both). Only one row per distinct path
comes back to Python.

With ``ages=True`` each touch also carries its age, the time from the touch to the
journey's end, rounded to the hour and given in days (the path table's ``ages`` column,
which :class:`~touchpath.attribution.heuristic.TimeDecayModel` needs). A path is then
distinct per (labels, ages), so the table has more rows.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import IO, Literal

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from touchpath.errors import TouchpathError
from touchpath.i18n import _

Unit = Literal["channel", "touchpoint"]
UNITS: tuple[str, ...] = ("channel", "touchpoint")

CSV_COLUMNS: tuple[str, ...] = ("path", "total_conversions", "total_conversion_value", "total_null")
"""ChannelAttribution's column names (value and null columns may be left out: 0)."""

_KEY_SEP = "\x1f"  # joins touch keys in the engine; never part of a label
_AGE_SEP = "\x1e"  # separates a touch's label from its age in hours
_WIDTH = 12  # digits of a touch's number in its key, so keys sort in touch order
_LOOKBACK = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_lookback(value: timedelta | str | None) -> timedelta | None:
    """``"30d"``, ``"12h"``, ``"2w"`` ... or a timedelta; ``None`` or ``"none"``: no window.

    >>> parse_lookback("2w")
    datetime.timedelta(days=14)
    """
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return None
    if isinstance(value, timedelta):
        window = value
    else:
        match = _LOOKBACK.match(value)
        if match is None:
            raise TouchpathError(
                _("bad lookback {value!r}: write a number and a unit, e.g. 30d, 12h or 2w").format(
                    value=value
                )
            )
        window = timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2].lower()])
    if window <= timedelta(0):
        raise TouchpathError(_("the lookback must be longer than zero"))
    return window


def journeys(
    events: ibis.Table,
    *,
    unit: Unit = "channel",
    lookback: timedelta | str | None = "30d",
    ages: bool = False,
    collapse: bool = True,
) -> ibis.Table:
    """One row per journey: ``customer_id``, ``journey``, ``converted``, ``value``, ``path_key``.

    ``path_key`` is the journey's touch keys, sorted and joined (see the module docstring).
    Pure: builds the expression, never executes it.
    """
    if unit not in UNITS:
        raise TouchpathError(
            _("unknown unit {value!r}: use {choices}").format(value=unit, choices=", ".join(UNITS))
        )
    window = parse_lookback(lookback)
    label = events.channel if unit == "channel" else events.touchpoint
    order = ["ts", "seq", "event_id"]
    t = events.select(
        "customer_id",
        "ts",
        "is_conversion",
        value=events.value.fill_null(0.0).cast("float64"),
        label=label,
        pos=ibis.row_number().over(ibis.window(group_by="customer_id", order_by=order)),
        before=events.is_conversion.cast("int64")
        .sum()
        .over(ibis.window(group_by="customer_id", order_by=order, rows=(None, 0))),
    )
    # A touch belongs to the journey numbered by the conversions before it; a conversion
    # ends the journey numbered by the conversions before it (itself excluded).
    t = t.mutate(journey=t.before - t.is_conversion.cast("int64"))
    conversions = t.filter(t.is_conversion).select(
        "customer_id", "journey", conv_ts=t.ts, conv_value=t.value
    )
    touches = t.filter(~t.is_conversion & t.label.notnull()).select(
        "customer_id", "journey", "ts", "pos", "label"
    )
    j = touches.left_join(conversions, ["customer_id", "journey"]).select(
        touches.customer_id,
        touches.journey,
        touches.ts,
        touches.pos,
        touches.label,
        conversions.conv_ts,
        conversions.conv_value,
    )
    per_journey = ibis.window(group_by=["customer_id", "journey"])
    j = j.mutate(end_ts=j.conv_ts.coalesce(j.ts.max().over(per_journey)))
    if window is not None:
        j = j.filter(j.ts >= j.end_ts - ibis.interval(seconds=int(window.total_seconds())))
    if collapse:
        prev = j.label.lag().over(ibis.window(group_by=["customer_id", "journey"], order_by="pos"))
        j = j.mutate(_prev=prev)
        j = j.filter(j._prev.isnull() | (j._prev != j.label)).drop("_prev")
    # Number the touches within the journey, so the same path has the same key everywhere.
    by_journey = ibis.window(group_by=["customer_id", "journey"], order_by="pos")
    j = j.mutate(step=ibis.row_number().over(by_journey))
    key = j.step.cast("string").lpad(_WIDTH, "0").concat(":", j.label)
    if ages:
        seconds = j.end_ts.epoch_seconds() - j.ts.epoch_seconds()
        hours = ((seconds + 1800) // 3600).cast("int64")
        key = key.concat(_AGE_SEP, hours.cast("string"))
    per = j.group_by(["customer_id", "journey"]).aggregate(
        keys=key.collect(),
        converted=j.conv_ts.notnull().any(),
        value=j.conv_value.max().fill_null(0.0),
    )
    return per.select(
        "customer_id",
        "journey",
        "converted",
        "value",
        path_key=per["keys"].sort().join(_KEY_SEP),
    )


def path_counts(journeys_expr: ibis.Table) -> ibis.Table:
    """Distinct paths with ``conversions``, ``value`` and ``nulls`` (the engine's part)."""
    j = journeys_expr
    conv = j.converted.cast("int64")
    return j.group_by("path_key").aggregate(
        conversions=conv.sum().cast("float64"),
        value=(j.value * conv.cast("float64")).sum(),
        nulls=(1 - conv).sum().cast("float64"),
    )


def paths_from_events(
    events: ibis.Table,
    *,
    unit: Unit = "channel",
    lookback: timedelta | str | None = "30d",
    ages: bool = False,
    collapse: bool = True,
) -> pd.DataFrame:
    """The path table of the workspace's events (see the module docstring for the rules).

    Runs one query; rows are the distinct paths, sorted by path.

    >>> import ibis
    >>> from touchpath.demo.generate import generate
    >>> events = ibis.duckdb.connect().create_table("events", generate("shop", customers=50,
    ...     seed=1).events)
    >>> paths_from_events(events).columns.tolist()
    ['path', 'conversions', 'value', 'nulls']
    """
    raw = path_counts(
        journeys(events, unit=unit, lookback=lookback, ages=ages, collapse=collapse)
    ).to_pandas()
    raw = raw.sort_values("path_key", kind="stable").reset_index(drop=True)
    steps = [_split(k) for k in raw["path_key"]]
    frame = pd.DataFrame(
        {
            "path": [tuple(label for label, _age in s) for s in steps],
            "conversions": raw["conversions"].astype("float64").to_numpy(),
            "value": raw["value"].astype("float64").fillna(0.0).to_numpy(),
            "nulls": raw["nulls"].astype("float64").to_numpy(),
        }
    )
    if ages:
        frame["ages"] = [tuple(float(age) / 24.0 for _label, age in s) for s in steps]
    return frame


def _split(path_key: str) -> list[tuple[str, int]]:
    """``"000000000003:email\\x1e5\\x1f..."`` → ``[("email", 5), ...]`` (age 0 without ages)."""
    if not path_key:
        return []
    out = []
    for part in path_key.split(_KEY_SEP):
        body = part.split(":", 1)[1]
        label, _sep, age = body.partition(_AGE_SEP)
        out.append((label, int(age) if age else 0))
    return out


def read_path_csv(
    file: str | Path | IO[str], *, sep: str = ">", arrow: bool = False
) -> pd.DataFrame:
    """Read a path table in ChannelAttribution's CSV format.

    Columns ``path`` (touches joined by ``sep``, spaces around them ignored),
    ``total_conversions``, and optionally ``total_conversion_value`` and ``total_null``
    (0 when absent). The column delimiter (``,``, ``;`` or tab) is read from the header.
    A bad row stops the reading with the file, line and field named. ``arrow=True``
    gives the ``path`` column as Arrow lists instead of tuples (see :func:`split_paths`).
    """
    name = str(getattr(file, "name", file))
    if not sep:
        raise TouchpathError(_("the path separator must not be empty"))
    text = file.read() if hasattr(file, "read") else Path(file).read_text(encoding="utf-8-sig")
    assert isinstance(text, str)
    header, _nl, _rest = text.partition("\n")
    delimiter = max(",;\t", key=header.count)
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            engine="c",
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise TouchpathError(f"{name}: {exc}") from None
    table.columns = [str(c).strip() for c in table.columns]
    if "path" not in table.columns or "total_conversions" not in table.columns:
        raise TouchpathError(
            _("{file}: needs the columns path and total_conversions (found {found})").format(
                file=name, found=", ".join(table.columns)
            )
        )
    numbers = {}
    for column, target in zip(CSV_COLUMNS[1:], ("conversions", "value", "nulls"), strict=True):
        if column not in table.columns:
            numbers[target] = np.zeros(len(table))
            continue
        raw = table[column].str.strip()
        parsed = pd.to_numeric(raw, errors="coerce")
        bad = parsed.isna() | ((parsed < 0) if target != "value" else False)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise TouchpathError(
                _("{file}:{line}: {field}: not a number of at least 0: {value!r}").format(
                    file=name, line=row + 2, field=column, value=raw.iloc[row]
                )
            )
        numbers[target] = parsed.to_numpy(dtype=np.float64)
    lists = _split_lists(table["path"], sep)
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False)
    empty = np.flatnonzero(lengths == 0)
    if len(empty):
        row = int(empty[0])
        raise TouchpathError(
            _("{file}:{line}: path: no touchpoint in {value!r}").format(
                file=name, line=row + 2, value=table["path"].iloc[row]
            )
        )
    paths = _as_column(lists, table.index, arrow=arrow)
    return pd.DataFrame({"path": paths, **numbers})


def split_paths(text: pd.Series, *, sep: str = ">", arrow: bool = False) -> pd.Series:
    """``"a > b > c"`` → ``("a", "b", "c")`` for a whole column (Arrow's string kernels).

    Empty parts (``"a >> b"``, a trailing ``>``) are dropped, like ChannelAttribution does.
    With ``arrow=True`` the result is an Arrow-backed column of lists: every model takes
    it as a path column, and for millions of paths it is several times quicker than
    making a Python tuple per path.
    """
    return _as_column(_split_lists(text, sep), text.index, arrow=arrow)


def _split_lists(text: pd.Series, sep: str) -> pa.ListArray:
    array = pa.array(text.astype(str).to_numpy(dtype=object), type=pa.string())
    parts = pc.split_pattern(array, pattern=sep)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    keep = pc.not_equal(flat, "")
    parents = pc.list_parent_indices(parts).to_numpy()
    kept = keep.to_numpy(zero_copy_only=False)
    lengths = np.bincount(parents[kept], minlength=len(array))
    offsets = np.zeros(len(array) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), flat.filter(keep))


def _as_column(lists: pa.ListArray, index: pd.Index, *, arrow: bool) -> pd.Series:
    if arrow:
        return pd.Series(pd.arrays.ArrowExtensionArray(lists), index=index)
    return pd.Series([tuple(p) for p in lists.to_pylist()], index=index, dtype=object)
