"""The side-by-side table of models and its chart."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from touchpath.attribution.base import AttributionModel, EncodedPaths, attribution_frame
from touchpath.attribution.bootstrap import bootstrap
from touchpath.attribution.compare import compare, wide
from touchpath.attribution.shapley import ShapleyModel, SimplifiedShapleyModel
from touchpath.charts.attribution import comparison_chart
from touchpath.errors import TouchpathError

COLUMNS = ["path", "conversions", "value", "nulls"]

# The hand-worked game of test_shapley.py: conversions-game credits a 6.5, b 4, c 1.5.
HAND = pd.DataFrame(
    [
        (("a",), 2.0, 20.0, 8.0),
        (("b",), 1.0, 10.0, 9.0),
        (("a", "b"), 4.0, 40.0, 3.0),
        (("b", "a", "b"), 2.0, 20.0, 1.0),
        (("c",), 0.0, 0.0, 10.0),
        (("a", "c"), 3.0, 30.0, 7.0),
    ],
    columns=COLUMNS,
)


class LastTouch(AttributionModel):
    """A tiny reference model: every conversion to the path's last channel.

    It credits only channels that end a converting path, so c (never last) is absent
    from its attribution_.
    """

    name: ClassVar[str] = "last"

    def __init__(self) -> None:
        pass

    def _fit(self, encoded: EncodedPaths) -> None:
        last = encoded.codes[encoded.last]
        n = len(encoded.channels)
        conv = np.bincount(last, weights=encoded.conversions, minlength=n).astype(np.float64)
        value = np.bincount(last, weights=encoded.value, minlength=n).astype(np.float64)
        used = np.flatnonzero(conv > 0)
        self.attribution_ = attribution_frame(
            tuple(encoded.channels[i] for i in used), conv[used], value[used]
        )


def test_table_shape_sums_and_numbers() -> None:
    models = [ShapleyModel(), ShapleyModel(game="rate"), LastTouch()]
    table = compare(models, HAND)
    assert list(table.columns) == [
        "model",
        "channel",
        "conversions",
        "share",
        "value",
        "value_share",
    ]
    assert len(table) == 3 * 3  # every model × every channel
    assert list(pd.unique(table["model"])) == ["shapley", "shapley (rate)", "last"]
    per_model = table.groupby("model")[["conversions", "value", "share", "value_share"]].sum()
    assert per_model["conversions"].to_numpy() == pytest.approx([12, 12, 12])
    assert per_model["value"].to_numpy() == pytest.approx([120, 120, 120])
    assert per_model[["share", "value_share"]].to_numpy() == pytest.approx(np.ones((3, 2)))
    got = table.set_index(["model", "channel"])["conversions"]
    # Hand-worked in test_shapley.py: conversions game a 6.5, b 4, c 1.5; rate game 86/9,
    # 149/36, -61/36.
    assert got["shapley"].to_dict() == pytest.approx({"a": 6.5, "b": 4.0, "c": 1.5})
    assert got["shapley (rate)"].to_dict() == pytest.approx(
        {"a": 86 / 9, "b": 149 / 36, "c": -61 / 36}
    )
    # Last touch by hand: a ends "a" (2); b ends "b", "a>b", "b>a>b" (1 + 4 + 2 = 7);
    # c ends "a>c" (3).
    assert got["last"].to_dict() == pytest.approx({"a": 2.0, "b": 7.0, "c": 3.0})
    assert got["shapley"]["a"] / 12 == pytest.approx(
        table.set_index(["model", "channel"]).loc[("shapley", "a"), "share"]
    )


def test_channel_order_and_missing_credit() -> None:
    """Channels by mean share over the models; a channel a model leaves out gets 0."""
    paths = pd.concat(
        [HAND, pd.DataFrame([(("d", "a"), 1.0, 5.0, 0.0)], columns=COLUMNS)], ignore_index=True
    )
    table = compare({"simplified": SimplifiedShapleyModel(), "last": LastTouch()}, paths)
    got = table.set_index(["model", "channel"])["conversions"]
    assert got[("last", "d")] == 0.0
    shares = table.groupby("channel")["share"].mean()
    order = list(pd.unique(table["channel"]))
    assert order == sorted(order, key=lambda c: (-shares[c], c))
    assert list(pd.unique(table["model"])) == ["simplified", "last"]


def test_duplicate_names_are_numbered_and_models_stay_unfitted() -> None:
    one, two = ShapleyModel(), ShapleyModel(method="permutation", n_permutations=50)
    table = compare([one, two], HAND)
    assert list(pd.unique(table["model"])) == ["shapley", "shapley (2)"]
    assert not hasattr(one, "attribution_") and not hasattr(two, "attribution_")
    with pytest.raises(TouchpathError, match="no models"):
        compare([], HAND)


def test_intervals_are_the_bootstrap_intervals() -> None:
    seen: list[tuple[int, int]] = []
    table = compare(
        [ShapleyModel(), LastTouch()],
        HAND,
        intervals=True,
        n_boot=30,
        seed=4,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[-1] == (60, 60)
    assert {"conversions_low", "conversions_high", "value_low", "value_high"} <= set(table)
    ci = bootstrap(ShapleyModel(), HAND, n_boot=30, seed=4)
    conv = ci[ci["metric"] == "conversions"].set_index("channel")
    rows = table[table["model"] == "shapley"].set_index("channel")
    assert rows["conversions_low"].to_dict() == pytest.approx(conv["low"].to_dict())
    assert rows["conversions_high"].to_dict() == pytest.approx(conv["high"].to_dict())
    assert (table["conversions_low"] <= table["conversions"]).all()
    assert (table["conversions"] <= table["conversions_high"]).all()


def test_wide_form() -> None:
    table = compare([ShapleyModel(), LastTouch()], HAND)
    grid = wide(table)
    assert list(grid.columns) == ["channel", "shapley", "last"]
    assert list(grid["channel"]) == list(pd.unique(table["channel"]))
    assert grid.set_index("channel").loc["b", "last"] == pytest.approx(7.0)
    shares = wide(table, "share")
    assert shares[["shapley", "last"]].sum().to_numpy() == pytest.approx([1.0, 1.0])
    with pytest.raises(TouchpathError, match="nope"):
        wide(table, "nope")


def test_chart_has_one_bar_series_per_model_with_error_bars() -> None:
    table = compare([ShapleyModel(), LastTouch()], HAND, intervals=True, n_boot=20)
    figure = comparison_chart(table)
    assert [trace.name for trace in figure.data] == ["shapley", "last"]
    assert figure.layout.barmode == "group"
    first = figure.data[0]
    rows = table[table["model"] == "shapley"]
    assert list(first.x) == list(rows["channel"])
    assert list(first.y) == pytest.approx(list(rows["conversions"]))
    assert list(first.error_y.array) == pytest.approx(
        list(rows["conversions_high"] - rows["conversions"])
    )
    assert list(first.error_y.arrayminus) == pytest.approx(
        list(rows["conversions"] - rows["conversions_low"])
    )
    assert figure.layout.xaxis.title.text == "Channel"
    plain = comparison_chart(compare([ShapleyModel()], HAND), metric="share")
    assert plain.data[0].error_y.array is None
    assert plain.layout.yaxis.tickformat == ".0%"
    with pytest.raises(TouchpathError, match="metric"):
        comparison_chart(table, metric="nope")  # type: ignore[arg-type]
