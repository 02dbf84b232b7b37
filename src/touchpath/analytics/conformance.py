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

All of it runs in the engine: one window pass numbers the path and collapses repeats,
a second gives the next touches after each event (``lead``); per chain, the in-order reach
is a chain of left joins like an ordered funnel (each step: the first occurrence after the
previous step), and one ``GROUP BY (reached, first deviation, instead)`` brings back a few
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


def with_next(path: ibis.Table, n: int) -> ibis.Table:
    """``path`` plus ``next_1`` .. ``next_n``: the touches that follow each one."""
    if n < 1:
        return path
    w = ibis.window(group_by=path.customer_id, order_by=path.pos)
    return path.mutate(**{f"next_{i}": path.tp.lead(i).over(w) for i in range(1, n + 1)})


def chain_outcomes(path: ibis.Table, ahead: ibis.Table, chain: Chain) -> ibis.Table:
    """Entrants of ``chain`` grouped by (reached, mismatch, instead), with customers.

    ``reached``: steps reached in order (1..k); ``mismatch``: the 1-based step of the
    first step-by-step departure (k+1 when the path is exactly the chain);
    ``instead``: the touch found there (null when the path ended).
    """
    steps = chain.steps
    k = len(steps)
    first = path.filter(path.tp == steps[0])
    reach = first.group_by("customer_id").aggregate(p1=first.pos.min())
    for j in range(2, k + 1):
        hits = path.filter(path.tp == steps[j - 1])
        hits = hits.select(hit_customer=hits.customer_id, hit_pos=hits.pos)
        prev = [f"p{i}" for i in range(1, j)]
        joined = reach.left_join(
            hits,
            [reach.customer_id == hits.hit_customer, hits.hit_pos > reach[f"p{j - 1}"]],
        )
        reach = joined.group_by(["customer_id", *prev]).aggregate(**{f"p{j}": joined.hit_pos.min()})
    reached = sum(
        (reach[f"p{i}"].notnull().cast("int64") for i in range(2, k + 1)),
        ibis.literal(1, type="int64"),
    )
    anchor = ahead.select(
        anchor_customer=ahead.customer_id,
        anchor_pos=ahead.pos,
        **{f"next_{i}": ahead[f"next_{i}"] for i in range(1, k)},
    )
    both = reach.join(
        anchor,
        [reach.customer_id == anchor.anchor_customer, reach.p1 == anchor.anchor_pos],
    )
    departs = [
        (both[f"next_{i}"].isnull() | (both[f"next_{i}"] != steps[i]), i) for i in range(1, k)
    ]
    if departs:
        mismatch = ibis.cases(*[(cond, i + 1) for cond, i in departs], else_=k + 1)
        instead = ibis.cases(
            *[(cond, both[f"next_{i}"]) for cond, i in departs],
            else_=ibis.null("string"),
        )
    else:
        mismatch = ibis.literal(k + 1, type="int64")
        instead = ibis.null("string")
    rows = both.select(
        reached=reached.cast("int64"),
        mismatch=mismatch.cast("int64"),
        instead=instead.cast("string"),
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
        path = collapsed_path(events)
        ahead = with_next(path, max(len(c.steps) for c in chains) - 1)
        parts = [chain_outcomes(path, ahead, c) for c in chains]
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
