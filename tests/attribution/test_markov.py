"""Markov model: chains solved by hand, a plain-Python reference, ChannelAttribution."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import touchpath.attribution.markov as markov
from touchpath.attribution import MarkovModel, read_path_csv
from touchpath.errors import TouchpathError


def table(rows: list[tuple[tuple[str, ...], float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["path", "conversions", "value", "nulls"])


def effects(model: MarkovModel) -> dict[str, tuple[float, float]]:
    frame = model.removal_effects_
    return {r.channel: (r.removal_effect, r.removal_effect_value) for r in frame.itertuples()}


def credits(model: MarkovModel, column: str = "conversions") -> dict[str, float]:
    frame = model.attribution_
    return dict(zip(frame.channel, frame[column], strict=True))


def test_small_chain_with_a_loop_by_hand() -> None:
    """Paths: a > b > a (1 conversion, value 10), b (1 null), a (1 conversion value 4, 1 null).

    Transition counts: start→a 3, start→b 1, a→b 1, a→conv 2, a→null 1, b→a 1, b→null 1.
    Probabilities: start→a 3/4, start→b 1/4; a→b 1/4, a→conv 1/2, a→null 1/4;
    b→a 1/2, b→null 1/2.
    Conversion from a: h_a = 1/2 + h_b/4, h_b = h_a/2, so h_a = 4/7, h_b = 2/7 and
    P = 3/4·4/7 + 1/4·2/7 = 1/2.
    Without a: b→a goes to null, P = 0: RE_a = 1.
    Without b: h_a = 1/2, P = 3/4·1/2 = 3/8: RE_b = 1 - (3/8)/(1/2) = 1/4.
    Credit of the 2 conversions: a 2·1/(5/4) = 1.6, b 0.4. Every conversion happens from
    a (value per conversion 14/2 = 7), so value follows: a 11.2, b 2.8 of 14.
    """
    paths = table(
        [(("a", "b", "a"), 1.0, 10.0, 0.0), (("b",), 0.0, 0.0, 1.0), (("a",), 1.0, 4.0, 1.0)]
    )
    model = MarkovModel(order=1).fit(paths)
    assert model.conversion_probability_ == pytest.approx(0.5, rel=1e-14)
    assert effects(model) == {"a": pytest.approx((1.0, 1.0)), "b": pytest.approx((0.25, 0.25))}
    assert credits(model) == pytest.approx({"a": 1.6, "b": 0.4}, rel=1e-14)
    assert credits(model, "value") == pytest.approx({"a": 11.2, "b": 2.8}, rel=1e-14)
    probs = {
        (r.source, r.target): r.probability
        for r in model.transition_matrix_.rename(
            columns={"from": "source", "to": "target"}
        ).itertuples()
    }
    assert probs == pytest.approx(
        {
            ("(start)", "a"): 0.75,
            ("(start)", "b"): 0.25,
            ("a", "b"): 0.25,
            ("a", "(conversion)"): 0.5,
            ("a", "(null)"): 0.25,
            ("b", "a"): 0.5,
            ("b", "(null)"): 0.5,
        }
    )


def test_value_weighs_by_the_state_converted_from() -> None:
    """Paths: a (1 conversion value 10, 1 null), b (1 conversion value 2, 1 null), a > b (2 nulls).

    start→a 2/3, start→b 1/3; a→conv 1/4, a→null 1/4, a→b 1/2; b→conv 1/4, b→null 3/4.
    Expected visits: n_a = 2/3, n_b = 1/3 + 2/3·1/2 = 2/3; P = (2/3 + 2/3)/4 = 1/3.
    Value per conversion: from a 10, from b 2; expected value V = 2/3·1/4·10 + 2/3·1/4·2 = 2.
    Without a: n_b = 1/3, P = 1/12, V = 1/6: RE_a = 3/4, value RE_a = 11/12.
    Without b: n_a = 2/3, P = 1/6, V = 5/3: RE_b = 1/2, value RE_b = 1/6.
    Conversions (2): a 2·(3/4)/(5/4) = 1.2, b 0.8. Value (12): a 12·11/13, b 12·2/13.
    Without nulls (use_nulls=False) only a and b remain, each converting half the walks:
    RE 1/2 each; value RE a 1 - 1/6 = 5/6, b 1/6; value a 10, b 2.
    """
    paths = table([(("a",), 1.0, 10.0, 1.0), (("b",), 1.0, 2.0, 1.0), (("a", "b"), 0.0, 0.0, 2.0)])
    model = MarkovModel().fit(paths)
    assert model.conversion_probability_ == pytest.approx(1 / 3, rel=1e-14)
    assert effects(model) == {
        "a": pytest.approx((3 / 4, 11 / 12)),
        "b": pytest.approx((1 / 2, 1 / 6)),
    }
    assert credits(model) == pytest.approx({"a": 1.2, "b": 0.8}, rel=1e-14)
    assert credits(model, "value") == pytest.approx({"a": 132 / 13, "b": 24 / 13}, rel=1e-14)

    no_nulls = MarkovModel(use_nulls=False).fit(paths)
    assert effects(no_nulls) == {"a": pytest.approx((0.5, 5 / 6)), "b": pytest.approx((0.5, 1 / 6))}
    assert credits(no_nulls, "value") == pytest.approx({"a": 10.0, "b": 2.0}, rel=1e-14)


def test_order_two_by_hand() -> None:
    """Paths: a > b > a (1 conversion), b > a (1 null), a (1 conversion).

    States are windows of two touches: (a b) → (b a); a one-touch path is the state (a).
    start→(a b) 1/3, start→(b a) 1/3, start→(a) 1/3; (a b)→(b a) 1; (b a)→conv 1/2,
    →null 1/2; (a)→conv 1. P = 1/3·1/2 + 1/3·1/2 + 1/3 = 2/3.
    Without a every state goes: RE_a = 1. Without b, (a b) and (b a) go: P = 1/3,
    RE_b = 1/2. Conversions (2): a 4/3, b 2/3. (At order 1 the same paths give a 1, b 1/3
    shares differently: a→b→a loops are forgotten.)
    """
    paths = table(
        [(("a", "b", "a"), 1.0, 1.0, 0.0), (("b", "a"), 0.0, 0.0, 1.0), (("a",), 1.0, 1.0, 0.0)]
    )
    model = MarkovModel(order=2).fit(paths)
    assert model.conversion_probability_ == pytest.approx(2 / 3, rel=1e-14)
    assert effects(model) == {"a": pytest.approx((1.0, 1.0)), "b": pytest.approx((0.5, 0.5))}
    assert credits(model) == pytest.approx({"a": 4 / 3, "b": 2 / 3}, rel=1e-14)
    states = set(model.transition_matrix_["from"])
    assert states == {"(start)", "a > b", "b > a", "a"}


def test_repeats_keep_or_collapse() -> None:
    # keep: a > a > b has the windows (a a), (a b); collapse makes it a > b first.
    paths = table([(("a", "a", "b"), 1.0, 1.0, 0.0), (("a", "b"), 0.0, 0.0, 1.0)])
    kept = MarkovModel(order=2).fit(paths)
    collapsed = MarkovModel(order=2, repeats="collapse").fit(paths)
    assert "a > a" in set(kept.transition_matrix_["from"])
    assert set(collapsed.transition_matrix_["from"]) == {"(start)", "a > b"}
    # At order 1 a self-loop changes no absorption probability: same effects either way.
    one_keep = MarkovModel(order=1).fit(paths).removal_effects_
    one_collapse = MarkovModel(order=1, repeats="collapse").fit(paths).removal_effects_
    pd.testing.assert_frame_equal(one_keep, one_collapse, rtol=1e-14)


def test_channel_seen_only_without_conversions_gets_exactly_zero() -> None:
    paths = table([(("a",), 2.0, 2.0, 0.0), (("b", "c"), 0.0, 0.0, 3.0)])
    got = MarkovModel(order=2).fit(paths).attribution_
    assert credits(MarkovModel(order=2).fit(paths)) == {"a": 2.0, "b": 0.0, "c": 0.0}
    assert got.conversions.sum() == 2.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"order": 0}, "order"), ({"order": 5}, "order"), ({"repeats": "drop"}, "repeats")],
)
def test_bad_parameters(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TouchpathError, match=message):
        MarkovModel(**kwargs).fit(table([(("a",), 1.0, 1.0, 0.0)]))  # type: ignore[arg-type]


def test_no_conversions_is_a_clear_error() -> None:
    with pytest.raises(TouchpathError, match="no conversions"):
        MarkovModel().fit(table([(("a",), 0.0, 0.0, 4.0)]))


# --- an independent reference: plain Python counting, fractions, dense solves ----------------


def reference(
    paths: pd.DataFrame, order: int, use_nulls: bool, collapse: bool
) -> dict[str, tuple[float, float]]:
    """Removal effects by the textbook route: absorption probabilities h = (I - Q)⁻¹ r.

    States are built with plain loops; the probability of conversion (and the expected
    conversion value) starting from each state is solved for, first in the whole chain,
    then with each channel's states sent to null.
    """
    counts: dict[str, dict[object, float]] = {}
    end_conv: dict[object, float] = {}
    end_value: dict[object, float] = {}

    def add(a: object, b: object, w: float) -> None:
        if w:
            row = counts.setdefault(a, {})  # type: ignore[arg-type]
            row[b] = row.get(b, 0.0) + w

    for path, conv, value, nulls in paths.itertuples(index=False):
        nulls = nulls if use_nulls else 0.0
        touches = list(path)
        if collapse:
            touches = [t for i, t in enumerate(touches) if i == 0 or t != touches[i - 1]]
        if not touches:
            continue
        states = (
            [tuple(touches[i : i + order]) for i in range(len(touches) - order + 1)]
            if len(touches) >= order
            else [tuple(touches)]
        )
        walk = ["start", *states]
        for a, b in itertools.pairwise(walk):
            add(a, b, conv + nulls)
        add(states[-1], "conv", conv)
        add(states[-1], "null", nulls)
        end_conv[states[-1]] = end_conv.get(states[-1], 0.0) + conv
        end_value[states[-1]] = end_value.get(states[-1], 0.0) + value

    transient = sorted(
        {s for s in counts}
        | {b for row in counts.values() for b in row if b not in ("conv", "null")},
        key=str,
    )
    index = {s: i for i, s in enumerate(transient)}
    n = len(transient)
    q = np.zeros((n, n))
    r = np.zeros(n)
    v = np.zeros(n)
    for a, row in counts.items():
        total = sum(row.values())
        for b, w in row.items():
            if b == "conv":
                r[index[a]] = w / total
            elif b != "null":
                q[index[a], index[b]] = w / total
    for s, c in end_conv.items():
        if c and s in index:  # a state only zero-weight journeys reach is not in the chain
            v[index[s]] = end_value[s] / c

    def absorb(removed: str | None) -> tuple[float, float]:
        keep = [
            i
            for i, s in enumerate(transient)
            if removed is None or s == "start" or removed not in s
        ]
        sub = np.eye(len(keep)) - q[np.ix_(keep, keep)]
        h = np.linalg.solve(sub, r[keep])
        hv = np.linalg.solve(sub, (r * v)[keep])
        start = keep.index(index["start"])
        return float(h[start]), float(hv[start])

    p, pv = absorb(None)
    channels = sorted({t for path in paths.path for t in path})
    return {c: (1 - absorb(c)[0] / p, 1 - absorb(c)[1] / pv if pv else 0.0) for c in channels}


def random_paths(seed: int, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for _i in range(n):
        length = int(rng.integers(1, 7))
        path = tuple(
            str(c) for c in rng.choice(list("abcde"), size=length, p=[0.3, 0.3, 0.2, 0.15, 0.05])
        )
        conv = float(rng.integers(0, 3))
        rows.append((path, conv, conv * float(rng.integers(1, 9)), float(rng.integers(0, 3))))
    rows.append((("a",), 1.0, 5.0, 0.0))  # at least one conversion
    return table(rows)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_a_plain_reference(order: int, seed: int) -> None:
    paths = random_paths(seed)
    for use_nulls in (True, False):
        for repeats in ("keep", "collapse"):
            model = MarkovModel(order=order, use_nulls=use_nulls, repeats=repeats).fit(paths)  # type: ignore[arg-type]
            want = reference(paths, order, use_nulls, repeats == "collapse")
            got = effects(model)
            for channel, (re, rev) in want.items():
                assert got[channel][0] == pytest.approx(max(re, 0.0), abs=1e-12)
                assert got[channel][1] == pytest.approx(max(rev, 0.0), abs=1e-12)


def test_iterative_solver_equals_direct(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = random_paths(5, n=400)
    direct = MarkovModel(order=3).fit(paths).removal_effects_
    monkeypatch.setattr(markov, "DIRECT_LIMIT", 0)  # every system through GMRES
    iterative = MarkovModel(order=3).fit(paths).removal_effects_
    pd.testing.assert_frame_equal(direct, iterative, check_exact=False, rtol=0, atol=1e-12)


def test_fit_is_bit_identical_and_order_free() -> None:
    paths = random_paths(9, n=300)
    first = MarkovModel(order=2).fit(paths)
    again = MarkovModel(order=2).fit(paths)
    pd.testing.assert_frame_equal(first.attribution_, again.attribution_, check_exact=True)
    pd.testing.assert_frame_equal(
        first.transition_matrix_, again.transition_matrix_, check_exact=True
    )
    shuffled = MarkovModel(order=2).fit(paths.sample(frac=1.0, random_state=3))
    pd.testing.assert_frame_equal(first.attribution_, shuffled.attribution_, rtol=1e-12)


# --- ChannelAttribution (GPL, a test oracle only) --------------------------------------------


def ca_data() -> Path:
    pytest.importorskip("ChannelAttribution")
    import cypack  # installed with channelattribution; holds its example data

    return Path(cypack.__file__).parent / "data" / "Data.csv"


@pytest.mark.slow
@pytest.mark.parametrize("order", [1, 2, 3])
def test_within_one_percent_of_channelattribution(order: int) -> None:
    """ChannelAttribution simulates 1e7 journeys on the same chain (about 15 s CPU per order).

    It returns the figures of one of its ``nfold`` batches; ``nfold=1`` makes that batch
    all 1e7 journeys (with the default 10 folds a batch is 1e6 and a channel with 1.3% of
    conversions moves ±1.5% between seeds). Every channel holding more than 1% of the
    conversions must agree within 1%, in conversions and in value (measured here: at most
    0.55% at orders 1-3).
    """
    import ChannelAttribution

    file = ca_data()
    raw = pd.read_csv(file, sep=";")
    theirs = ChannelAttribution.markov_model(
        raw,
        "path",
        "total_conversions",
        var_value="total_conversion_value",
        var_null="total_null",
        order=order,
        nsim_start=1e7,
        nfold=1,
        seed=0,
        verbose=False,
        flg_pro=False,
    ).set_index("channel_name")
    ours = MarkovModel(order=order).fit(read_path_csv(file)).attribution_.set_index("channel")
    big = ours.index[ours.conversions > 0.01 * ours.conversions.sum()]
    assert len(big) >= 8
    rel = ours.loc[big, "conversions"] / theirs.loc[big, "total_conversions"] - 1
    assert rel.abs().max() < 0.01, rel.to_dict()
    rel_value = ours.loc[big, "value"] / theirs.loc[big, "total_conversion_value"] - 1
    assert rel_value.abs().max() < 0.01, rel_value.to_dict()
