"""The designed chains plus behaviour, compiled into one sparse Markov transition table.

A touchpoint alone is not a good Markov state: whether a customer at the site moves on to
the chat or to the reception depends on the chain they follow and how far they got. So a
state is (entry track, chain, position) — plus one state per off-chain detour and per
return touch taken from a position. That is a few hundred states, each with at most a
dozen exits, stored as padded arrays so that one numpy gather samples the next state for
every customer at once (see :mod:`touchpath.demo.simulate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from touchpath.demo.spec import DIRECT, Behaviour, Detour, Gap, Source
from touchpath.model import Catalogue, Chain, ChannelGroup, Role, Status

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

INHERIT = -1
"""Source group of an edge whose touch stays in the ongoing session."""

_MIN_MOVE = 0.02

StateKey = tuple[Literal["main", "detour", "return"], int, str, int, int]
"""(kind, track, chain, position, detour or return index)."""


@dataclass(frozen=True)
class _Edge:
    to: StateKey | None  # None: the customer leaves
    prob: float
    gap: Gap
    group: int


@dataclass(frozen=True)
class StateSpace:
    """Padded transition arrays and per-state facts the walk and the tables need.

    ``target[s, k]`` is the k-th exit of state ``s`` (``exit_state`` when the customer
    leaves), taken with cumulative probability ``cum[s, k]``; ``gap_mu``/``gap_sigma`` are
    the log-normal wait of that move and ``group[s, k]`` the source group its touch draws
    its channel from (:data:`INHERIT` keeps the session's).
    """

    touchpoints: tuple[str, ...]
    events: tuple[str, ...]
    sources: tuple[Source, ...]
    pages: tuple[str, ...]
    state_touchpoint: IntArray
    state_event: IntArray
    state_conversion: BoolArray
    state_value: FloatArray  # (S, 4): log median, sigma, round_to, ending
    state_hours: IntArray  # (S, 2) local opening hours in seconds; -1 when always open
    state_pages: IntArray  # (S, 2): first page index, count; count 0 = no page
    state_attributes: BoolArray
    target: IntArray
    cum: FloatArray
    gap_mu: FloatArray
    gap_sigma: FloatArray
    group: IntArray
    group_cum: FloatArray
    group_source: IntArray
    entry_state: IntArray
    entry_share: FloatArray
    entry_group: IntArray
    direct_source: int
    offline_source: BoolArray
    keys: tuple[StateKey, ...]

    @property
    def exit_state(self) -> int:
        return len(self.keys)


def active_ids(catalogue: Catalogue) -> set[str]:
    return {t.id for t in catalogue.touchpoints if t.status is Status.ACTIVE}


def check(behaviour: Behaviour, catalogue: Catalogue) -> None:
    """Fail early, naming the id, if the behaviour uses a touchpoint or chain the catalogue
    lacks or has not made active: demo events must only ever touch active touchpoints."""
    active = active_ids(catalogue)
    chains = {c.id for c in catalogue.chains}
    used = set(behaviour.steps)
    used |= {d.touchpoint for d in behaviour.detours_before + behaviour.detours_after}
    used |= {r.touchpoint for r in behaviour.returns if r.touchpoint is not None}
    used |= {e.touchpoint for e in behaviour.entries}
    for step in behaviour.steps.values():
        used |= {d.touchpoint for d in step.detours or ()}
    for chain in catalogue.chains:
        used |= set(chain.steps)
    for tp in sorted(used):
        if tp not in active:
            raise ValueError(f"demo behaviour uses touchpoint {tp!r}, not active in catalogue")
        if tp not in behaviour.steps:
            raise ValueError(f"demo behaviour has no step for touchpoint {tp!r}")
    for entry in behaviour.entries:
        if entry.chain not in chains:
            raise ValueError(f"demo entry names unknown chain {entry.chain!r}")


class _Builder:
    def __init__(self, behaviour: Behaviour, catalogue: Catalogue) -> None:
        self.b = behaviour
        self.chains: dict[str, Chain] = {c.id: c for c in catalogue.chains}
        self.roles = {t.id: t.role for t in catalogue.touchpoints}
        self.keys: dict[StateKey, int] = {}
        self.todo: list[StateKey] = []
        self.edges: list[list[_Edge]] = []
        self.sources: dict[Source, int] = {}
        self.groups: dict[tuple[Source, ...], int] = {}
        self.direct = self._source(DIRECT)

    def _source(self, source: Source) -> int:
        plain = Source(source.channel, source.source, source.medium, source.campaign)
        return self.sources.setdefault(plain, len(self.sources))

    def group(self, sources: tuple[Source, ...]) -> int:
        if not sources:
            return INHERIT
        for s in sources:
            self._source(s)
        return self.groups.setdefault(sources, len(self.groups))

    def state(self, key: StateKey) -> int:
        if key not in self.keys:
            self.keys[key] = len(self.keys)
            self.todo.append(key)
        return self.keys[key]

    def touchpoint(self, key: StateKey) -> str:
        kind, track, chain_id, pos, extra = key
        if kind == "detour":
            return self._detour_pool(track, chain_id, pos)[extra].touchpoint
        if kind == "return":
            tp = self.b.returns[extra].touchpoint
            assert tp is not None
            return tp
        entry = self.b.entries[track]
        if chain_id == entry.chain and pos == 0:
            return entry.touchpoint
        return self.chains[chain_id].steps[pos]

    def _capture_pos(self, chain_id: str) -> int:
        steps = self.chains[chain_id].steps
        for i, tp in enumerate(steps):
            if self.roles[tp] is Role.CAPTURE:
                return i
        return len(steps)

    def _detour_pool(self, track: int, chain_id: str, pos: int) -> list[Detour]:
        own = self.b.steps[self.touchpoint(("main", track, chain_id, pos, 0))].detours
        pool = own
        if pool is None:
            before = pos < self._capture_pos(chain_id)
            pool = self.b.detours_before if before else self.b.detours_after
        on_chain = set(self.chains[chain_id].steps) | {self.b.entries[track].touchpoint}
        return [d for d in pool if d.touchpoint not in on_chain]

    def _main_edge(self, track: int, chain_id: str, pos: int, prob: float) -> list[_Edge]:
        """Move on to ``pos``, jumping over it with its ``optional`` probability."""
        steps = self.chains[chain_id].steps
        key: StateKey = ("main", track, chain_id, pos, 0)
        step = self.b.steps[self.touchpoint(key)]
        edges = []
        if step.optional and pos + 1 < len(steps):
            after: StateKey = ("main", track, chain_id, pos + 1, 0)
            nstep = self.b.steps[self.touchpoint(after)]
            edges.append(_Edge(after, prob * step.optional, nstep.gap, self.group(nstep.sources)))
            prob *= 1 - step.optional
        edges.append(_Edge(key, prob, step.gap, self.group(step.sources)))
        return edges

    def expand(self, key: StateKey) -> list[_Edge]:
        kind, track, chain_id, pos, extra = key
        steps = self.chains[chain_id].steps
        entry = self.b.entries[track]
        factor = 1.0
        if pos < self._capture_pos(chain_id):
            loyal = self.b.loyal_drop_factor
            factor = entry.drop_factor if chain_id == entry.chain else loyal
        here: StateKey = ("main", track, chain_id, pos, 0)
        if kind == "detour":
            back, nxt, drop = self.b.after_detour
            if pos >= self._capture_pos(chain_id):
                # After the purchase nobody walks back into the same visit: move on.
                back, nxt = 0.0, back + nxt
            drop = min(drop * factor, 0.9)
            edges = [_Edge(None, drop, Gap(1.0), INHERIT)]
            step = self.b.steps[self.touchpoint(here)]
            if back:
                group = self.group(step.sources)
                edges.append(_Edge(here, back, self.b.detour_return_gap, group))
            if pos + 1 < len(steps):
                edges += self._main_edge(track, chain_id, pos + 1, nxt)
            else:
                edges.append(_Edge(None, nxt, Gap(1.0), INHERIT))
            return edges
        if kind == "return":
            ret = self.b.returns[extra]
            bounce = min(ret.bounce * factor, 0.9)
            resume = max(pos + self.b.steps[self.touchpoint(here)].resume, 0)
            land = self._main_edge(track, chain_id, resume, 1 - bounce)
            return [_Edge(None, bounce, Gap(1.0), INHERIT), *land]
        tp = self.touchpoint(key)
        step = self.b.steps[tp]
        edges = []
        if step.repeat:
            # A repeated touch with its own sources (another status SMS) draws them again.
            edges.append(_Edge(key, step.repeat, step.repeat_gap, self.group(step.sources)))
        rest = 1.0 - step.repeat
        if pos == len(steps) - 1:
            chain = self.chains[chain_id]
            p_next = self.b.repeat.get(chain_id, 0.0) if chain.next_chain else 0.0
            if chain.next_chain and p_next > 0:
                nchain = self.chains[chain.next_chain]
                start = 1 if nchain.steps[0] == tp and len(nchain.steps) > 1 else 0
                for e in self._main_edge(track, nchain.id, start, rest * p_next):
                    edges.append(_Edge(e.to, e.prob, self.b.restart_gap, e.group))
            edges.append(_Edge(None, rest * (1 - p_next), Gap(1.0), INHERIT))
            return edges
        drop = min(step.drop * factor, 0.95)
        back = step.back if pos > 0 else 0.0
        pool = self._detour_pool(track, chain_id, pos)
        detour = step.detour if pool else 0.0
        pause = step.pause
        others = pause + back + detour
        if drop + others > 1 - _MIN_MOVE:
            scale = max(1 - _MIN_MOVE - drop, 0.0) / others
            pause, back, detour = pause * scale, back * scale, detour * scale
        move = 1.0 - drop - pause - back - detour
        edges.append(_Edge(None, rest * drop, Gap(1.0), INHERIT))
        edges += self._main_edge(track, chain_id, pos + 1, rest * move)
        if back:
            prev: StateKey = ("main", track, chain_id, pos - 1, 0)
            prev_step = self.b.steps[self.touchpoint(prev)]
            group = self.group(prev_step.sources)
            edges.append(_Edge(prev, rest * back, prev_step.repeat_gap, group))
        total = sum(d.weight for d in pool)
        for i, d in enumerate(pool if detour else ()):
            dstep = self.b.steps[d.touchpoint]
            dkey: StateKey = ("detour", track, chain_id, pos, i)
            share = rest * detour * d.weight / total
            edges.append(_Edge(dkey, share, d.gap, self.group(dstep.sources)))
        rtotal = sum(r.weight for r in self.b.returns)
        for i, r in enumerate(self.b.returns if pause else ()):
            share = rest * pause * r.weight / rtotal
            group = self.group((r.source,))
            if r.touchpoint is None:
                resume = max(pos + step.resume, 0)
                for e in self._main_edge(track, chain_id, resume, share):
                    edges.append(_Edge(e.to, e.prob, r.gap, group))
            else:
                edges.append(_Edge(("return", track, chain_id, pos, i), share, r.gap, group))
        return edges


def build(behaviour: Behaviour, catalogue: Catalogue) -> StateSpace:
    """Compile ``behaviour`` over ``catalogue`` into padded transition arrays."""
    check(behaviour, catalogue)
    bld = _Builder(behaviour, catalogue)
    entry_state = []
    entry_group = []
    for t, entry in enumerate(behaviour.entries):
        entry_state.append(bld.state(("main", t, entry.chain, 0, 0)))
        entry_group.append(bld.group(behaviour.steps[entry.touchpoint].sources))
    while bld.todo:
        key = bld.todo.pop(0)
        edges = [e for e in bld.expand(key) if e.prob > 0]
        for e in edges:
            if e.to is not None:
                bld.state(e.to)
        bld.edges.append(edges)
    keys = tuple(bld.keys)
    n = len(keys)
    width = max(len(e) for e in bld.edges)
    target = np.full((n, width), n, dtype=np.int64)
    cum = np.ones((n, width))
    gap_mu = np.zeros((n, width))
    gap_sigma = np.zeros((n, width))
    group = np.full((n, width), INHERIT, dtype=np.int64)
    for s, key in enumerate(keys):
        edges = bld.edges[bld.keys[key]]
        total = sum(e.prob for e in edges)
        acc = 0.0
        for k, e in enumerate(edges):
            acc += e.prob / total
            target[s, k] = n if e.to is None else bld.keys[e.to]
            cum[s, k] = acc
            gap_mu[s, k] = math.log(e.gap.median)
            gap_sigma[s, k] = e.gap.sigma
            group[s, k] = e.group
        cum[s, len(edges) - 1 :] = 1.0
    return _facts(bld, keys, target, cum, gap_mu, gap_sigma, group, entry_state, entry_group)


def _facts(
    bld: _Builder,
    keys: tuple[StateKey, ...],
    target: IntArray,
    cum: FloatArray,
    gap_mu: FloatArray,
    gap_sigma: FloatArray,
    group: IntArray,
    entry_state: list[int],
    entry_group: list[int],
) -> StateSpace:
    b = bld.b
    tps = tuple(sorted({bld.touchpoint(k) for k in keys}))
    events = tuple(sorted({b.steps[tp].event for tp in tps}))
    # Each touchpoint's pages lie side by side, so a state needs only (first, count).
    pages = tuple(p for tp in tps for p in b.steps[tp].pages)
    first_page = {}
    for tp in tps:
        first_page[tp] = sum(len(b.steps[t].pages) for t in tps[: tps.index(tp)])
    n = len(keys)
    st_tp = np.zeros(n, dtype=np.int64)
    st_event = np.zeros(n, dtype=np.int64)
    st_conv = np.zeros(n, dtype=np.bool_)
    st_value = np.zeros((n, 4))
    st_hours = np.full((n, 2), -1, dtype=np.int64)
    st_pages = np.zeros((n, 2), dtype=np.int64)
    st_attr = np.zeros(n, dtype=np.bool_)
    for s, key in enumerate(keys):
        tp = bld.touchpoint(key)
        step = b.steps[tp]
        st_tp[s] = tps.index(tp)
        st_event[s] = events.index(step.event)
        st_conv[s] = bld.roles[tp] is Role.CAPTURE
        value = b.values.get(key[2])
        if st_conv[s] and value is not None:
            st_value[s] = (math.log(value.median), value.sigma, value.round_to, value.ending)
        if step.hours is not None:
            st_hours[s] = (step.hours[0] * 3600, step.hours[1] * 3600)
        if step.pages:
            st_pages[s] = (first_page[tp], len(step.pages))
        st_attr[s] = step.attributes
    groups = list(bld.groups)
    gwidth = max(len(g) for g in groups)
    group_cum = np.ones((len(groups), gwidth))
    group_source = np.zeros((len(groups), gwidth), dtype=np.int64)
    for g, sources in enumerate(groups):
        total = sum(s.weight for s in sources)
        acc = 0.0
        for k, src in enumerate(sources):
            acc += src.weight / total
            group_cum[g, k] = acc
            group_source[g, k] = bld._source(src)
        group_cum[g, len(sources) - 1 :] = 1.0
        group_source[g, len(sources) :] = group_source[g, len(sources) - 1]
    shares = np.array([e.share for e in b.entries])
    return StateSpace(
        touchpoints=tps,
        events=events,
        sources=tuple(bld.sources),
        pages=pages,
        state_touchpoint=st_tp,
        state_event=st_event,
        state_conversion=st_conv,
        state_value=st_value,
        state_hours=st_hours,
        state_pages=st_pages,
        state_attributes=st_attr,
        target=target,
        cum=cum,
        gap_mu=gap_mu,
        gap_sigma=gap_sigma,
        group=group,
        group_cum=group_cum,
        group_source=group_source,
        entry_state=np.array(entry_state, dtype=np.int64),
        entry_share=shares / shares.sum(),
        entry_group=np.array(entry_group, dtype=np.int64),
        direct_source=bld.direct,
        offline_source=np.array([s.channel is ChannelGroup.OFFLINE for s in bld.sources]),
        keys=keys,
    )
