"""Scoring on a hand-worked example: scales, weights, direction, missing values, ranking.

The example (tests/audit/conftest.py), worked by hand:

ours / site: conv (1-5, w 2) latest 5 → 1.0 (March); speed (measured 2..8 s, lower, w 1)
latest row is March and empty → missing (January's 5 s is not used); chat (yes/no, w 1)
only in January: no → 0. Score = (2·1.0 + 1·0) / (2 + 1) = 2/3; missing 1; coverage 3/4.
In January alone: conv 4 → 0.75, speed 5 s → (8−5)/(8−2) = 0.5, chat 0 → (1.5 + 0.5)/4 = 0.5.
ours / phone: rings (1..6, lower, w 1) 3 → (6−3)/5 = 0.6; polite (0-10, w 3) missing → 0.6,
coverage 1/4.
rival / site: conv 3 → 0.5, speed 1.5 s → beyond target, clipped to 1, chat yes → 1:
(2·0.5 + 1 + 1)/4 = 0.75. rival / phone: rings 10 → 0, polite 8 → 0.8: (0 + 3·0.8)/4 = 0.6.
rival / bot: reply 4 min (5..65, lower) → clipped 1.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from touchpath.audit.io import read_audit_csv
from touchpath.audit.model import OURS
from touchpath.audit.scoring import score
from touchpath.catalogue.checklists import ChecklistError, parse_checklists

from .conftest import AUDIT_CSV, tiny_catalogue, tiny_checklists


def frame_of(text: str = AUDIT_CSV) -> pd.DataFrame:
    """The score table the store would hand back, built without a database."""
    audits = read_audit_csv(
        text, catalogue=tiny_catalogue(), checklists=tiny_checklists(), filename="t.csv"
    )
    rows = [
        (i, a.date, a.auditor, a.subject, s.touchpoint, s.parameter, s.value, s.evidence, s.link)
        for i, a in enumerate(audits, start=1)
        for s in a.scores
    ]
    from touchpath.store.audits import SCORE_COLUMNS

    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    return frame


def tp_score(result_tps: pd.DataFrame, subject: str, tp: str) -> pd.Series:
    row = result_tps[(result_tps.subject == subject) & (result_tps.touchpoint == tp)]
    assert len(row) == 1
    return row.iloc[0]


def test_touchpoint_scores_match_the_hand_worked_example() -> None:
    r = score(frame_of(), catalogue=tiny_catalogue(), checklists=tiny_checklists())
    site = tp_score(r.touchpoints, OURS, "site")
    assert site.score == pytest.approx(2 / 3)
    assert (site.checked, site.missing) == (2, 1)
    assert site.coverage == pytest.approx(3 / 4)
    phone = tp_score(r.touchpoints, OURS, "phone")
    assert phone.score == pytest.approx(0.6)
    assert phone.coverage == pytest.approx(1 / 4)
    assert tp_score(r.touchpoints, "rival", "site").score == pytest.approx(0.75)
    assert tp_score(r.touchpoints, "rival", "phone").score == pytest.approx(0.6)
    assert tp_score(r.touchpoints, "rival", "bot").score == pytest.approx(1.0)


def test_a_missing_value_is_missing_not_zero() -> None:
    r = score(frame_of(), catalogue=tiny_catalogue(), checklists=tiny_checklists())
    p = r.parameters
    speed = p[(p.subject == OURS) & (p.touchpoint == "site") & (p.parameter == "speed")].iloc[0]
    assert math.isnan(speed.value) and math.isnan(speed.norm)
    assert speed.evidence == "could not measure"
    polite = p[(p.subject == OURS) & (p.parameter == "polite")].iloc[0]
    assert math.isnan(polite.norm)
    # had the missing values counted as 0 the site would score 2/4 and the phone 0.6/4
    assert tp_score(r.touchpoints, OURS, "site").score != pytest.approx(0.5)


def test_history_as_of_an_earlier_date() -> None:
    r = score(
        frame_of(),
        catalogue=tiny_catalogue(),
        checklists=tiny_checklists(),
        as_of=date(2026, 1, 31),
    )
    assert tp_score(r.touchpoints, OURS, "site").score == pytest.approx(0.5)
    assert set(r.touchpoints.subject) == {OURS}


def test_stage_chain_and_comparison() -> None:
    r = score(frame_of(), catalogue=tiny_catalogue(), checklists=tiny_checklists())
    st = r.stages.set_index(["subject", "stage"])
    # search: ours has site (2/3) and blog (not audited) -> mean over the scored one
    assert st.loc[(OURS, "search"), "score"] == pytest.approx(2 / 3)
    assert st.loc[(OURS, "search"), ["scored", "touchpoints"]].tolist() == [1, 2]
    # purchase: ours has phone only (bot is missing); rival has phone 0.6 and bot 1.0
    assert st.loc[(OURS, "purchase"), "score"] == pytest.approx(0.6)
    assert st.loc[("rival", "purchase"), "score"] == pytest.approx(0.8)
    assert math.isnan(st.loc[("other", "search"), "score"])
    chain = r.chains.set_index("chain").loc["main"]
    assert chain.score == pytest.approx((2 / 3 + 0.6) / 2)
    cmp = r.comparison.set_index("touchpoint")
    assert cmp.loc["site", "best_competitor"] == "rival"
    assert cmp.loc["site", "gap_to_best"] == pytest.approx(0.75 - 2 / 3)
    assert cmp.loc["site", "best_in_class"] == "rival"
    assert cmp.loc["phone", "gap_to_best"] == pytest.approx(0.0)
    assert math.isnan(cmp.loc["blog", OURS])
    assert cmp.loc["bot", "best_score"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("line", "value", "expected"),
    [
        ("scale: '1-5'", "3", 0.5),
        ("scale: '0-10'", "7", 0.7),
        ("scale: yes_no", "да", 1.0),
        ("scale: measured, target: 60, worst: 600, direction: lower", "330", 0.5),
        ("scale: measured, target: 4.8, worst: 3.5, direction: higher", "4.15", 0.5),
        ("scale: measured, target: 4.8, worst: 3.5, direction: higher", "3", 0.0),
    ],
)
def test_each_scale_normalises_as_documented(line: str, value: str, expected: float) -> None:
    lists = parse_checklists(
        "channels:\n  site:\n    - {id: p, name_en: P, name_ru: П, " + line + "}\n"
    )
    p = lists.parameter("site", "p")
    parsed = p.parse(value)
    assert parsed is not None
    assert p.normalise(parsed) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("scale: '1-5'", "6"),
        ("scale: '1-5'", "0"),
        ("scale: '0-10'", "-1"),
        ("scale: yes_no", "maybe"),
        ("scale: measured, target: 1, worst: 5, direction: lower", "-2"),
        ("scale: '1-5'", "abc"),
    ],
)
def test_values_outside_their_scale_are_refused(line: str, value: str) -> None:
    lists = parse_checklists(
        "channels:\n  site:\n    - {id: p, name_en: P, name_ru: П, " + line + "}\n"
    )
    with pytest.raises(ChecklistError):
        lists.parameter("site", "p").parse(value)


def test_a_measured_parameter_must_point_the_right_way() -> None:
    with pytest.raises(ChecklistError, match="direction"):
        parse_checklists(
            "channels:\n  site:\n    - {id: p, name_en: P, name_ru: П, scale: measured,"
            " target: 10, worst: 1, direction: lower}\n",
            filename="x.yaml",
        )


def test_score_history_after_each_of_our_audits() -> None:
    from touchpath.audit.scoring import score_history

    h = score_history(frame_of(), catalogue=tiny_catalogue(), checklists=tiny_checklists())
    rows = {(str(r["date"]), r["touchpoint"]): r["score"] for r in h.to_dict("records")}
    # January: site only, 0.5; March: site 2/3 (speed now missing), phone 0.6
    assert rows == pytest.approx(
        {("2026-01-10", "site"): 0.5, ("2026-03-01", "site"): 2 / 3, ("2026-03-01", "phone"): 0.6}
    )
    rival = score_history(
        frame_of(), catalogue=tiny_catalogue(), checklists=tiny_checklists(), subject="rival"
    )
    assert set(rival["date"].astype(str)) == {"2026-02-01"}
