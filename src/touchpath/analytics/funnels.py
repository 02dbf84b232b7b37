"""Funnels: how many customers pass ordered steps, where they leave, and how long it takes.

A step is a touchpoint, a stage of the journey (every touchpoint serving it) or any
predicate on events. A customer *enters* at their first event matching step 1 (events in
``ts``, then ``seq`` order); what counts as reaching the next steps depends on the mode:

``ordered``
    each step takes the customer's earliest unused event matching it at or after the
    previous step's instant; other events may come between.
``strict``
    the customer's very next event (by ``ts``, then ``seq``) must match the next step.
``any``
    each step takes the earliest unused matching event at or after the entry instant,
    in whatever order the steps happen.

An event at the same instant as the previous step counts as after it (several things are
often recorded in one instant); one event never serves two steps. With a ``window`` every
step must happen within that time of the entry event. A customer with an *exclusion*
event from the entry instant up to converting (reaching the last step) — or, when they do
not convert, up to the end of the window (with no window: ever after) — is removed from
the whole funnel. The exact rules are in docs/analytics/funnels.md.

The work is done by the engine: :func:`reach` builds one Ibis expression with a row per
entering customer (how far they got and when); :func:`funnel` caches it and runs three
small aggregates over it (:func:`step_counts`, :func:`conversion_times`,
:func:`time_bins`), bringing back only the tables of a :class:`FunnelResult`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

import ibis
import ibis.expr.types as ir
import pandas as pd

from touchpath.analytics.timeline import epoch_us, micros, order_key
from touchpath.errors import TouchpathError
from touchpath.i18n import _, get_language
from touchpath.model import Catalogue
from touchpath.model import Stage as CatalogueStage

if TYPE_CHECKING:
    import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

Mode = Literal["ordered", "strict", "any"]
Breakdown = Literal["channel", "campaign", "segment", "cohort"]
MODES: tuple[str, ...] = get_args(Mode)
BREAKDOWNS: tuple[str, ...] = get_args(Breakdown)
Predicate = Callable[[ibis.Table], ir.BooleanValue]
StageMap = Mapping[str, Sequence[str]]
MAX_STEPS = 20

BIN_EDGES: tuple[int, ...] = (
    0,
    60,
    600,
    3600,
    21_600,
    86_400,
    259_200,
    604_800,
    1_209_600,
    2_592_000,
    7_776_000,
)
"""Lower edges (seconds) of the time-to-convert bins; the last bin has no upper edge."""


class FunnelError(TouchpathError):
    """A funnel that cannot be built as asked: unknown step, bad window, no steps."""


# --- steps --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One funnel step as the user names it; :func:`plan_funnel` resolves it.

    >>> Step.touchpoint("order_form").key
    'order_form'
    >>> Step.where(lambda t: t.event_name == "lead", label="Lead").label
    'Lead'
    """

    kind: Literal["touchpoint", "stage", "where"]
    key: str = ""
    predicate: Predicate | None = None
    label: str | None = None

    @classmethod
    def touchpoint(cls, touchpoint_id: str, label: str | None = None) -> Step:
        """Events at this catalogue touchpoint."""
        return cls("touchpoint", touchpoint_id, None, label)

    @classmethod
    def stage(cls, stage_id: str, label: str | None = None) -> Step:
        """Events at any touchpoint that serves this stage of the journey."""
        return cls("stage", stage_id, None, label)

    @classmethod
    def where(cls, predicate: Predicate, label: str | None = None) -> Step:
        """Events for which ``predicate(events)`` (an Ibis boolean expression) is true."""
        return cls("where", "", predicate, label)


StepLike = Step | str | CatalogueStage
"""A step: a :class:`Step`, a touchpoint id, or a catalogue :class:`~touchpath.model.Stage`."""


@dataclass(frozen=True)
class FunnelStep:
    """A resolved step: what to show and which events match.

    ``touchpoints`` is set for touchpoint and stage steps: the engine then matches them
    all with one ``CASE touchpoint WHEN ...`` instead of a comparison per step.
    """

    key: str
    label: str
    predicate: Predicate
    touchpoints: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FunnelSpec:
    """Everything :func:`reach` needs, checked; build it with :func:`plan_funnel`."""

    steps: tuple[FunnelStep, ...]
    mode: Mode = "ordered"
    window: timedelta | None = None
    exclusions: tuple[FunnelStep, ...] = ()
    by: Breakdown | None = None


_WINDOW = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_window(value: timedelta | str | None) -> timedelta | None:
    """``"30d"``, ``"12h"``, ``"90m"``, ``"2w"``, ``"45s"`` or a timedelta; None = no window.

    >>> parse_window("12h")
    datetime.timedelta(seconds=43200)
    """
    if value is None:
        return None
    if isinstance(value, timedelta):
        window = value
    else:
        match = _WINDOW.match(value)
        if match is None:
            raise FunnelError(
                _("bad window {value!r}: write a number and a unit, e.g. 30d, 12h or 90m").format(
                    value=value
                )
            )
        window = timedelta(seconds=int(match[1]) * _UNITS[match[2].lower()])
    if window < timedelta(milliseconds=1):
        raise FunnelError(_("the window must be longer than zero"))
    return window


def stage_map(catalogue: Catalogue) -> dict[str, list[str]]:
    """Stage id → ids of the touchpoints that serve it, stages in journey order."""
    return {
        s.id: [tp.id for tp in catalogue.touchpoints if s.id in tp.stages]
        for s in catalogue.stages_in_order()
    }


def plan_funnel(
    steps: Sequence[StepLike] | None = None,
    *,
    mode: str = "ordered",
    window: timedelta | str | None = None,
    exclusions: Sequence[StepLike] = (),
    by: str | None = None,
    catalogue: Catalogue | StageMap | None = None,
) -> FunnelSpec:
    """Check and resolve what the user asked for; no query runs here.

    ``steps=None`` is the default funnel: the catalogue's stages in journey order.
    Touchpoint ids are checked against a :class:`Catalogue` when one is given.
    """
    if mode not in MODES:
        raise FunnelError(
            _("unknown funnel mode {mode!r}; choose one of: {choices}").format(
                mode=mode, choices=", ".join(MODES)
            )
        )
    if by is not None and by not in BREAKDOWNS:
        raise FunnelError(
            _("unknown breakdown {by!r}; choose one of: {choices}").format(
                by=by, choices=", ".join(BREAKDOWNS)
            )
        )
    if steps is None:
        if catalogue is None:
            raise FunnelError(_("the default funnel (the journey stages) needs the catalogue"))
        stages = stage_map(catalogue) if isinstance(catalogue, Catalogue) else catalogue
        steps = [Step.stage(s) for s in stages]
    if not steps:
        raise FunnelError(_("a funnel needs at least one step"))
    if len(steps) > MAX_STEPS:
        raise FunnelError(_("a funnel has at most {n} steps").format(n=MAX_STEPS))
    resolved = tuple(_resolve(s, i, catalogue) for i, s in enumerate(steps, start=1))
    excluded = tuple(_resolve(s, i, catalogue) for i, s in enumerate(exclusions, start=1))
    return FunnelSpec(
        steps=resolved,
        mode=cast(Mode, mode),
        window=parse_window(window),
        exclusions=excluded,
        by=cast(Breakdown | None, by),
    )


def _resolve(step: StepLike, number: int, catalogue: Catalogue | StageMap | None) -> FunnelStep:
    if isinstance(step, str):
        step = Step.touchpoint(step)
    elif isinstance(step, CatalogueStage):
        step = Step.stage(step.id)
    if step.kind == "where":
        if step.predicate is None:
            raise FunnelError(_("step {n} has no condition").format(n=number))
        return FunnelStep("", step.label or _("step {n}").format(n=number), step.predicate)
    if step.kind == "touchpoint":
        label = step.key
        if isinstance(catalogue, Catalogue):
            try:
                label = catalogue.touchpoint(step.key).name
            except KeyError:
                raise FunnelError(_("unknown touchpoint {id!r}").format(id=step.key)) from None
        ids: tuple[str, ...] = (step.key,)
        return FunnelStep(step.key, step.label or label, partial(_at_touchpoints, ids), ids)
    stages = stage_map(catalogue) if isinstance(catalogue, Catalogue) else catalogue
    if stages is None:
        raise FunnelError(_("stage steps need the catalogue"))
    if step.key not in stages:
        raise FunnelError(
            _("unknown stage {id!r}; known stages: {known}").format(
                id=step.key, known=", ".join(stages)
            )
        )
    label = step.key
    if isinstance(catalogue, Catalogue):
        stage = next(s for s in catalogue.stages if s.id == step.key)
        label = stage.name_ru if get_language() == "ru" and stage.name_ru else stage.name
    touchpoints = tuple(stages[step.key])
    return FunnelStep(
        step.key, step.label or label, partial(_at_touchpoints, touchpoints), touchpoints
    )


def _at_touchpoints(ids: tuple[str, ...], events: ibis.Table) -> ir.BooleanValue:
    if not ids:
        return ibis.literal(False)
    if len(ids) == 1:
        return events.touchpoint == ids[0]
    return events.touchpoint.isin(ids)


# --- the per-customer reach table ---------------------------------------------------------


def _has(code: ir.IntegerValue, bit: int) -> ir.BooleanValue:
    return (code & (1 << bit)) != 0


def _code(events: ibis.Table, spec: FunnelSpec) -> ir.IntegerValue:
    """Bit ``i`` set when the event matches step ``i + 1``; bit ``k`` for any exclusion.

    Touchpoint and stage steps become one ``CASE touchpoint WHEN id THEN mask`` (five
    times cheaper on DuckDB than a comparison per step); condition steps add their bit.
    """
    k = len(spec.steps)
    masks: dict[str, int] = {}
    for bit, step in [*enumerate(spec.steps), *((k, e) for e in spec.exclusions)]:
        for tp in step.touchpoints or ():
            masks[tp] = masks.get(tp, 0) | (1 << bit)
    code: ir.IntegerValue = ibis.literal(0, type="int32")
    if masks:
        code = events.touchpoint.substitute(masks, else_=0).cast("int32")
    for i, step in enumerate(spec.steps):
        if step.touchpoints is None:
            code = code + ibis.ifelse(step.predicate(events).fill_null(False), 1 << i, 0)
    where = [e.predicate(events).fill_null(False) for e in spec.exclusions if e.touchpoints is None]
    if where:
        code = code | ibis.ifelse(ibis.or_(*where), 1 << k, 0)
    return code.cast("int32")


def _entry_columns(events: ibis.Table, spec: FunnelSpec) -> dict[str, ir.Value]:
    if spec.by in ("channel", "campaign"):
        return {"group": events[spec.by].cast("string")}
    return {}


def reach(
    events: ibis.Table, spec: FunnelSpec, *, customers: ibis.Table | None = None
) -> ibis.Table:
    """One row per customer in the funnel: how many steps they reached and when.

    Columns: ``customer_id``, ``group`` (the breakdown value, only with ``spec.by``),
    ``reached`` (1 … number of steps) and ``ms_2`` … ``ms_k``: milliseconds from the
    entry event to step *i* (null when not reached). Excluded customers are left out.
    ``customers`` (with ``customer_id`` and ``segment``) is needed for ``by="segment"``.
    """
    return _reach(events, spec, customers, fast=False)


def _reach(
    events: ibis.Table, spec: FunnelSpec, customers: ibis.Table | None, *, fast: bool
) -> ibis.Table:
    """:func:`reach`; with ``fast`` (ordered and any-order modes) events are told apart by
    (ts, seq) alone (see :func:`_matching`), and the table also has the chosen events'
    keys ``k1`` … ``kk`` and, with exclusions, ``excluded`` instead of dropping customers:
    what :func:`_tied` needs to check that no two events shared a key.
    """
    if spec.by == "segment" and customers is None:
        raise FunnelError(_("the segment breakdown needs the customers table"))
    fast = fast and spec.mode != "strict"
    if spec.mode == "strict":
        inner = _reach_strict(events, spec)
    else:
        inner = _reach_ordered(events, spec, fast=fast)
    k = len(spec.steps)
    timed = [f"ms_{i}" for i in range(2, k + 1)]
    if fast:
        timed += [f"k{i}" for i in range(1, k + 1)]
        timed += ["excluded"] if spec.exclusions else []
    keep = ["customer_id", *(["group"] if "group" in inner.columns else []), "reached", *timed]
    table = inner.select(*keep)
    if spec.by == "segment":
        assert customers is not None
        seg = customers.select(
            seg_customer=customers.customer_id, group=customers.segment.cast("string")
        ).distinct(on="seg_customer", keep="first")
        joined = table.left_join(seg, table.customer_id == seg.seg_customer)
        table = joined.select("customer_id", "group", "reached", *timed)
    elif spec.by == "cohort":
        first = events.group_by(fc=events.customer_id).aggregate(first_ts=events.ts.min())
        month = first.first_ts.month().cast("string").lpad(2, "0")
        first = first.select("fc", group=first.first_ts.year().cast("string").concat("-", month))
        joined = table.left_join(first, table.customer_id == first.fc)
        table = joined.select("customer_id", "group", "reached", *timed)
    return table


def _within(us: ir.IntegerValue, t1: ir.IntegerValue, spec: FunnelSpec) -> ir.BooleanValue:
    """``us`` (µs since 1970) no later than the window after the entry ``t1``."""
    if spec.window is None:
        return ibis.literal(True)
    return us <= t1 + micros(spec.window)


def _matching(events: ibis.Table, spec: FunnelSpec, *, fast: bool) -> ibis.Table:
    """Events matching some step or exclusion, with ``ts`` in µs, ``code`` and ``key``.

    ``key`` orders a customer's events and names each one: the struct (ts, seq,
    event_id), or with ``fast`` the number :func:`~touchpath.analytics.timeline.order_key`
    of (ts, seq), which names an event only while no two share (ts, seq) — true of the
    store, whose ``seq`` is unique, but not of any table (older stores have ``seq`` 0).
    """
    base = events.select(
        "customer_id",
        "seq",
        "event_id",
        ts=epoch_us(events.ts),
        code=_code(events, spec),
        **_entry_columns(events, spec),
    )
    f = base.filter(base.code != 0)
    if fast:
        return f.mutate(key=order_key(f.ts, f.seq))
    return f.mutate(key=ibis.struct({"ts": f.ts, "seq": f.seq, "id": f.event_id}))


def _reach_ordered(events: ibis.Table, spec: FunnelSpec, *, fast: bool) -> ibis.Table:
    """Ordered and any-order modes: group-bys and joins, no sort.

    Events that match no step are dropped first. "The earliest event" is the one with the
    smallest ``key`` (see :func:`_matching`), which also names the chosen event so that no
    later step takes it again; its time is the smallest ``ts`` (the key starts with it).
    Step *i* joins the customers at step *i - 1* with the events of step *i* and keeps
    each customer's earliest candidate: one join and one group-by per step over the
    matching events only.
    """
    k = len(spec.steps)
    f = _matching(events, spec, fast=fast)
    first = f.filter(_has(f.code, 0))
    aggs: dict[str, ir.Value] = {"k1": first.key.min(), "t1": first.ts.min()}
    if "group" in first.columns:
        aggs["group"] = first.group.argmin(first.key)
    entry = first.group_by(cid=first.customer_id).aggregate(**aggs)
    state = entry.select("cid", "t1", "k1", lo="t1")
    found = []
    for i in range(2, k + 1):
        ev = f.filter(_has(f.code, i - 1)).select(xc="customer_id", xts="ts", xk="key")
        on = [state.cid == ev.xc, ev.xts >= state.lo, _within(ev.xts, state.t1, spec)]
        on += [ev.xk != state[f"k{m}"] for m in range(1, i)]  # one event, one step
        j = state.join(ev, on)
        carried = [c for c in state.columns if c not in ("cid", "lo")]
        pick = {f"k{i}": j.xk.min(), f"t{i}": j.xts.min()}
        got = j.group_by("cid").aggregate(**pick, **{c: j[c].arbitrary() for c in carried})
        state = got.mutate(lo=got[f"t{i}"] if spec.mode == "ordered" else got.t1)
        found.append(state.select(**{f"c{i}": "cid", f"k{i}": f"k{i}", f"t{i}": f"t{i}"}))
    table = entry
    for i, got in enumerate(found, start=2):
        table = table.left_join(got, table.cid == got[f"c{i}"]).drop(f"c{i}")
    reached: ir.IntegerValue = ibis.literal(1, type="int64")
    for i in range(2, k + 1):
        reached = reached + table[f"t{i}"].notnull().cast("int64")
    table = table.rename(customer_id="cid").mutate(
        reached=reached,
        **{f"ms_{i}": (table[f"t{i}"] - table.t1) // 1000 for i in range(2, k + 1)},
    )
    if spec.exclusions:
        ex = f.filter(_has(f.code, k)).select(xc="customer_id", xts="ts", xk="key")
        chosen = [table[f"k{i}"].isnull() | (ex.xk != table[f"k{i}"]) for i in range(1, k + 1)]
        table = _drop_excluded(table, ex, spec, ibis.and_(*chosen), flag=fast)
    return table


def _reach_strict(events: ibis.Table, spec: FunnelSpec) -> ibis.Table:
    """Strict mode: number every event of a customer once (one sort), then one join.

    ``pos`` is the event's place in its customer's (ts, seq, event_id) order; the entry
    is the smallest ``pos`` among step-1 events, and step *i* must be the event at
    ``pos`` = entry + *i* − 1. A join on the customer and that ``pos`` range is cheaper
    than k − 1 ``lead`` windows on both engines.
    """
    k = len(spec.steps)
    base = events.select(
        "customer_id",
        "seq",
        "event_id",
        ts=epoch_us(events.ts),
        code=_code(events, spec),
        **_entry_columns(events, spec),
    )
    w = ibis.window(group_by=base.customer_id, order_by=[base.ts, base.seq, base.event_id])
    f = base.mutate(pos=ibis.row_number().over(w))
    first = f.filter(_has(f.code, 0))
    aggs: dict[str, ir.Value] = {"p1": first.pos.min(), "t1": first.ts.min()}
    if "group" in first.columns:
        aggs["group"] = first.group.argmin(first.pos)
    table = first.group_by(cid=first.customer_id).aggregate(**aggs)
    if k > 1:
        nxt = f.select(xc="customer_id", xp="pos", xts="ts", xcode="code")
        on = [table.cid == nxt.xc, nxt.xp > table.p1, nxt.xp < table.p1 + k]
        j = table.left_join(nxt, on)
        at = {i: j.xp == j.p1 + (i - 1) for i in range(2, k + 1)}
        table = j.group_by("cid").aggregate(
            **{c: j[c].arbitrary() for c in table.columns if c != "cid"},
            **{f"c{i}": j.xcode.max(where=at[i]) for i in range(2, k + 1)},
            **{f"t{i}": j.xts.max(where=at[i]) for i in range(2, k + 1)},
        )
    ok: ir.BooleanValue = ibis.literal(True)
    reached: ir.IntegerValue = ibis.literal(1, type="int64")
    timed: dict[str, ir.Value] = {}
    for i in range(2, k + 1):
        step_ok = _has(table[f"c{i}"], i - 1) & _within(table[f"t{i}"], table.t1, spec)
        ok = ok & step_ok.fill_null(False)
        reached = reached + ok.cast("int64")
        timed[f"ms_{i}"] = ibis.ifelse(ok, (table[f"t{i}"] - table.t1) // 1000, ibis.null("int64"))
    table = table.rename(customer_id="cid").mutate(reached=reached, **timed)
    if spec.exclusions:
        ex = f.filter(_has(f.code, k)).select(xc="customer_id", xpos="pos", xts="ts")
        chosen = (ex.xpos < table.p1) | (ex.xpos >= table.p1 + table.reached)
        table = _drop_excluded(table, ex, spec, chosen)
    return table


def _drop_excluded(
    table: ibis.Table,
    ex: ibis.Table,
    spec: FunnelSpec,
    not_a_step: ir.BooleanValue,
    *,
    flag: bool = False,
) -> ibis.Table:
    """Drop customers with an exclusion event from entry to conversion (or the window's end).

    One left join and one group-by, so the reach table is read once (Spark would
    compute it twice for a join plus an anti-join). With ``flag`` they stay, marked
    ``excluded``, with their step keys (for :func:`_tied`).
    """
    k = len(spec.steps)
    converted = table.reached == k
    last = table[f"t{k}"] if k > 1 else table.t1
    after = ex.xts >= table.t1
    if spec.window is None:
        before = ibis.ifelse(converted, ex.xts <= last, True)
    else:
        before = ibis.ifelse(converted, ex.xts <= last, _within(ex.xts, table.t1, spec))
    j = table.left_join(ex, [table.customer_id == ex.xc, after, before, not_a_step])
    carried = ["group", "reached", *(f"ms_{i}" for i in range(2, k + 1))]
    if flag:
        carried += [f"k{i}" for i in range(1, k + 1)]
    keep = [c for c in carried if c in table.columns]
    kept = j.group_by("customer_id").aggregate(
        hits=j.xc.count(), **{c: j[c].arbitrary() for c in keep}
    )
    if flag:
        return kept.mutate(excluded=kept.hits > 0).drop("hits")
    return kept.filter(kept.hits == 0).drop("hits")


def _tied(events: ibis.Table, spec: FunnelSpec, table: ibis.Table) -> bool:
    """Whether another matching event shares (ts, seq) with an event the fast pass chose.

    Only then can (ts, seq) alone pick or skip a different event than the full order
    (ts, seq, event_id) would: each step takes the smallest key, so a tie at the
    smallest one, or an event mistaken for a chosen one, leaves a second event with a
    chosen key. The keys are compared without the customer (a quarter cheaper): an
    event of another customer with the same (ts, seq) also counts, which can only send
    the funnel to the exact order needlessly — never when ``seq`` is unique.
    """
    k = len(spec.steps)
    f = _matching(events, spec, fast=True).select(xk="key")
    parts = [table.select(ck=table[f"k{i}"]) for i in range(1, k + 1)]
    chosen = ibis.union(*parts, distinct=False)
    chosen = chosen.filter(chosen.ck.notnull())
    hits = f.join(chosen, f.xk == chosen.ck).count()
    return int(hits.execute()) != int(chosen.count().execute())


# --- aggregates and the result ------------------------------------------------------------


def step_counts(table: ibis.Table, k: int) -> ibis.Table:
    """Customers reaching each step (``n1`` … ``nk``), per ``group`` when there is one."""
    counts = {f"n{i}": table.customer_id.count(where=table.reached >= i) for i in range(1, k + 1)}
    if "group" in table.columns:
        return table.group_by("group").aggregate(**counts)
    return table.aggregate(**counts)


def conversion_times(table: ibis.Table, k: int) -> ibis.Table:
    """One row: median and p90 seconds from step 1 to each step 2 … k.

    Quantiles are exact and interpolated (DuckDB ``quantile_cont``, Spark ``percentile``):
    the same numbers on both engines.
    """
    aggs: dict[str, ir.Value] = {}
    for i in range(2, k + 1):
        secs = table[f"ms_{i}"].cast("float64") / 1000.0
        aggs[f"median_{i}"] = secs.quantile(0.5)
        aggs[f"p90_{i}"] = secs.quantile(0.9)
    if not aggs:
        return table.aggregate(n=table.count())
    return table.aggregate(**aggs)


def time_bins(table: ibis.Table, k: int) -> ibis.Table:
    """Customers per combination of time bins: ``b2`` … ``bk`` (-1 = step not reached), ``n``.

    One small group-by instead of a filtered count per step and bin (five times faster
    on DuckDB); the histogram of step *i* is the sum of ``n`` by ``b{i}``.
    """
    bins: dict[str, ir.Value] = {}
    for i in range(2, k + 1):
        ms = table[f"ms_{i}"]
        above = [(ms >= edge * 1000).cast("int32") for edge in BIN_EDGES[1:]]
        bins[f"b{i}"] = ibis.ifelse(ms.isnull(), -1, sum(above, ibis.literal(0, type="int32")))
    binned = table.select(**bins)
    return binned.group_by(list(bins)).aggregate(n=binned.count())


@dataclass(frozen=True)
class FunnelResult:
    """Tidy tables of one funnel.

    ``steps``: one row per step — ``step``, ``key``, ``label``, ``customers`` (reaching
    it), ``conversion_from_previous``, ``conversion_from_first``, ``drop_off`` (customers
    of the previous step who did not reach this one), ``drop_off_rate``, ``median_seconds``
    and ``p90_seconds`` (time from step 1). ``breakdown``: the same per ``group`` (None
    without ``by``). ``histogram``: customers per time-to-convert bin for steps 2 … k.
    """

    steps: pd.DataFrame
    histogram: pd.DataFrame
    breakdown: pd.DataFrame | None = None
    mode: Mode = "ordered"
    window: timedelta | None = None
    by: Breakdown | None = None

    def figure(self, *, top: int = 6) -> go.Figure:
        """The funnel chart (one trace per breakdown group, the biggest ``top`` groups)."""
        from touchpath.charts.funnels import funnel_figure

        return funnel_figure(self.steps, self.breakdown, top=top)

    def time_figure(self) -> go.Figure:
        """Histogram of the time from step 1 to each later step."""
        from touchpath.charts.funnels import time_to_convert_figure

        return time_to_convert_figure(self.histogram)

    def to_json(self) -> dict[str, Any]:
        """The document ``touchpath funnel --json`` prints (docs/analytics/funnels.md)."""
        return {
            "mode": self.mode,
            "window_seconds": None if self.window is None else self.window.total_seconds(),
            "by": self.by,
            "steps": _records(self.steps),
            "breakdown": None if self.breakdown is None else _records(self.breakdown),
            "time_to_convert": _records(self.histogram),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    return [dict(zip(clean.columns, row, strict=True)) for row in clean.itertuples(index=False)]


def store_customers(events: ibis.Table) -> ibis.Table:
    """The store's customers table (for segments), on the events' own engine."""
    try:
        return events.get_backend().table("customers")
    except Exception as exc:  # each engine names a missing table its own way
        raise FunnelError(
            _("the segment breakdown needs the customers table: {error}").format(
                error=str(exc).splitlines()[0]
            )
        ) from None


def funnel(
    events: ibis.Table,
    steps: Sequence[StepLike] | None = None,
    *,
    mode: str = "ordered",
    window: timedelta | str | None = None,
    exclusions: Sequence[StepLike] = (),
    by: str | None = None,
    catalogue: Catalogue | StageMap | None = None,
    customers: ibis.Table | None = None,
) -> FunnelResult:
    """Count customers through ``steps`` on the events' engine; see the module docstring.

    >>> result = funnel(events, ["context_ad", "product_page", "order_form"],
    ...                 window="30d", catalogue=catalogue)  # doctest: +SKIP
    >>> result.steps[["label", "customers", "conversion_from_first"]]  # doctest: +SKIP
    """
    spec = plan_funnel(
        steps, mode=mode, window=window, exclusions=exclusions, by=by, catalogue=catalogue
    )
    k = len(spec.steps)
    if spec.by == "segment" and customers is None:
        customers = store_customers(events)
    results = None
    if spec.mode != "strict":  # (ts, seq) as one number, unless two events share it
        with _reach(events, spec, customers, fast=True).cache() as table:
            if not _tied(events, spec, table):
                kept = table.filter(~table.excluded) if spec.exclusions else table
                results = _aggregates(kept, k)
    if results is None:
        with reach(events, spec, customers=customers).cache() as table:
            results = _aggregates(table, k)
    counts, times, bins = results
    totals = [int(counts[f"n{i}"].sum()) for i in range(1, k + 1)]
    grouped = counts if spec.by is not None else None
    steps_frame = _step_frame(spec, totals)
    steps_frame["median_seconds"] = [None] + [_num(times, f"median_{i}") for i in range(2, k + 1)]
    steps_frame["p90_seconds"] = [None] + [_num(times, f"p90_{i}") for i in range(2, k + 1)]
    steps_frame[["median_seconds", "p90_seconds"]] = steps_frame[
        ["median_seconds", "p90_seconds"]
    ].astype("float64")
    breakdown = None
    if grouped is not None:
        breakdown = _breakdown_frame(spec, grouped)
    return FunnelResult(
        steps=steps_frame,
        histogram=_histogram_frame(spec, bins),
        breakdown=breakdown,
        mode=spec.mode,
        window=spec.window,
        by=spec.by,
    )


def _aggregates(table: ibis.Table, k: int) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame | None]:
    """The three small queries over the per-customer table: counts, times, time bins."""
    counts = step_counts(table, k).execute()
    times = conversion_times(table, k).execute().iloc[0]
    bins = time_bins(table, k).execute() if k > 1 else None
    return counts, times, bins


def _num(row: pd.Series, name: str) -> float | None:
    value = row.get(name)
    return None if value is None or pd.isna(value) else float(value)


def _step_frame(spec: FunnelSpec, counts: Sequence[int]) -> pd.DataFrame:
    rows = []
    first = counts[0]
    for i, (step, n) in enumerate(zip(spec.steps, counts, strict=True)):
        prev = counts[i - 1] if i else n
        dropped = prev - n
        rows.append(
            {
                "step": i + 1,
                "key": step.key,
                "label": step.label,
                "customers": n,
                "conversion_from_previous": n / prev if prev else float("nan"),
                "conversion_from_first": n / first if first else float("nan"),
                "drop_off": dropped,
                "drop_off_rate": dropped / prev if prev else float("nan"),
            }
        )
    return pd.DataFrame(rows).astype({"step": "int64", "customers": "int64", "drop_off": "int64"})


def _breakdown_frame(spec: FunnelSpec, grouped: pd.DataFrame) -> pd.DataFrame:
    k = len(spec.steps)
    grouped = grouped.assign(_missing=grouped["group"].isna())
    if spec.by == "cohort":  # months read best in time order
        grouped = grouped.sort_values(["_missing", "group"])
    else:
        grouped = grouped.sort_values(["n1", "_missing", "group"], ascending=[False, True, True])
    parts = []
    for _i, row in grouped.iterrows():
        part = _step_frame(spec, [int(row[f"n{i}"]) for i in range(1, k + 1)])
        part.insert(0, "group", None if pd.isna(row["group"]) else str(row["group"]))
        parts.append(part)
    if not parts:
        empty = _step_frame(spec, [0] * k).iloc[0:0]
        empty.insert(0, "group", pd.Series(dtype=object))
        return empty
    return pd.concat(parts, ignore_index=True)


def bin_labels() -> list[str]:
    """Human labels of :data:`BIN_EDGES` in the reader's language."""
    return [
        _("under 1 min"),
        _("{a}–{b} min").format(a=1, b=10),
        _("{a}–{b} min").format(a=10, b=60),
        _("{a}–{b} h").format(a=1, b=6),
        _("{a}–{b} h").format(a=6, b=24),
        _("{a}–{b} days").format(a=1, b=3),
        _("{a}–{b} days").format(a=3, b=7),
        _("{a}–{b} days").format(a=7, b=14),
        _("{a}–{b} days").format(a=14, b=30),
        _("{a}–{b} days").format(a=30, b=90),
        _("{n} days and more").format(n=90),
    ]


def _histogram_frame(spec: FunnelSpec, bins: pd.DataFrame | None) -> pd.DataFrame:
    labels = bin_labels()
    rows = []
    for i in range(2, len(spec.steps) + 1):
        assert bins is not None
        per_bin = bins.groupby(f"b{i}")["n"].sum()
        for b, lower in enumerate(BIN_EDGES):
            upper = BIN_EDGES[b + 1] if b + 1 < len(BIN_EDGES) else None
            rows.append(
                {
                    "step": i,
                    "label": spec.steps[i - 1].label,
                    "bin": b,
                    "bin_label": labels[b],
                    "lower_seconds": lower,
                    "upper_seconds": upper,
                    "customers": int(per_bin.get(b, 0)),
                }
            )
    columns = ["step", "label", "bin", "bin_label", "lower_seconds", "upper_seconds", "customers"]
    return pd.DataFrame(rows, columns=columns)
