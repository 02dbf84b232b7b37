"""The vectorised walk: every customer of a batch takes one step at a time, together.

A Python loop per customer would take minutes for a million customers; here each step is
a handful of numpy operations over all customers still on their way, and the number of
steps is bounded by the longest journey. Times are integer microseconds since the epoch
(UTC), the unit of the events table.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import numpy.typing as npt

from touchpath.demo.markov import INHERIT, IntArray, StateSpace
from touchpath.demo.spec import Behaviour

US = 1_000_000
DAY_US = 86_400 * US
SESSION_US = 30 * 60 * US
"""After 30 minutes without a touch a new session starts, as web analytics count it."""

LATE_US = 3 * 3600 * US
"""Touches later than this after the previous one keep to waking hours."""

MAX_EVENTS = 400
"""A safety bound on one journey; event ids carry the step number in three digits."""


@dataclass(frozen=True)
class Walk:
    """Events of one batch in (customer, time) order; ``customer`` indexes the batch."""

    customer: IntArray
    seq: IntArray
    state: IntArray
    ts: IntArray
    source: IntArray
    count: IntArray


def epoch_us(day: date) -> int:
    """Midnight UTC of ``day`` in microseconds since the epoch."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * US


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def day_weights(behaviour: Behaviour, start: date, end: date) -> npt.NDArray[np.float64]:
    """Relative number of new customers on each day of the window: month × weekday × peaks."""
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D"))
    months = (days.astype("datetime64[M]").astype(np.int64) % 12) + 1
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    w = np.asarray(behaviour.months)[months - 1] * np.asarray(behaviour.weekdays)[weekday]
    for peak in behaviour.peaks:
        w = np.where(
            (months == peak.month) & (dom >= peak.first) & (dom <= peak.last), w * peak.factor, w
        )
    return np.asarray(w / w.sum(), dtype=np.float64)


def entry_times(
    behaviour: Behaviour, n: int, rng: np.random.Generator, start: date, end: date
) -> IntArray:
    """First-touch instants of ``n`` new customers, following the seasonal pattern."""
    weights = day_weights(behaviour, start, end)
    day = rng.choice(len(weights), size=n, p=weights)
    hours = np.asarray(behaviour.hours) / sum(behaviour.hours)
    hour = rng.choice(24, size=n, p=hours)
    within = (rng.random(n) * 3600 * US).astype(np.int64)
    offset = behaviour.utc_offset_hours * 3600 * US
    ts = epoch_us(start) + day * DAY_US + hour * 3600 * US + within - offset
    # Early-morning local touches of the first day fall before the window: move a day on.
    ts = np.where(ts < epoch_us(start), ts + DAY_US, ts)
    return np.asarray(ts, dtype=np.int64)


def _pick(cum: npt.NDArray[np.float64], u: npt.NDArray[np.float64]) -> IntArray:
    """Index of the first cumulative probability above ``u``, row by row."""
    return np.asarray((u[:, None] >= cum).sum(axis=1), dtype=np.int64)


def _draw_source(space: StateSpace, group: IntArray, rng: np.random.Generator) -> IntArray:
    k = _pick(space.group_cum[group], rng.random(len(group)))
    return np.asarray(space.group_source[group, k], dtype=np.int64)


def _open_hours(hours: IntArray, ts: IntArray, offset: int, rng: np.random.Generator) -> IntArray:
    """Move touches that fall outside their hours (local seconds) to the next opening."""
    has = hours[:, 0] >= 0
    if not has.any():
        return ts
    local = ts + offset
    second = (local % DAY_US) // US
    opens, closes = hours[:, 0], hours[:, 1]
    late = has & (second >= closes)
    early = has & (second < opens)
    shift = (rng.random(len(ts)) * np.minimum(closes - opens, 3 * 3600)).astype(np.int64)
    to_open = (opens - second + shift) * US
    out = np.where(early, ts + to_open, ts)
    return np.asarray(np.where(late, out + DAY_US + to_open, out), dtype=np.int64)


def walk(
    space: StateSpace,
    behaviour: Behaviour,
    start_ts: IntArray,
    end_us: int,
    rng: np.random.Generator,
) -> Walk:
    """Walk ``len(start_ts)`` customers through ``space`` until they leave or the window ends."""
    n = len(start_ts)
    offset = behaviour.utc_offset_hours * 3600 * US
    waking = np.array(behaviour.waking_hours, dtype=np.int64) * 3600
    track = rng.choice(len(space.entry_share), size=n, p=space.entry_share)
    state = space.entry_state[track]
    source = _draw_source(space, space.entry_group[track], rng)
    # Step-major columns; the last entry of each list is aligned with ``alive``.
    out_c, out_s, out_t, out_src = [np.arange(n)], [state], [start_ts.copy()], [source]
    alive = np.arange(n)
    for _ in range(MAX_EVENTS - 1):
        if alive.size == 0:
            break
        s = out_s[-1]
        k = _pick(space.cum[s], rng.random(alive.size))
        nxt = space.target[s, k]
        stay = nxt != space.exit_state
        alive, s, k, nxt = alive[stay], s[stay], k[stay], nxt[stay]
        z = rng.standard_normal(alive.size)
        gap = np.exp(space.gap_mu[s, k] + space.gap_sigma[s, k] * z) * US
        t = out_t[-1][stay] + np.maximum(gap, US).astype(np.int64)
        hours = space.state_hours[nxt]
        hours = np.where((hours[:, :1] < 0) & (gap[:, None] > LATE_US), waking, hours)
        t = _open_hours(hours, t, offset, rng)
        group = space.group[s, k]
        fresh = _draw_source(space, np.maximum(group, 0), rng)
        # An online touch after an offline one (a chat after the delivery) starts afresh.
        prev = out_src[-1][stay]
        new_session = (gap > SESSION_US) | space.offline_source[prev]
        kept = np.where(new_session, space.direct_source, prev)
        src = np.where(group == INHERIT, kept, fresh)
        inside = t < end_us
        alive, nxt, t, src = alive[inside], nxt[inside], t[inside], src[inside]
        out_c.append(alive)
        out_s.append(nxt)
        out_t.append(t)
        out_src.append(src)
    return _assemble(n, out_c, out_s, out_t, out_src)


def _assemble(
    n: int,
    out_c: list[IntArray],
    out_s: list[IntArray],
    out_t: list[IntArray],
    out_src: list[IntArray],
) -> Walk:
    """Scatter step-major arrays into customer-major order without a sort."""
    count = np.zeros(n, dtype=np.int64)
    for c in out_c:
        count[c] += 1
    first = np.concatenate(([0], np.cumsum(count)[:-1]))
    total = int(count.sum())
    customer = np.empty(total, dtype=np.int64)
    seq = np.empty(total, dtype=np.int64)
    state = np.empty(total, dtype=np.int64)
    ts = np.empty(total, dtype=np.int64)
    source = np.empty(total, dtype=np.int64)
    for step, (c, s, t, src) in enumerate(zip(out_c, out_s, out_t, out_src, strict=True)):
        pos = first[c] + step
        customer[pos] = c
        seq[pos] = step
        state[pos] = s
        ts[pos] = t
        source[pos] = src
    return Walk(customer, seq, state, ts, source, count)
