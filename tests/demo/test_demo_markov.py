"""The vectorised walk samples the compiled chain faithfully.

Oracle: absorbing Markov chain algebra on the same transition table. With a window long
enough that nobody is cut off, the share of customers who ever convert and the mean
journey length must match the exact solutions of (I - P) x = b.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from touchpath.demo import load_catalogue
from touchpath.demo.behaviours import BEHAVIOURS
from touchpath.demo.markov import StateSpace, build
from touchpath.demo.simulate import entry_times, epoch_us, walk


def dense(space: StateSpace) -> np.ndarray:
    """Transition matrix over the states plus one absorbing exit column."""
    n = space.exit_state
    p = np.zeros((n, n + 1))
    probs = np.diff(space.cum, prepend=0.0, axis=1)
    for s in range(n):
        for k in range(space.target.shape[1]):
            p[s, space.target[s, k]] += probs[s, k]
    return p


@pytest.fixture(scope="module", params=["clinic", "shop"])
def space(request: pytest.FixtureRequest) -> tuple[str, StateSpace]:
    name = str(request.param)
    return name, build(BEHAVIOURS[name], load_catalogue(name))


def test_rows_are_distributions(space: tuple[str, StateSpace]) -> None:
    _, sp = space
    p = dense(sp)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert (p >= 0).all()
    assert ((sp.target >= 0) & (sp.target <= sp.exit_state)).all()


def test_walk_matches_absorbing_chain(space: tuple[str, StateSpace]) -> None:
    name, sp = space
    p = dense(sp)
    n = sp.exit_state
    q = p[:, :n]
    conv = sp.state_conversion
    # h[s]: chance to reach a conversion state from s (conversion states count as reached).
    a = np.eye(n) - np.where(conv[:, None], 0.0, q)
    h = np.linalg.solve(a, conv.astype(float))
    # Expected visits, hence events, starting from each state.
    visits = np.linalg.solve(np.eye(n) - q, np.ones(n))
    start = sp.entry_state
    expected_conv = float(sp.entry_share @ h[start])
    expected_len = float(sp.entry_share @ visits[start])

    rng = np.random.default_rng(123)
    customers = 40_000
    b = BEHAVIOURS[name]
    ts = entry_times(b, customers, rng, date(2025, 1, 1), date(2025, 2, 1))
    w = walk(sp, b, ts, epoch_us(date(2100, 1, 1)), rng)
    hit = np.zeros(customers, dtype=bool)
    np.logical_or.at(hit, w.customer, conv[w.state])
    se = np.sqrt(expected_conv * (1 - expected_conv) / customers)
    assert abs(hit.mean() - expected_conv) < 4 * se
    assert w.count.mean() == pytest.approx(expected_len, rel=0.03)
