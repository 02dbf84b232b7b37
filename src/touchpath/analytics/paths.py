"""Customers' paths through the touchpoints: top variants, conversion, Sankey data.

A customer's **path** is their events in order — by ``ts``, then ``seq`` (the ingestion
order breaks ties in time), then ``event_id`` — each event one step. Cleaning, in this
order:

1. **anchors**: ``from_`` starts the path at the customer's first touch of that touchpoint,
   ``to`` ends it at the first touch of that touchpoint after the start; customers without
   the anchor are left out;
2. **conversion**: without ``to``, a converted customer's path ends at their first
   conversion at or after the start (the conversion event is the last step). A customer
   *converted* when they have a conversion event at or after the start;
3. **unit** of a step: the touchpoint, the event's channel group, or the touchpoint's first
   stage in the catalogue. An event without a touchpoint (or, for stages, a touchpoint the
   catalogue does not know or gives no stage) is the step :data:`UNMAPPED`;
4. **collapse**: consecutive repeats of a unit become one step (``a a b a`` → ``a b a``);
5. **cap**: ``max_length`` keeps the first (``keep="first"``) or the last k steps.

Everything up to the distinct variants and their counts runs in the engine: steps are
numbered with ``row_number`` windows, and a path is built by collecting its steps as
``"000000001:unit"`` keys, sorting them, and joining them (order-sensitive aggregation is
not available on Spark; sorted arrays are). Only the variants come back to Python.

>>> import ibis
>>> from touchpath.demo.generate import generate
>>> data = generate("shop", customers=100, seed=1)
>>> events = ibis.duckdb.connect().create_table("events", data.events)
>>> result = top_paths(events, n=3, kind="converted")
>>> result.paths.columns.tolist()[:3]
['path', 'steps', 'length']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import ibis
import pandas as pd

from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.model import Catalogue

UNMAPPED = "(unmapped)"
"""The step of an event that has no touchpoint (or no stage, when mapping to stages)."""

UNITS: tuple[str, ...] = ("touchpoint", "channel", "stage")
KINDS: tuple[str, ...] = ("all", "converted", "dropped")
KEEPS: tuple[str, ...] = ("first", "last")
CONVERSION = "conversion"
DROP_OFF = "drop-off"
ARROW = " > "

_SEP = "\x1f"  # joins step keys in the engine; never part of a unit
_WIDTH = 9  # digits of a step number in a key, so keys sort in step order


@dataclass(frozen=True)
class PathOptions:
    """How paths are cut and cleaned (see the module docstring for the order)."""

    by: str = "touchpoint"
    collapse: bool = True
    max_length: int | None = None
    keep: str = "first"
    from_: str | None = None
    to: str | None = None

    def check(self, catalogue: Catalogue | None) -> None:
        """Raise a one-line :class:`TouchpathError` for an option a user got wrong."""
        _choice("--by", self.by, UNITS)
        _choice("--keep", self.keep, KEEPS)
        if self.max_length is not None and self.max_length < 1:
            raise TouchpathError(
                _("--max-length must be at least 1 (got {value})").format(value=self.max_length)
            )
        if self.by == "stage" and catalogue is None:
            raise TouchpathError(_("paths by stage need the catalogue"))
        if catalogue is not None:
            known = {tp.id for tp in catalogue.touchpoints}
            for anchor in (self.from_, self.to):
                if anchor is not None and anchor not in known:
                    raise TouchpathError(
                        _("unknown touchpoint {touchpoint!r}").format(touchpoint=anchor)
                    )

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        return {("from" if k == "from_" else k): v for k, v in doc.items()}


def _choice(option: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise TouchpathError(
            _("unknown value {value!r} for {option}; choose one of: {choices}").format(
                value=value, option=option, choices=", ".join(choices)
            )
        )


def stage_of(catalogue: Catalogue) -> dict[str, str]:
    """Each touchpoint's first stage: the step unit of ``by="stage"``."""
    return {tp.id: tp.stages[0] for tp in catalogue.touchpoints if tp.stages}


def unit_of(events: ibis.Table, by: str, catalogue: Catalogue | None = None) -> ibis.Value:
    """The step label of each event for ``by`` (touchpoint, channel or stage)."""
    if by == "touchpoint":
        return events.touchpoint.fill_null(UNMAPPED)
    if by == "channel":
        return events.channel.fill_null(UNMAPPED)
    if catalogue is None:
        raise TouchpathError(_("paths by stage need the catalogue"))
    stages = stage_of(catalogue)
    if not stages:
        return ibis.literal(UNMAPPED, type="string")
    return events.touchpoint.substitute(stages, else_=UNMAPPED)


def numbered(events: ibis.Table, unit: ibis.Value) -> ibis.Table:
    """customer_id, touchpoint, is_conversion, unit and ``pos`` (1-based, in path order)."""
    order = ibis.window(group_by="customer_id", order_by=["ts", "seq", "event_id"])
    return events.select(
        "customer_id",
        "touchpoint",
        "is_conversion",
        unit=unit,
        pos=ibis.row_number().over(order) + 1,
    )


def collapse_repeats(t: ibis.Table) -> ibis.Table:
    """Drop a step whose unit equals the previous step's (``a a b a`` → ``a b a``)."""
    order = ibis.window(group_by="customer_id", order_by="pos")
    t = t.mutate(_prev=t.unit.lag().over(order))
    return t.filter(t._prev.isnull() | (t._prev != t.unit)).drop("_prev")


def renumber(t: ibis.Table) -> ibis.Table:
    """``step`` (1-based, consecutive) and ``length`` of each customer's path."""
    order = ibis.window(group_by="customer_id", order_by="pos")
    t = t.mutate(step=ibis.row_number().over(order) + 1)
    return t.mutate(length=t.step.max().over(ibis.window(group_by="customer_id")))


def path_steps(
    events: ibis.Table,
    *,
    options: PathOptions | None = None,
    catalogue: Catalogue | None = None,
) -> ibis.Table:
    """One row per step of every customer's cleaned path.

    Columns: ``customer_id``, ``step`` (1-based), ``unit``, ``length`` (steps in the
    path) and ``converted`` (a conversion at or after the path's start).
    """
    opts = options or PathOptions()
    opts.check(catalogue)
    t = numbered(events, unit_of(events, opts.by, catalogue))
    customer = ibis.window(group_by="customer_id")
    if opts.from_ is not None:
        t = t.mutate(_start=ibis.cases((t.touchpoint == opts.from_, t.pos)).min().over(customer))
        t = t.filter(t._start.notnull() & (t.pos >= t._start)).drop("_start")
    t = t.mutate(_conv=ibis.cases((t.is_conversion, t.pos)).min().over(customer))
    if opts.to is not None:
        t = t.mutate(_end=ibis.cases((t.touchpoint == opts.to, t.pos)).min().over(customer))
        t = t.filter(t._end.notnull() & (t.pos <= t._end)).drop("_end")
    else:
        t = t.filter(t._conv.isnull() | (t.pos <= t._conv))
    t = t.mutate(converted=t._conv.notnull()).drop("_conv", "touchpoint", "is_conversion")
    if opts.collapse:
        t = collapse_repeats(t)
    t = renumber(t)
    if opts.max_length is not None:
        k = opts.max_length
        if opts.keep == "first":
            t = t.filter(t.step <= k).mutate(length=t.length.clip(upper=k))
        else:
            offset = (t.length - k).clip(lower=0)
            t = t.filter(t.step > t.length - k).mutate(
                step=t.step - offset, length=t.length - offset
            )
    return t.select("customer_id", "step", "unit", "length", "converted")


def customer_paths(steps: ibis.Table) -> ibis.Table:
    """One row per customer: ``path_key`` (sorted step keys joined), length, converted."""
    key = steps.step.cast("string").lpad(_WIDTH, "0").concat(":", steps.unit)
    per = steps.group_by("customer_id").aggregate(
        keys=key.collect(),
        length=steps.length.max(),
        converted=steps.converted.any(),
    )
    return per.select("customer_id", "length", "converted", path_key=per["keys"].sort().join(_SEP))


def _of_kind(per: ibis.Table, kind: str) -> ibis.Table:
    _choice("--kind", kind, KINDS)
    if kind == "converted":
        return per.filter(per.converted)
    if kind == "dropped":
        return per.filter(~per.converted)
    return per


def variants(steps: ibis.Table, kind: str = "all") -> ibis.Table:
    """Path variants with customers and converted customers, most common first.

    ``total`` (customers of the kind) and ``variants`` (distinct paths) repeat on every row
    so that one limited query answers everything :func:`top_paths` shows.
    """
    per = _of_kind(customer_paths(steps), kind)
    v = per.group_by("path_key").aggregate(
        length=per.length.max(),
        customers=per.count(),
        converted=per.converted.cast("int64").sum(),
    )
    everything = ibis.window()
    v = v.mutate(
        total=v.customers.sum().over(everything), variants=v.customers.count().over(everything)
    )
    return v.order_by([ibis.desc("customers"), "path_key"])


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a small result frame as dicts (for JSON and node tables)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def split_key(path_key: str) -> tuple[str, ...]:
    """``"000000001:a\\x1f000000002:b"`` → ``("a", "b")``."""
    return tuple(part.split(":", 1)[1] for part in path_key.split(_SEP)) if path_key else ()


@dataclass(frozen=True)
class PathsResult:
    """The top path variants of one kind.

    ``paths``: path (steps joined by " > "), steps (tuple), length, customers, share (of
    the kind's customers), converted, conversion_rate. ``customers``: customers of the kind
    (after anchors); ``variants``: distinct paths among them.
    """

    paths: pd.DataFrame
    customers: int
    variants: int
    kind: str
    options: PathOptions

    def to_json(self) -> dict[str, Any]:
        rows = [
            {
                "path": list(r["steps"]),
                "length": int(r["length"]),
                "customers": int(r["customers"]),
                "share": float(r["share"]),
                "converted": int(r["converted"]),
                "conversion_rate": float(r["conversion_rate"]),
            }
            for r in records(self.paths)
        ]
        return {
            "kind": self.kind,
            "options": self.options.to_json(),
            "customers": self.customers,
            "variants": self.variants,
            "paths": rows,
        }


PATH_COLUMNS = ["path", "steps", "length", "customers", "share", "converted", "conversion_rate"]


def top_paths(
    events: ibis.Table,
    n: int = 20,
    kind: str = "all",
    *,
    by: str = "touchpoint",
    collapse: bool = True,
    max_length: int | None = None,
    keep: str = "first",
    from_: str | None = None,
    to: str | None = None,
    catalogue: Catalogue | None = None,
) -> PathsResult:
    """The ``n`` most common path variants: all, ``converted`` or ``dropped`` customers.

    Ties in the number of customers are ordered by the path (its step keys), the same on
    every engine. Conversion rate = converted / customers of the variant (1.0 for
    ``converted``, 0.0 for ``dropped``).
    """
    if n < 1:
        raise TouchpathError(_("--top must be at least 1 (got {value})").format(value=n))
    _choice("--kind", kind, KINDS)
    options = PathOptions(by, collapse, max_length, keep, from_, to)
    expr = variants(path_steps(events, options=options, catalogue=catalogue), kind).limit(n)
    raw = expr.to_pandas()
    if raw.empty:
        return PathsResult(pd.DataFrame(columns=PATH_COLUMNS), 0, 0, kind, options)
    steps = [split_key(k) for k in raw.path_key]
    customers = raw.customers.astype("int64")
    converted = raw.converted.astype("int64")
    frame = pd.DataFrame(
        {
            "path": [ARROW.join(s) for s in steps],
            "steps": steps,
            "length": raw.length.astype("int64"),
            "customers": customers,
            "share": customers / int(raw.total.iloc[0]),
            "converted": converted,
            "conversion_rate": converted / customers,
        }
    )
    return PathsResult(frame, int(raw.total.iloc[0]), int(raw.variants.iloc[0]), kind, options)


def sankey_flows(steps: ibis.Table, k: int, kind: str = "all") -> ibis.Table:
    """Customers per (step, unit) → next: the next step's unit, conversion, drop-off, or beyond.

    ``target`` is "step" (``target_unit`` is the next step's unit), "conversion" or
    "drop-off" (the path ends at this step, within the first ``k``), or "beyond" (the
    path goes on past step ``k``; not drawn).
    """
    per = _of_kind(customer_paths(steps), kind).select("customer_id")
    s = steps.semi_join(per, "customer_id") if kind != "all" else steps
    s = s.filter(s.step <= k)
    order = ibis.window(group_by="customer_id", order_by="step")
    s = s.mutate(target_unit=s.unit.lead().over(order))
    target = ibis.cases(
        (s.target_unit.notnull(), "step"),
        (s.step == s.length, s.converted.ifelse(CONVERSION, DROP_OFF)),
        else_="beyond",
    )
    s = s.mutate(target=target)
    return s.group_by(["step", "unit", "target", "target_unit"]).aggregate(customers=s.count())


@dataclass(frozen=True)
class SankeyResult:
    """Nodes and links of the first ``steps`` steps of the paths.

    ``nodes``: node (id), kind ("step", "conversion", "drop-off"), step (1-based; None for
    the two terminal nodes), unit, customers (reaching the node). ``links``: source,
    target (node ids), customers. ``beyond``: customers whose path goes on past the last
    step shown.
    """

    nodes: pd.DataFrame
    links: pd.DataFrame
    steps: int
    customers: int
    beyond: int
    kind: str
    options: PathOptions

    def to_json(self) -> dict[str, Any]:
        nodes = [
            {
                "node": int(r["node"]),
                "kind": r["kind"],
                "step": int(r["step"]) if r["kind"] == "step" else None,
                "unit": r["unit"] if r["kind"] == "step" else None,
                "customers": int(r["customers"]),
            }
            for r in records(self.nodes)
        ]
        links = [{k: int(v) for k, v in r.items()} for r in records(self.links)]
        return {
            "steps": self.steps,
            "kind": self.kind,
            "options": self.options.to_json(),
            "customers": self.customers,
            "beyond": self.beyond,
            "nodes": nodes,
            "links": links,
        }


def sankey(
    events: ibis.Table,
    steps: int = 5,
    *,
    kind: str = "all",
    by: str = "touchpoint",
    collapse: bool = True,
    from_: str | None = None,
    to: str | None = None,
    catalogue: Catalogue | None = None,
) -> SankeyResult:
    """Sankey data of the first ``steps`` steps, into "conversion" and "drop-off".

    A node is (step index, unit). A path that ends at step i ≤ ``steps`` flows from its
    last node into "conversion" if the customer converted, else into "drop-off"; a longer
    path simply leaves the chart at step ``steps`` (counted in ``beyond``).
    """
    if steps < 1:
        raise TouchpathError(_("--sankey must be at least 1 (got {value})").format(value=steps))
    _choice("--kind", kind, KINDS)
    options = PathOptions(by, collapse, None, "first", from_, to)
    flows = sankey_flows(path_steps(events, options=options, catalogue=catalogue), steps, kind)
    raw = flows.to_pandas()
    return _sankey_frames(raw, steps, kind, options)


def _sankey_frames(raw: pd.DataFrame, k: int, kind: str, options: PathOptions) -> SankeyResult:
    raw = raw.astype({"step": "int64", "customers": "int64"})
    at = raw.groupby(["step", "unit"], as_index=False).customers.sum()
    at = at.assign(order=-at.customers).sort_values(["step", "order", "unit"], kind="stable")
    node_rows: list[dict[str, Any]] = [
        {
            "kind": "step",
            "step": int(r["step"]),
            "unit": r["unit"],
            "customers": int(r["customers"]),
        }
        for r in records(at)
    ]
    ids: dict[tuple[int | None, Any], int] = {
        (row["step"], row["unit"]): i for i, row in enumerate(node_rows)
    }
    for terminal in (CONVERSION, DROP_OFF):
        into = int(raw.loc[raw.target == terminal, "customers"].sum())
        if into:
            ids[(None, terminal)] = len(node_rows)
            node_rows.append({"kind": terminal, "step": None, "unit": None, "customers": into})
    links: list[dict[str, int]] = []
    for r in records(raw):
        if r["target"] == "beyond":
            continue
        step = int(r["step"])
        target = (step + 1, r["target_unit"]) if r["target"] == "step" else (None, r["target"])
        links.append(
            {
                "source": ids[(step, r["unit"])],
                "target": ids[target],
                "customers": int(r["customers"]),
            }
        )
    nodes = pd.DataFrame(node_rows, columns=["kind", "step", "unit", "customers"])
    nodes.insert(0, "node", range(len(nodes)))
    nodes["step"] = nodes["step"].astype("Int64")
    link_frame = pd.DataFrame(links, columns=["source", "target", "customers"])
    link_frame = link_frame.sort_values(["source", "target"], kind="stable").reset_index(drop=True)
    first = at[at.step == 1].customers.sum() if not at.empty else 0
    beyond = int(raw.loc[raw.target == "beyond", "customers"].sum())
    return SankeyResult(nodes, link_frame, k, int(first), beyond, kind, options)
