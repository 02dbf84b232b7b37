"""Bootstrap intervals: coverage of the estimate, shrinkage, determinism, and agreement
with the closed-form variance of a linear model under multinomial resampling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from touchpath.attribution.base import AttributionModel
from touchpath.attribution.bootstrap import Unit, bootstrap, clone, replicates
from touchpath.attribution.shapley import ShapleyModel, SimplifiedShapleyModel
from touchpath.errors import TouchpathError

COLUMNS = ["path", "conversions", "value", "nulls"]

PATHS = pd.DataFrame(
    [
        (("a",), 40.0, 400.0, 160.0),
        (("b",), 25.0, 500.0, 75.0),
        (("a", "b"), 60.0, 900.0, 90.0),
        (("c", "a"), 30.0, 150.0, 120.0),
        (("c",), 10.0, 300.0, 190.0),
        (("b", "c", "b"), 20.0, 200.0, 30.0),
    ],
    columns=COLUMNS,
)
CHANNELS = ("a", "b", "c")


def shares_by_hand(paths: pd.DataFrame) -> np.ndarray:
    """Rows × channels: a conversion's credit under the simplified Shapley value, 1/|set|."""
    out = np.zeros((len(paths), len(CHANNELS)))
    for i, path in enumerate(paths["path"]):
        members = set(path)
        for channel in members:
            out[i, CHANNELS.index(channel)] = 1 / len(members)
    return out


def analytic_sd(paths: pd.DataFrame, unit: str) -> np.ndarray:
    """Standard deviation of each channel's credit (channels × [conversions, value]).

    unit="path": the J journeys are J draws from cells (row, converted) and (row, not
    converted) with probabilities count / J; a converted journey of row i credits channel
    k with a_ik (conversions) or a_ik · value_i / conversions_i (value); a lost one credits
    0. A sum over a multinomial has variance J · (E[x²] - E[x]²) per journey.
    unit="row": the R rows are R draws, row i crediting conversions_i · a_ik.
    """
    a = shares_by_hand(paths)
    conv = paths["conversions"].to_numpy()
    per_conversion = paths["value"].to_numpy() / conv
    out = np.zeros((len(CHANNELS), 2))
    for m, weight in enumerate([np.ones_like(conv), per_conversion]):
        credit = a * weight[:, None]
        if unit == "path":
            journeys = conv + paths["nulls"].to_numpy()
            total = journeys.sum()
            p = conv / total
            mean = (p[:, None] * credit).sum(axis=0)
            second = (p[:, None] * credit**2).sum(axis=0)
            out[:, m] = np.sqrt(total * (second - mean**2))
        else:
            row_credit = credit * conv[:, None]
            out[:, m] = np.sqrt(len(conv) * row_credit.var(axis=0))
    return out


@pytest.mark.parametrize("unit", ["path", "row"])
def test_linear_model_matches_the_closed_form_variance(unit: Unit) -> None:
    reps = replicates(
        SimplifiedShapleyModel(), PATHS, channels=CHANNELS, n_boot=6000, seed=1, unit=unit
    )
    want = analytic_sd(PATHS, unit)
    assert reps.std(axis=0) == pytest.approx(want, rel=0.05)
    # Resampling is unbiased for a linear statistic: the replicates centre on the estimate.
    estimate = (
        SimplifiedShapleyModel().fit(PATHS).attribution_.set_index("channel").loc[list(CHANNELS)]
    )
    centre = reps.mean(axis=0)
    assert np.abs(centre - estimate[["conversions", "value"]].to_numpy()) == pytest.approx(
        np.zeros_like(centre), abs=float(4 * want.max() / np.sqrt(6000))
    )
    # And the 95% percentile interval is close to the normal one, estimate ± 1.96 sd.
    ci = bootstrap(SimplifiedShapleyModel(), PATHS, n_boot=6000, seed=1, unit=unit)
    conv = ci[ci["metric"] == "conversions"].set_index("channel").loc[list(CHANNELS)]
    half = (conv["high"] - conv["low"]).to_numpy() / 2
    assert half == pytest.approx(1.96 * want[:, 0], rel=0.08)


@pytest.mark.parametrize(
    "model",
    [
        SimplifiedShapleyModel(),  # row_shares: one matrix product per batch
        ShapleyModel(),  # reweighter: coalitions found once
        ShapleyModel(game="rate"),
        ShapleyModel(game="rate", method="permutation", n_permutations=100),
    ],
)
def test_shortcuts_give_the_same_replicates_as_refitting(model: AttributionModel) -> None:
    fast = replicates(model, PATHS, channels=CHANNELS, n_boot=25, seed=3)
    slow = replicates(model, PATHS, channels=CHANNELS, n_boot=25, seed=3, vectorised=False)
    np.testing.assert_allclose(fast, slow, atol=1e-9)


def test_reweighter_treats_a_vanished_channel_as_a_null_player() -> None:
    """A channel on one journey is absent from about e^-1 of the resamples; keeping it in
    the game with no journeys gives what refitting without it gives."""
    rare = pd.concat(
        [PATHS, pd.DataFrame([(("r", "a"), 1.0, 10.0, 0.0)], columns=COLUMNS)],
        ignore_index=True,
    )
    channels = (*CHANNELS, "r")
    for game in ("conversions", "rate"):
        model = ShapleyModel(game=game)
        fast = replicates(model, rare, channels=channels, n_boot=40, seed=6)
        slow = replicates(model, rare, channels=channels, n_boot=40, seed=6, vectorised=False)
        assert (fast[:, 3, 0] == 0).sum() > 5
        np.testing.assert_allclose(fast, slow, atol=1e-9)


@pytest.mark.parametrize(
    "model", [SimplifiedShapleyModel(), ShapleyModel(), ShapleyModel(game="rate")]
)
def test_intervals_contain_the_estimate(model: AttributionModel) -> None:
    ci = bootstrap(model, PATHS, n_boot=200, seed=5)
    assert list(ci.columns) == ["channel", "metric", "estimate", "low", "high"]
    assert len(ci) == 2 * len(CHANNELS)
    assert (ci["low"] <= ci["estimate"]).all() and (ci["estimate"] <= ci["high"]).all()
    assert (ci["low"] < ci["high"]).all()
    fitted = clone(model).fit(PATHS).attribution_.set_index("channel")
    for metric in ("conversions", "value"):
        rows = ci[ci["metric"] == metric].set_index("channel")
        assert rows["estimate"].to_dict() == pytest.approx(fitted[metric].to_dict())


def test_intervals_shrink_with_more_data() -> None:
    """16 times the journeys: relative width about a quarter (sd grows as sqrt(J))."""
    big = PATHS.assign(**{c: PATHS[c] * 16 for c in ("conversions", "value", "nulls")})
    model = ShapleyModel(game="rate")
    small_ci = bootstrap(model, PATHS, n_boot=300, seed=2)
    big_ci = bootstrap(model, big, n_boot=300, seed=2)
    small_rel = (small_ci["high"] - small_ci["low"]) / small_ci["estimate"].abs()
    big_rel = (big_ci["high"] - big_ci["low"]) / big_ci["estimate"].abs()
    assert (big_rel / small_rel).to_numpy() == pytest.approx(0.25, abs=0.07)


def test_deterministic_for_a_seed() -> None:
    model = ShapleyModel(game="rate")
    one = bootstrap(model, PATHS, n_boot=40, seed=9)
    two = bootstrap(model, PATHS, n_boot=40, seed=9)
    other = bootstrap(model, PATHS, n_boot=40, seed=10)
    pd.testing.assert_frame_equal(one, two)
    assert not one.equals(other)
    assert not hasattr(model, "attribution_")  # the model given is left unfitted


def test_a_channel_missing_from_a_resample_gets_zero() -> None:
    """A channel on a single journey is absent from about e^-1 of the resamples."""
    rare = pd.concat(
        [PATHS, pd.DataFrame([(("r",), 1.0, 10.0, 0.0)], columns=COLUMNS)], ignore_index=True
    )
    reps = replicates(
        ShapleyModel(), rare, channels=(*CHANNELS, "r"), n_boot=300, seed=4, vectorised=False
    )
    absent = (reps[:, 3, 0] == 0).mean()
    assert absent == pytest.approx(np.exp(-1), abs=0.1)
    # Every replicate still attributes all its (resampled) conversions.
    total = reps[:, :, 0].sum(axis=1)
    assert np.all(total > 0)
    assert total.mean() == pytest.approx(rare["conversions"].sum(), rel=0.05)


def test_progress_is_reported() -> None:
    seen: list[tuple[int, int]] = []
    bootstrap(ShapleyModel(), PATHS, n_boot=12, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (12, 12)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    fast: list[tuple[int, int]] = []
    bootstrap(SimplifiedShapleyModel(), PATHS, n_boot=12, progress=lambda d, t: fast.append((d, t)))
    assert fast[-1] == (12, 12)


def test_user_errors() -> None:
    model = SimplifiedShapleyModel()
    with pytest.raises(TouchpathError, match="n_boot"):
        bootstrap(model, PATHS, n_boot=1)
    with pytest.raises(TouchpathError, match="level"):
        bootstrap(model, PATHS, level=1.5)
    with pytest.raises(TouchpathError, match="unit"):
        bootstrap(model, PATHS, unit="customer")  # type: ignore[arg-type]
    with pytest.raises(TouchpathError, match="no conversions"):
        bootstrap(model, PATHS.assign(conversions=0.0))
