"""Shapley models against hand-worked games, a brute-force oracle and the Shapley axioms."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchpath.attribution.shapley import ShapleyModel, SimplifiedShapleyModel
from touchpath.errors import TouchpathError

COLUMNS = ["path", "conversions", "value", "nulls"]


def table(rows: list[tuple[tuple[str, ...], float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def credits(model: ShapleyModel | SimplifiedShapleyModel, paths: pd.DataFrame) -> dict[str, float]:
    frame = model.fit(paths).attribution_
    return dict(zip(frame["channel"], frame["conversions"], strict=True))


def values(model: ShapleyModel | SimplifiedShapleyModel, paths: pd.DataFrame) -> dict[str, float]:
    frame = model.fit(paths).attribution_
    return dict(zip(frame["channel"], frame["value"], strict=True))


# The hand-worked game: 50 journeys over channels a, b, c (value = 10 per conversion).
HAND = table(
    [
        (("a",), 2, 20, 8),
        (("b",), 1, 10, 9),
        (("a", "b"), 4, 40, 3),
        (("b", "a", "b"), 2, 20, 1),  # same coalition {a, b}: order and repeats do not count
        (("c",), 0, 0, 10),
        (("a", "c"), 3, 30, 7),
    ]
)


def test_hand_worked_conversions_game() -> None:
    """Coalitions {a}: 2 conversions, {b}: 1, {a,b}: 6, {c}: 0, {a,c}: 3; total 12.

    v(S) = conversions of journeys inside S:
        v(a)=2, v(b)=1, v(c)=0, v(ab)=9, v(ac)=5, v(bc)=1, v(abc)=12.
    Shapley weights for n=3: |S|=0 -> 1/3, |S|=1 -> 1/6, |S|=2 -> 1/3.
        φa = 2/3 + (9-1)/6 + (5-0)/6 + (12-1)/3 = (4 + 8 + 5 + 22)/6 = 6.5
        φb = 1/3 + (9-2)/6 + (1-0)/6 + (12-5)/3 = (2 + 7 + 1 + 14)/6 = 4
        φc = 0   + (5-2)/6 + (1-1)/6 + (12-9)/3 = (0 + 3 + 0 + 6)/6  = 1.5
    """
    got = credits(ShapleyModel(), HAND)
    assert got == pytest.approx({"a": 6.5, "b": 4.0, "c": 1.5}, abs=1e-12)
    assert values(ShapleyModel(), HAND) == pytest.approx({"a": 65, "b": 40, "c": 15}, abs=1e-9)


def test_hand_worked_rate_game() -> None:
    """Journeys inside S: a 10, b 10, c 10, ab 30, ac 30, bc 20, abc 50 (J = 50).

    v(S) = 50 · conv(⊆S) / journeys(⊆S):
        v(a)=10, v(b)=5, v(c)=0, v(ab)=15, v(ac)=25/3, v(bc)=5/2, v(abc)=12.
        φa = 10/3 + (15-5)/6 + (25/3-0)/6 + (12-5/2)/3 = 86/9
        φb = 5/3 + (15-10)/6 + (5/2-0)/6 + (12-25/3)/3 = 149/36
        φc = 0 + (25/3-10)/6 + (5/2-5)/6 + (12-15)/3 = -61/36
    c is only seen on journeys that convert less than those without it: negative credit.
    """
    got = credits(ShapleyModel(game="rate"), HAND)
    want = {"a": Fraction(86, 9), "b": Fraction(149, 36), "c": Fraction(-61, 36)}
    assert got == pytest.approx({k: float(v) for k, v in want.items()}, abs=1e-12)
    assert sum(want.values()) == 12


def test_simplified_hand_worked_from_the_paper() -> None:
    """Zhao et al. (2018): φ_j = Σ_{S∋j} R(S)/|S|, R(S) = conversions of exactly S.

    R({a}) = 2, R({b}) = 1, R({a,b}) = 4 + 2 = 6, R({c}) = 0, R({a,c}) = 3:
        φa = 2/1 + 6/2 + 3/2 = 6.5;  φb = 1/1 + 6/2 = 4;  φc = 0/1 + 3/2 = 1.5
    """
    assert credits(SimplifiedShapleyModel(), HAND) == pytest.approx(
        {"a": 6.5, "b": 4.0, "c": 1.5}, abs=1e-12
    )


def brute_force(paths: pd.DataFrame, game: str) -> dict[str, np.ndarray]:
    """Shapley values by enumerating every order of the channels (pure Python)."""
    rows = [
        (frozenset(p), c, v, c + u)
        for p, c, v, u in paths[COLUMNS].itertuples(index=False)
        if len(p)
    ]
    total = sum(r[3] for r in rows)
    players = sorted(set().union(*(r[0] for r in rows)))

    def worth(s: frozenset[str]) -> np.ndarray:
        conv = sum(r[1] for r in rows if r[0] <= s)
        value = sum(r[2] for r in rows if r[0] <= s)
        journeys = sum(r[3] for r in rows if r[0] <= s)
        if game == "conversions":
            return np.array([conv, value], dtype=float)
        if journeys == 0:
            return np.zeros(2)
        return np.array([total * conv / journeys, total * value / journeys])

    phi = {p: np.zeros(2) for p in players}
    orders = list(itertools.permutations(players))
    for order in orders:
        inside: frozenset[str] = frozenset()
        for p in order:
            phi[p] += worth(inside | {p}) - worth(inside)
            inside = inside | {p}
    return {p: phi[p] / len(orders) for p in players}


row = st.tuples(
    st.lists(st.sampled_from("abcde"), min_size=1, max_size=4).map(tuple),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(0, 60),
)
tables = st.lists(row, min_size=1, max_size=12).map(
    lambda rows: table([(p, float(c), c * (v + 1 / 7), float(u)) for p, c, u, v in rows])
)


def frame_of(model: ShapleyModel | SimplifiedShapleyModel) -> pd.DataFrame:
    return model.attribution_.set_index("channel")[["conversions", "value"]]


@settings(max_examples=40, deadline=None)
@given(paths=tables, game=st.sampled_from(["conversions", "rate"]))
def test_exact_matches_brute_force_and_is_efficient(paths: pd.DataFrame, game: str) -> None:
    got = frame_of(ShapleyModel(game=game).fit(paths))  # type: ignore[arg-type]
    want = brute_force(paths, game)
    assert sorted(got.index) == sorted(want)
    for channel, phi in want.items():
        assert got.loc[channel].to_numpy() == pytest.approx(phi, rel=1e-9, abs=1e-9)
    # Efficiency: the credits add up to the table's totals.
    assert got["conversions"].sum() == pytest.approx(paths["conversions"].sum(), abs=1e-9)
    assert got["value"].sum() == pytest.approx(paths["value"].sum(), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(paths=tables)
def test_simplified_equals_shapley_of_the_conversions_game(paths: pd.DataFrame) -> None:
    """Zhao et al.'s theorem, and the closed form ShapleyModel uses above 15 channels."""
    exact = frame_of(ShapleyModel(method="exact").fit(paths))
    simplified = frame_of(SimplifiedShapleyModel().fit(paths))
    pd.testing.assert_frame_equal(exact.sort_index(), simplified.sort_index(), atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(paths=tables, game=st.sampled_from(["conversions", "rate"]))
def test_symmetry(paths: pd.DataFrame, game: str) -> None:
    """Channels x and y that play the same role in every journey get the same credit."""
    swap = {"a": "b", "b": "a"}
    mirrored = paths.assign(path=paths["path"].map(lambda p: tuple(swap.get(c, c) for c in p)))
    both = pd.concat([paths, mirrored], ignore_index=True)
    got = frame_of(ShapleyModel(game=game).fit(both))  # type: ignore[arg-type]
    if "a" in got.index:
        assert got.loc["a"].to_numpy() == pytest.approx(got.loc["b"].to_numpy(), abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(paths=tables, nulls=st.lists(st.integers(1, 9), min_size=1, max_size=4))
def test_dummy_player(paths: pd.DataFrame, nulls: list[int]) -> None:
    """In the conversions game a channel z seen only on journeys that never convert adds
    nothing to any coalition: it gets 0 and the others keep their credit."""
    extra = table(
        [(("z", *("abcde"[i % 5] for i in range(k % 3))), 0.0, 0.0, float(k)) for k in nulls]
    )
    before = frame_of(ShapleyModel().fit(paths))
    after = frame_of(ShapleyModel().fit(pd.concat([paths, extra], ignore_index=True)))
    assert after.loc["z"].to_numpy() == pytest.approx([0.0, 0.0], abs=1e-9)
    kept = after.drop(index="z")
    pd.testing.assert_frame_equal(
        kept.reindex(before.index).fillna(0.0), before, atol=1e-9, check_like=True
    )


def random_table(seed: int, channels: int, rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = [f"ch{i:02d}" for i in range(channels)]
    out = []
    for _ in range(rows):
        path = tuple(rng.choice(names, size=int(rng.integers(1, 5))))
        conv = float(rng.integers(0, 6))
        out.append((path, conv, conv * float(rng.integers(5, 50)), float(rng.integers(0, 30))))
    return table(out)


@pytest.mark.parametrize("game", ["conversions", "rate"])
def test_monte_carlo_agrees_with_exact_within_its_stated_error(game: str) -> None:
    paths = random_table(3, channels=7, rows=300)
    exact = frame_of(ShapleyModel(game=game).fit(paths))  # type: ignore[arg-type]
    mc = ShapleyModel(game=game, method="permutation", n_permutations=3000, seed=7)  # type: ignore[arg-type]
    sampled = frame_of(mc.fit(paths))
    stderr = mc.stderr_.set_index("channel")[["conversions", "value"]]
    assert mc.method_ == "permutation"
    assert list(mc.stderr_["channel"]) == list(mc.attribution_["channel"])
    assert (stderr.to_numpy() > 0).all()
    z = ((sampled - exact.loc[sampled.index]) / stderr.loc[sampled.index]).abs()
    assert (z.to_numpy() < 4.5).all(), z
    # Every sampled order's contributions add up to v(N): the estimate is efficient too.
    assert sampled["conversions"].sum() == pytest.approx(paths["conversions"].sum(), rel=1e-9)
    # The stated error is the error: 4x the orders halves it (within sampling noise).
    bigger = ShapleyModel(game=game, method="permutation", n_permutations=12000, seed=8)  # type: ignore[arg-type]
    ratio = (bigger.fit(paths).stderr_.set_index("channel") / mc.stderr_.set_index("channel"))[
        "conversions"
    ]
    assert ratio.to_numpy() == pytest.approx(0.5, abs=0.08)


def test_monte_carlo_is_reproducible_for_a_seed() -> None:
    paths = random_table(4, channels=6, rows=80)
    one = ShapleyModel(game="rate", method="permutation", n_permutations=200, seed=11)
    two = ShapleyModel(game="rate", method="permutation", n_permutations=200, seed=11)
    other = ShapleyModel(game="rate", method="permutation", n_permutations=200, seed=12)
    pd.testing.assert_frame_equal(one.fit(paths).attribution_, two.fit(paths).attribution_)
    assert not one.attribution_.equals(other.fit(paths).attribution_)


def test_exact_has_no_error_and_auto_picks_the_method() -> None:
    small = ShapleyModel().fit(random_table(5, channels=5, rows=60))
    assert small.method_ == "exact"
    assert (small.stderr_[["conversions", "value"]].to_numpy() == 0).all()
    wide = random_table(6, channels=17, rows=200)
    assert ShapleyModel().fit(wide).method_ == "closed_form"
    rate = ShapleyModel(game="rate", n_permutations=50).fit(wide)
    assert rate.method_ == "permutation"
    assert rate.attribution_["conversions"].sum() == pytest.approx(wide["conversions"].sum())


def test_many_channels_beyond_one_bitmask_word() -> None:
    """70 channels: no bitmask fits, coalitions are still grouped exactly."""
    paths = random_table(8, channels=70, rows=150)
    closed = frame_of(ShapleyModel().fit(paths))
    simplified = frame_of(SimplifiedShapleyModel().fit(paths))
    pd.testing.assert_frame_equal(closed.sort_index(), simplified.sort_index(), atol=1e-9)
    mc = ShapleyModel(method="permutation", n_permutations=400).fit(paths)
    assert mc.attribution_["value"].sum() == pytest.approx(paths["value"].sum(), rel=1e-9)
    # Per coalition: the channel sets, each once, with the totals of their rows.
    coal = mc.coalitions_
    assert coal["coalition"].map(frozenset).is_unique
    want = paths.groupby(paths["path"].map(lambda p: tuple(sorted(set(p)))))["conversions"].sum()
    assert coal.set_index("coalition")["conversions"].sort_index().to_dict() == want.to_dict()


def test_row_shares_reproduce_the_fit() -> None:
    paths = pd.concat([HAND, table([((), 5.0, 50.0, 1.0)])], ignore_index=True)
    model = SimplifiedShapleyModel()
    channels, shares = model.row_shares(paths)
    assert shares.shape == (len(paths), 3)
    assert shares.toarray()[-1].sum() == 0  # the empty path gets no credit
    got = dict(zip(channels, shares.T @ paths["conversions"].to_numpy(), strict=True))
    assert got == pytest.approx(credits(model, paths), abs=1e-12)


def test_user_errors() -> None:
    with pytest.raises(TouchpathError, match="game"):
        ShapleyModel(game="nope").fit(HAND)  # type: ignore[arg-type]
    with pytest.raises(TouchpathError, match="method"):
        ShapleyModel(method="nope").fit(HAND)  # type: ignore[arg-type]
    with pytest.raises(TouchpathError, match="n_permutations"):
        ShapleyModel(n_permutations=1).fit(HAND)
    with pytest.raises(TouchpathError, match="too many"):
        ShapleyModel(method="exact").fit(random_table(9, channels=30, rows=100))


def test_estimator_contract() -> None:
    model = ShapleyModel(game="rate", n_permutations=10)
    assert model.get_params() == {
        "game": "rate",
        "method": "auto",
        "max_exact_channels": 15,
        "n_permutations": 10,
        "seed": 0,
    }
    assert not hasattr(model, "attribution_")
    assert model.fit(HAND) is model
    assert list(model.attribution_.columns) == ["channel", "conversions", "value"]
