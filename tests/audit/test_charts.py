"""The audit charts are pure functions of the comparison table; missing stays missing."""

from __future__ import annotations

import math

import pandas as pd

from touchpath.audit.model import OURS
from touchpath.charts.audit import heatmap_chart, radar_chart

TABLE = pd.DataFrame(
    {
        "touchpoint": ["site", "phone", "bot"],
        OURS: [2 / 3, 0.6, float("nan")],
        "rival": [0.75, float("nan"), 1.0],
    }
)


def test_heatmap_has_a_gap_where_nothing_was_audited() -> None:
    fig = heatmap_chart(
        TABLE, subjects=[OURS, "rival"], names={"site": "Сайт"}, subject_names={OURS: "Мы"}
    )
    heat = fig.data[0]
    z = [list(row) for row in heat.z]
    assert z[0] == [2 / 3, 0.75]
    assert z[1][0] == 0.6 and math.isnan(z[1][1])
    assert math.isnan(z[2][0]) and z[2][1] == 1.0
    assert [list(r) for r in heat.text] == [["67%", "75%"], ["60%", "—"], ["—", "100%"]]
    assert list(heat.y) == ["Сайт", "phone", "bot"] and list(heat.x) == ["Мы", "rival"]
    assert (heat.zmin, heat.zmax) == (0, 1)


def test_radar_covers_our_audited_touchpoints_and_keeps_gaps() -> None:
    fig = radar_chart(TABLE, subjects=[OURS, "rival"])
    ours, rival = fig.data
    assert list(ours.theta) == ["site", "phone", "site"]  # closed; bot is not ours
    assert list(ours.r) == [2 / 3, 0.6, 2 / 3]
    assert list(rival.r) == [0.75, None, 0.75]  # a gap, not a zero
    assert rival.connectgaps is False
