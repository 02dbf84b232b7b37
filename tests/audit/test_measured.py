"""Reply speed measured from the automation's tasks becomes an audit value of ours."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from touchpath.audit.measured import reply_speed_rows
from touchpath.audit.scoring import score
from touchpath.catalogue.checklists import default_checklists
from touchpath.model import Catalogue, Touchpoint

DAY = dt.date(2026, 3, 1)


def catalogue() -> Catalogue:
    return Catalogue(
        business="b",
        touchpoints=[
            Touchpoint(id="chat", name="Chat", channel="messenger"),
            Touchpoint(id="mail", name="Mail", channel="email"),
            Touchpoint(id="ad", name="Ad", channel="banner_ads"),
        ],
    )


def times(**medians: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "touchpoint": list(medians),
            "n": [10] * len(medians),
            "median_seconds": list(medians.values()),
            "p90_seconds": [v * 2 for v in medians.values()],
        }
    )


def test_values_are_in_each_parameters_unit_and_unknown_ones_are_skipped() -> None:
    checklists = default_checklists()
    rows = reply_speed_rows(
        catalogue(), checklists, times(chat=150.0, mail=3 * 3600.0, ad=5.0, ghost=1.0), on=DAY
    )
    got = dict(zip(rows["touchpoint"], rows["value"], strict=True))
    units = {
        tp: checklists.parameter(ch, "reply_speed").unit
        for tp, ch in (("chat", "messenger"), ("mail", "email"))
    }
    per = {"s": 1, "min": 60, "h": 3600}
    assert got == {"chat": 150.0 / per[units["chat"]], "mail": 3 * 3600.0 / per[units["mail"]]}
    assert set(rows["subject"]) == {"ours"} and set(rows["date"]) == {DAY}


def test_the_measured_value_scores_like_an_auditors() -> None:
    checklists = default_checklists()
    p = checklists.parameter("messenger", "reply_speed")
    assert p.target is not None and p.worst is not None
    seconds = {"s": 1, "min": 60, "h": 3600}[p.unit or "s"]
    # halfway between the target and the worst value scores 0.5
    median = (p.target + p.worst) / 2 * seconds
    rows = reply_speed_rows(catalogue(), checklists, times(chat=median), on=DAY)
    result = score(rows, catalogue=catalogue(), checklists=checklists)
    chat = result.parameters[
        (result.parameters["touchpoint"] == "chat")
        & (result.parameters["parameter"] == "reply_speed")
    ]
    assert float(chat["norm"].iloc[0]) == pytest.approx(0.5)
