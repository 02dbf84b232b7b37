"""The plan on the hand-worked example, gaps, and the exports.

With the defaults (target 0.9; weights: structure 1, attribution 1, reach 0.5, drop-off 0.5,
competitors 1, audience 0.5, negativity 1) and the signals below, by hand:

site (regular, in the one chain): structure = (0.5 + 1)/2 = 0.75; attribution 0.6/0.6 = 1;
reach 0.5/0.5 = 1; drop-off 0.2 → importance = (0.75 + 1 + 0.5·1 + 0.5·0.2)/3 = 2.35/3.
Ours 2/3, rival 0.75 → gap = max(0.9 − 2/3, 0.75 − 2/3) = 0.9 − 2/3. Negative share 0.5 →
negativity 1.5. Impact = 2.35/3 × (0.9 − 2/3) × 1.5 ≈ 0.2742.
phone (capture, in the chain, seen in events, not in the paths → attribution 1):
structure = (1 + 1)/2 = 1; reach 0.25/0.5; drop-off 0.1 → (1 + 1 + 0.25 + 0.05)/3 = 2.3/3;
gap = 0.9 − 0.6 = 0.3 → impact 0.23.
bot (missing; rival offers it, 1 of 2 competitors; messenger is an audience channel):
importance = (1·0.25 + 1·0.5 + 0.5·1)/2.5 = 0.5; rival scored it 1.0 → gap = max(0.9, 1) = 1
→ impact 0.5. blog: not audited → an "audit" item with no impact, last.
"""

from __future__ import annotations

import csv
import io

import pytest

from touchpath.audit.export import plan_csv, plan_markdown
from touchpath.audit.gaps import find_gaps
from touchpath.audit.plan import PlanConfig, Signals, build_plan
from touchpath.audit.scoring import score

from .conftest import tiny_catalogue, tiny_checklists
from .test_scoring import frame_of

SIGNALS = Signals(
    attribution={"site": 0.6, "blog": 0.4},
    reach={"site": 0.5, "phone": 0.25},
    dropoff={"site": 0.2, "phone": 0.1},
    negative={"site": 0.5},
)


def plan(signals: Signals | None = SIGNALS, config: PlanConfig | None = None):  # type: ignore[no-untyped-def]
    r = score(frame_of(), catalogue=tiny_catalogue(), checklists=tiny_checklists())
    return build_plan(
        r, catalogue=tiny_catalogue(), checklists=tiny_checklists(), signals=signals, config=config
    )


def test_impacts_and_order_match_the_hand_worked_example() -> None:
    items = {i.key: i for i in plan()}
    assert [i.key for i in plan()] == ["add:bot", "improve:site", "improve:phone", "audit:blog"]
    site = items["improve:site"]
    assert site.importance == pytest.approx(2.35 / 3)
    assert site.gap == pytest.approx(0.9 - 2 / 3)
    assert site.negativity == pytest.approx(1.5)
    assert site.impact == pytest.approx(2.35 / 3 * (0.9 - 2 / 3) * 1.5)
    phone = items["improve:phone"]
    assert phone.importance == pytest.approx(2.3 / 3)
    assert phone.impact == pytest.approx(2.3 / 3 * 0.3)
    assert phone.factors["conversion_point"] is True
    bot = items["add:bot"]
    assert (bot.importance, bot.gap, bot.impact) == pytest.approx((0.5, 1.0, 0.5))
    assert bot.factors["competitors"] == ["rival"]
    assert items["audit:blog"].impact is None


def test_without_data_importance_comes_from_the_audit_alone() -> None:
    items = {i.key: i for i in plan(signals=None)}
    # site: structure 0.75 only; phone: structure 1 only; no negativity
    assert items["improve:site"].impact == pytest.approx(0.75 * (0.9 - 2 / 3))
    assert items["improve:phone"].impact == pytest.approx(0.3)
    assert items["improve:site"].negativity == 1.0
    keys = [i.key for i in plan(signals=None)]
    assert keys.index("improve:phone") < keys.index("improve:site")


def test_weights_are_configurable() -> None:
    cfg = PlanConfig(target=1.0, negativity_weight=0.0)
    items = {i.key: i for i in plan(config=cfg)}
    assert items["improve:site"].gap == pytest.approx(1 / 3)
    assert items["improve:site"].negativity == 1.0
    with pytest.raises(ValueError):
        PlanConfig(target=1.5)


def test_reasons_name_the_numbers_and_the_weakest_parameter() -> None:
    items = {i.key: i for i in plan()}
    reason = items["improve:site"].reason
    assert "67%" in reason and "the target 90%" in reason
    assert "Chat (no)" in reason
    assert "50% of customer feedback about it is negative" in reason
    assert "Rival" in items["add:bot"].reason
    assert items["improve:site"].weakest[0]["parameter"] == "chat"


def test_gaps_missing_touchpoints_channels_types_and_chains() -> None:
    r = score(frame_of(), catalogue=tiny_catalogue(), checklists=tiny_checklists())
    g = find_gaps(tiny_catalogue(), r)
    assert [m.touchpoint for m in g.missing] == ["bot"]
    assert g.missing[0].competitor_scores == {"rival": pytest.approx(1.0)}
    # audience: site, phone, messenger, email; we are active on site, phone, social
    assert [m.channel for m in g.missed_channels] == ["messenger", "email"]
    assert g.missed_channels[0].planned == ["bot"] and g.missed_channels[0].competitors == ["rival"]
    assert g.types["capture"]["touchpoints"] == ["phone"]
    assert g.types["capture"]["mean_score"] == pytest.approx(0.6)
    chain = g.chains[0]
    assert chain.capture_points == ["phone"]
    assert not chain.ends_with_final_chord and chain.next_chain is None
    assert len(chain.problems) == 2
    assert g.unattended == ["site", "phone", "blog"]


def test_csv_and_markdown_exports() -> None:
    items = plan()
    items[1].owner = "=HYPERLINK(evil)"
    rows = list(csv.DictReader(io.StringIO(plan_csv(items))))
    assert [r["key"] for r in rows] == [i.key for i in items]
    assert rows[1]["impact"] == f"{items[1].impact:.3f}"
    assert rows[1]["owner"].startswith("'=")  # no formula in a spreadsheet
    assert rows[3]["impact"] == ""
    md = plan_markdown(items, title="Plan | test")
    assert md.startswith("# Plan \\| test\n")
    assert md.count("\n| ") == len(items) + 1
    assert "impact = importance × gap × negativity" in md
