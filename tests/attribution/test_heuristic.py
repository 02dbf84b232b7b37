"""Heuristic models: hand-worked examples, ChannelAttribution as the oracle, input errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from touchpath.attribution import (
    MODELS,
    FirstTouchModel,
    LastNonDirectModel,
    LastTouchModel,
    LinearModel,
    PositionBasedModel,
    TimeDecayModel,
    make_model,
    read_path_csv,
)
from touchpath.errors import TouchpathError


def table(rows: list[tuple[tuple[str, ...], float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["path", "conversions", "value", "nulls"])


# Two converting paths and one that never converted (it must earn nothing):
#   a > b > c   2 conversions, value 30
#   b           1 conversion,  value 6
#   c > a       0 conversions, 5 nulls
PATHS = table(
    [(("a", "b", "c"), 2.0, 30.0, 0.0), (("b",), 1.0, 6.0, 0.0), (("c", "a"), 0.0, 0.0, 5.0)]
)


def credit(model: object) -> dict[str, tuple[float, float]]:
    frame = model.fit(PATHS).attribution_  # type: ignore[attr-defined]
    return {r.channel: (r.conversions, r.value) for r in frame.itertuples()}


def test_first_touch_by_hand() -> None:
    # a starts the 2-conversion path (value 30), b the 1-conversion path (value 6).
    assert credit(FirstTouchModel()) == {"a": (2.0, 30.0), "b": (1.0, 6.0), "c": (0.0, 0.0)}


def test_last_touch_by_hand() -> None:
    assert credit(LastTouchModel()) == {"c": (2.0, 30.0), "b": (1.0, 6.0), "a": (0.0, 0.0)}


def test_linear_by_hand() -> None:
    # a > b > c: each touch 2/3 conversion and 10 value; b alone: 1 and 6.
    got = credit(LinearModel())
    assert got["a"] == pytest.approx((2 / 3, 10.0))
    assert got["b"] == pytest.approx((2 / 3 + 1, 16.0))
    assert got["c"] == pytest.approx((2 / 3, 10.0))


def test_linear_counts_repeats() -> None:
    # a > a > b: a has two of three touches (ChannelAttribution's linear_touch does too).
    got = LinearModel().fit(table([(("a", "a", "b"), 3.0, 3.0, 0.0)])).attribution_
    assert dict(zip(got.channel, got.conversions, strict=True)) == pytest.approx(
        {"a": 2.0, "b": 1.0}
    )


def test_position_based_by_hand() -> None:
    # Default 40/20/40. a > b > c: a 0.4·2, b 0.2·2 + 1 (alone), c 0.4·2.
    got = credit(PositionBasedModel())
    assert got["a"] == pytest.approx((0.8, 12.0))
    assert got["b"] == pytest.approx((1.4, 6.0 + 6.0))
    assert got["c"] == pytest.approx((0.8, 12.0))


def test_position_based_middle_and_two_touches() -> None:
    # first 0.3, last 0.5: a > b > c > d gives b and c 0.1 each; x > y splits 0.3:0.5.
    paths = table([(("a", "b", "c", "d"), 1.0, 0.0, 0.0), (("x", "y"), 8.0, 0.0, 0.0)])
    got = PositionBasedModel(first=0.3, last=0.5).fit(paths).attribution_
    credits = dict(zip(got.channel, got.conversions, strict=True))
    assert credits == pytest.approx(
        {"a": 0.3, "b": 0.1, "c": 0.1, "d": 0.5, "x": 8 * 0.3 / 0.8, "y": 8 * 0.5 / 0.8}
    )


def test_last_non_direct_by_hand() -> None:
    paths = table(
        [
            (("email", "direct"), 1.0, 10.0, 0.0),  # email: the last non-direct touch
            (("direct", "direct"), 2.0, 4.0, 0.0),  # all direct: falls back to last touch
            (("social", "organic", "direct"), 1.0, 1.0, 0.0),  # organic
        ]
    )
    got = LastNonDirectModel().fit(paths).attribution_
    credits = {r.channel: (r.conversions, r.value) for r in got.itertuples()}
    assert credits == {
        "email": (1.0, 10.0),
        "direct": (2.0, 4.0),
        "organic": (1.0, 1.0),
        "social": (0.0, 0.0),
    }
    custom = LastNonDirectModel(direct=["direct", "organic"]).fit(paths).attribution_
    assert dict(zip(custom.channel, custom.conversions, strict=True))["social"] == 1.0


def test_time_decay_by_hand() -> None:
    # Ages 14, 7 and 0 days with a 7-day half-life: weights 1/4, 1/2, 1 (sum 7/4).
    paths = table([(("a", "b", "c"), 7.0, 70.0, 0.0)])
    paths["ages"] = [(14.0, 7.0, 0.0)]
    got = TimeDecayModel(half_life=7.0).fit(paths).attribution_
    assert dict(zip(got.channel, got.conversions, strict=True)) == pytest.approx(
        {"a": 1.0, "b": 2.0, "c": 4.0}
    )
    assert dict(zip(got.channel, got.value, strict=True)) == pytest.approx(
        {"a": 10.0, "b": 20.0, "c": 40.0}
    )


def test_time_decay_survives_very_old_journeys() -> None:
    # 2**(-5000/1) underflows to 0 without the shift by the youngest touch.
    paths = table([(("a", "b"), 1.0, 0.0, 0.0)])
    paths["ages"] = [(5001.0, 5000.0)]
    got = TimeDecayModel(half_life=1.0).fit(paths).attribution_
    assert dict(zip(got.channel, got.conversions, strict=True)) == pytest.approx(
        {"a": 1 / 3, "b": 2 / 3}
    )


def test_time_decay_needs_ages() -> None:
    with pytest.raises(TouchpathError, match="ages"):
        TimeDecayModel().fit(PATHS)
    bad = PATHS.assign(ages=[(1.0,), (0.0,), (0.0, 0.0)])
    with pytest.raises(TouchpathError, match="row 0: ages must have one number per touch"):
        TimeDecayModel().fit(bad)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (TimeDecayModel(half_life=0), "half-life"),
        (PositionBasedModel(first=0.7, last=0.6), "position weights"),
        (PositionBasedModel(first=-0.1), "position weights"),
    ],
)
def test_bad_parameters(model: object, message: str) -> None:
    paths = PATHS.assign(ages=[(0.0, 0.0, 0.0), (0.0,), (0.0, 0.0)])
    with pytest.raises(TouchpathError, match=message):
        model.fit(paths)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (PATHS.drop(columns="nulls"), "no column nulls"),
        (PATHS.assign(conversions=[1.0, -1.0, 0.0]), "row 1: conversions"),
        (PATHS.assign(path=["a > b", ("b",), ("c",)]), "row 0: path must be a sequence"),
        (PATHS.assign(path=[("a", None), ("b",), ("c",)]), "row 0: path has a null entry"),
    ],
)
def test_bad_path_tables(paths: pd.DataFrame, message: str) -> None:
    with pytest.raises(TouchpathError, match=message):
        LinearModel().fit(paths)


def test_empty_paths_earn_nothing_and_are_left_out() -> None:
    paths = table([((), 5.0, 5.0, 0.0), (("a",), 1.0, 2.0, 0.0)])
    got = FirstTouchModel().fit(paths).attribution_
    assert got.to_dict("list") == {"channel": ["a"], "conversions": [1.0], "value": [2.0]}


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_conforms(name: str) -> None:
    """Credits sum to the converting paths' totals, none negative, fit is deterministic."""
    rng = np.random.default_rng(7)
    rows = []
    for _i in range(300):
        n = int(rng.integers(1, 6))
        path = tuple(str(c) for c in rng.choice(list("abcdef"), size=n))
        conv = float(rng.integers(0, 3))
        rows.append((path, conv, conv * float(rng.integers(1, 50)), float(rng.integers(0, 4))))
    paths = table(rows)
    paths["ages"] = [tuple(float(a) for a in rng.uniform(0, 40, size=len(p))) for p in paths.path]
    first = make_model(name, order=2).fit(paths).attribution_
    again = make_model(name, order=2).fit(paths).attribution_
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert first.columns.tolist() == ["channel", "conversions", "value"]
    assert (first.conversions >= 0).all() and (first.value >= 0).all()
    assert first.conversions.sum() == pytest.approx(paths.conversions.sum(), rel=1e-12)
    assert first.value.sum() == pytest.approx(paths.value.sum(), rel=1e-12)


def test_get_params_round_trip() -> None:
    model = PositionBasedModel(first=0.3, last=0.5)
    assert model.get_params() == {"first": 0.3, "last": 0.5}
    assert type(model)(**model.get_params()).get_params() == model.get_params()
    with pytest.raises(TouchpathError, match="no parameter"):
        model.set_params(middle=0.2)


# --- ChannelAttribution (GPL, a test oracle only) on the data set it ships ------------------


def ca_data() -> Path:
    ca = pytest.importorskip("ChannelAttribution")
    del ca
    import cypack  # installed with channelattribution; holds its example data

    return Path(cypack.__file__).parent / "data" / "Data.csv"


def test_first_last_linear_equal_channelattribution() -> None:
    import ChannelAttribution

    file = ca_data()
    raw = pd.read_csv(file, sep=";")
    theirs = ChannelAttribution.heuristic_models(
        raw, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False
    ).set_index("channel_name")
    paths = read_path_csv(file)
    for model, prefix in (
        (FirstTouchModel(), "first_touch"),
        (LastTouchModel(), "last_touch"),
        (LinearModel(), "linear_touch"),
    ):
        ours = model.fit(paths).attribution_.set_index("channel").loc[theirs.index]
        # First and last touch add the same numbers: identical. Linear divides, and the
        # sums run in another order: equal to the last bits of a double.
        exact = prefix != "linear_touch"
        for ours_col, their_col in (("conversions", "_conversions"), ("value", "_value")):
            np.testing.assert_allclose(
                ours[ours_col].to_numpy(),
                theirs[prefix + their_col].to_numpy(),
                rtol=0 if exact else 1e-12,
                atol=0,
            )


def test_fit_on_encoded_paths_equals_fit_on_the_table() -> None:
    from touchpath.attribution import encode_paths

    encoded = encode_paths(PATHS)
    for model in (FirstTouchModel(), LinearModel(), PositionBasedModel()):
        pd.testing.assert_frame_equal(
            type(model)().fit(encoded).attribution_, model.fit(PATHS).attribution_
        )
    with pytest.raises(TouchpathError, match="ages"):
        TimeDecayModel().fit(encoded)
