"""Conformance: do customers follow the chains the business designed?

A chain (:class:`touchpath.model.Chain`) is an ordered list of touchpoints. For each
chain, definitions:

- **path**: a customer's events that have a touchpoint (events without one are skipped,
  as in the journey map), in journey order — ``ts``, then ``seq``, then ``event_id`` —
  with consecutive repeats collapsed (``a a b`` → ``a b``: looking twice at a page is
  not leaving the chain);
- **entered**: the customers who touched the chain's first touchpoint at least once; their
  path is read from their first touch of it (what came before is not about this chain);
- **reached step j (in order)**: steps 1..j of the chain occur in the path in that order,
  other touches allowed between them (a subsequence, matched greedily: each step at its
  first occurrence after the previous one). **Followed** = reached the last step;
- **left after step j**: reached step j in order, but not step j+1 — the path ends
  without it (each entrant either follows the chain or leaves after exactly one step);
- **exact**: the path from the first touch *is* the chain, step after step, nothing between;
- **first deviation**: where the path first departs from the chain step by step — at step
  j the customer touched something other than step j right after step j-1. It is a
  **skip** when that touch is a later step of the chain (step j was jumped over) and a
  **replace** otherwise (``instead`` names what they used). A path that simply ends is
  not a deviation (it is counted in *left after*). A customer may deviate and still
  follow the chain in order later;
- **undesigned touchpoints**: touchpoints with events that no chain has as a step, with
  their customers and touches (over all events, not only entrants).

All of it runs in the engine, with no join: one window pass numbers the events and
collapses repeats; one ``GROUP BY customer`` turns each path into an array (sorted
position keys, as Spark has no ordered aggregation), kept in the engine for the length
of the call (``Table.cache``: a temporary table on DuckDB, a persisted frame on Spark).
Per chain, array functions on that one row per customer find each step's index after the
previous one (the in-order reach) and read the touches right after the first touch (the
first deviation); one ``GROUP BY (reached, first deviation, instead)`` brings back a few
rows per chain. The tables below are shaped from those rows in pandas.

>>> import ibis
>>> from touchpath.demo.generate import generate
>>> data = generate("shop", customers=100, seed=1)
>>> events = ibis.duckdb.connect().create_table("events", data.events)
>>> result = conformance(events, data.catalogue)
>>> result.chains.columns.tolist()[:4]
['chain', 'name', 'steps', 'entered']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from touchpath.analytics.journey import ordered_window
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.model import Catalogue, Chain

if TYPE_CHECKING:
    import plotly.graph_objects as go  # type: ignore[import-untyped, unused-ignore]

SKIP = "skip"
REPLACE = "replace"

CHAIN_COLUMNS = [
    "chain", "name", "steps", "entered", "followed", "followed_share", "exact", "exact_share",
]  # fmt: skip
STEP_COLUMNS = [
    "chain", "step", "touchpoint", "reached", "reached_share", "left_here", "deviated",
    "skipped", "replaced",
]  # fmt: skip
DEVIATION_COLUMNS = ["chain", "step", "expected", "kind", "instead", "customers"]
UNDESIGNED_COLUMNS = ["touchpoint", "customers", "touches"]

_WIDTH = 12  # digits of a position in a sort key
_SEP = "\x1f"  # joins a path's steps in the engine; never part of a touchpoint id


def collapsed_path(events: ibis.Table) -> ibis.Table:
    """Mapped events in journey order with repeats collapsed: customer_id, tp, pos."""
    mapped = events.filter(events.touchpoint.notnull())
    w = ordered_window(mapped)
    numbered = mapped.select(
        "customer_id",
        tp=mapped.touchpoint,
        prev=mapped.touchpoint.lag().over(w),
        pos=ibis.row_number().over(w),
    )
    kept = numbered.filter(numbered.prev.isnull() | (numbered.tp != numbered.prev))
    return kept.select("customer_id", "tp", "pos")


def customer_paths(events: ibis.Table) -> ibis.Table:
    """One row per customer: ``tokens``, their collapsed path as an array in order.

    The steps are collected as ``"000000000042:tp"`` keys and sorted (Spark refuses
    ordered aggregation; sorting fixed-width keys gives the same order), joined with a
    separator no touchpoint id contains, stripped of the position prefixes and split.
    """
    path = collapsed_path(events)
    key = path.pos.cast("string").lpad(_WIDTH, "0").concat(":", path.tp)
    per = path.group_by("customer_id").aggregate(keys=key.collect())
    joined = per["keys"].sort().join(_SEP)
    stripped = joined.substr(_WIDTH + 1).re_replace(f"{_SEP}[0-9]{{{_WIDTH}}}:", _SEP)
    return per.select("customer_id", tokens=stripped.split(_SEP))


def chain_outcomes(paths: ibis.Table, chain: Chain) -> ibis.Table:
    """Entrants of ``chain`` grouped by (reached, mismatch, instead), with customers.

    ``reached``: steps reached in order (1..k); ``mismatch``: the 1-based step of the
    first step-by-step departure (k+1 when the path is exactly the chain);
    ``instead``: the touch found there (null when the path ended). ``p{j}`` is the
    0-based index in ``tokens`` where step j was reached (-1: not reached).
    """
    steps = chain.steps
    k = len(steps)
    # indices are int32: Spark's element_at and slice take INT positions
    t = paths.mutate(p1=paths.tokens.index(steps[0]).cast("int32"))
    t = t.filter(t.p1 >= 0)
    for j in range(2, k + 1):
        before = t[f"p{j - 1}"]
        found = t.tokens[before + 1 :].index(steps[j - 1])
        at = ibis.ifelse((before >= 0) & (found >= 0), before + 1 + found, -1)
        t = t.mutate(**{f"p{j}": at.cast("int32")})
    reached = sum(
        ((t[f"p{j}"] >= 0).cast("int64") for j in range(2, k + 1)),
        ibis.literal(1, type="int64"),
    )
    # padded with k empty tokens so that every index below exists ("" = the path ended)
    padded = t.tokens.concat(ibis.literal([""] * k, type="array<string>"))
    ahead = [padded[t.p1 + i] for i in range(1, k)]
    departs = [((ahead[i - 1] != steps[i]), i) for i in range(1, k)]
    if departs:
        mismatch = ibis.cases(*[(cond, i + 1) for cond, i in departs], else_=k + 1)
        instead = ibis.cases(*[(cond, ahead[i - 1]) for cond, i in departs], else_="")
    else:
        mismatch = ibis.literal(k + 1, type="int64")
        instead = ibis.literal("", type="string")
    rows = t.select(
        reached=reached.cast("int64"),
        mismatch=mismatch.cast("int64"),
        instead=instead.cast("string").nullif(""),
    )
    out = rows.group_by(["reached", "mismatch", "instead"]).aggregate(customers=rows.count())
    return out.mutate(chain=ibis.literal(chain.id, type="string"))


def undesigned_table(events: ibis.Table, designed: Sequence[str]) -> ibis.Table:
    """Touchpoints with events that no chain designs: customers and touches."""
    used = events.filter(events.touchpoint.notnull())
    if designed:
        used = used.filter(~used.touchpoint.isin(list(designed)))
    return used.group_by("touchpoint").aggregate(
        customers=used.customer_id.nunique(), touches=used.count()
    )


@dataclass(frozen=True)
class Conformance:
    """Observed journeys against the designed chains (see the module docstring).

    ``chains``: one row per chain (entered, followed, exact and their shares).
    ``steps``: per chain step, customers who reached it in order, left after it, and
    first deviated at it (skipped + replaced). ``deviations``: first deviations by
    (step, kind, instead). ``undesigned``: touchpoints in use that no chain designs.
    """

    chains: pd.DataFrame
    steps: pd.DataFrame
    deviations: pd.DataFrame
    undesigned: pd.DataFrame

    def figure(self, *, labels: Mapping[str, str] | None = None) -> go.Figure:
        """Per chain, the share still on it at each step (see :mod:`touchpath.charts.journey`)."""
        from touchpath.charts.journey import chain_conformance

        names = dict(zip(self.chains["chain"], self.chains["name"], strict=True))
        return chain_conformance(self.steps, labels=labels, chain_names=names)


def pick_chains(catalogue: Catalogue, only: Sequence[str] | None = None) -> list[Chain]:
    """The catalogue's chains, or those named in ``only`` (unknown ids fail in one line)."""
    if not only:
        return list(catalogue.chains)
    by_id = {c.id: c for c in catalogue.chains}
    unknown = [c for c in only if c not in by_id]
    if unknown:
        raise TouchpathError(
            _("unknown chain {chain!r}; choose one of: {choices}").format(
                chain=unknown[0], choices=", ".join(by_id) or "—"
            )
        )
    return [by_id[c] for c in only]


def conformance(
    events: ibis.Table, catalogue: Catalogue, *, only: Sequence[str] | None = None
) -> Conformance:
    """Run conformance of ``events`` to the catalogue's chains (or the ``only`` ones)."""
    chains = pick_chains(catalogue, only)
    designed = sorted({step for c in catalogue.chains for step in c.steps})
    undesigned = undesigned_table(events, designed).to_pandas()
    raw = pd.DataFrame(columns=["chain", "reached", "mismatch", "instead", "customers"])
    if chains:
        # every chain reads the customers' paths: the engine keeps them for this call
        # (a temporary table on DuckDB, a persisted frame on Spark)
        with customer_paths(events).cache() as paths:
            parts = [chain_outcomes(paths, c) for c in chains]
            raw = ibis.union(*parts).to_pandas() if len(parts) > 1 else parts[0].to_pandas()
    return shape(chains, raw, undesigned)


def shape(chains: Sequence[Chain], raw: pd.DataFrame, undesigned: pd.DataFrame) -> Conformance:
    """Turn the engine's outcome rows into the four tables (pure pandas)."""
    chain_rows, step_rows, deviation_rows = [], [], []
    for chain in chains:
        k = len(chain.steps)
        rows = raw[raw["chain"] == chain.id]
        customers = rows["customers"].astype("int64")
        entered = int(customers.sum())
        reached_at = rows["reached"].astype("int64")
        mismatch = rows["mismatch"].astype("int64")
        followed = int(customers[reached_at == k].sum())
        exact = int(customers[mismatch == k + 1].sum())
        chain_rows.append(
            {
                "chain": chain.id,
                "name": chain.name,
                "steps": k,
                "entered": entered,
                "followed": followed,
                "followed_share": _share(followed, entered),
                "exact": exact,
                "exact_share": _share(exact, entered),
            }
        )
        for j, touchpoint in enumerate(chain.steps, start=1):
            here = rows[(mismatch == j) & rows["instead"].notna()]
            later = set(chain.steps[j:])
            kinds = here["instead"].map(lambda tp, later=later: SKIP if tp in later else REPLACE)
            for (kind, instead), group in here.groupby([kinds, here["instead"]]):
                deviation_rows.append(
                    {
                        "chain": chain.id,
                        "step": j,
                        "expected": touchpoint,
                        "kind": kind,
                        "instead": instead,
                        "customers": int(group["customers"].sum()),
                    }
                )
            reached = int(customers[reached_at >= j].sum())
            step_rows.append(
                {
                    "chain": chain.id,
                    "step": j,
                    "touchpoint": touchpoint,
                    "reached": reached,
                    "reached_share": _share(reached, entered),
                    "left_here": int(customers[reached_at == j].sum()) if j < k else 0,
                    "deviated": int(here["customers"].sum()),
                    "skipped": int(here["customers"][kinds == SKIP].sum()),
                    "replaced": int(here["customers"][kinds == REPLACE].sum()),
                }
            )
    deviations = pd.DataFrame(deviation_rows, columns=DEVIATION_COLUMNS)
    order = {c.id: i for i, c in enumerate(chains)}
    deviations = deviations.sort_values(
        ["chain", "step", "customers", "instead"],
        ascending=[True, True, False, True],
        key=lambda s: s.map(order) if s.name == "chain" else s,
    ).reset_index(drop=True)
    return Conformance(
        chains=pd.DataFrame(chain_rows, columns=CHAIN_COLUMNS),
        steps=pd.DataFrame(step_rows, columns=STEP_COLUMNS),
        deviations=deviations,
        undesigned=_undesigned(undesigned),
    )


def _undesigned(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "touchpoint": frame["touchpoint"].astype(str),
            "customers": frame["customers"].astype("int64"),
            "touches": frame["touches"].astype("int64"),
        },
        columns=UNDESIGNED_COLUMNS,
    )
    return out.sort_values(["customers", "touchpoint"], ascending=[False, True]).reset_index(
        drop=True
    )


def _share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")
