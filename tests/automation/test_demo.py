"""The demo's rules and history: valid, rendering in both languages, owned by real owners."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from touchpath.automation import rulebook, tasks
from touchpath.automation.preview import preview_rule
from touchpath.bootstrap import init_workspace
from touchpath.catalogue.yaml_io import load_catalogue_yaml
from touchpath.demo.automation import DATA, DESKS, demo_rules, store_demo_automation
from touchpath.store.db import create_engine


@pytest.mark.parametrize("business", ["shop", "clinic"])
def test_demo_rules_render_in_russian_and_english(business: str) -> None:
    rules = demo_rules(business)
    assert len(rules) >= 5
    kinds = {r.trigger.kind for r in rules}
    assert {"event", "feedback", "no_reply"} <= kinds
    catalogue = load_catalogue_yaml(DATA / f"{business}.yaml")
    ids = {tp.id for tp in catalogue.touchpoints}
    for rule in rules:
        trigger = rule.trigger.model_dump()
        for field in ("touchpoint",):
            assert set(trigger.get(field) or []) <= ids, (rule.name, trigger)
        for lang in ("ru", "en"):
            for action in preview_rule(rule, language=lang):
                assert "errors" not in action, (rule.name, lang, action)


@pytest.mark.parametrize("business", ["shop", "clinic"])
def test_demo_history_belongs_to_the_catalogue_owners(tmp_path: Path, business: str) -> None:
    catalogue = load_catalogue_yaml(DATA / f"{business}.yaml")
    ws = init_workspace(tmp_path / business, catalogue=catalogue)
    made = store_demo_automation(ws, business, seed=5)
    engine = create_engine(ws.metadata_url)
    with Session(engine) as session:
        stored = rulebook.list_rules(session=session)
        frame = tasks.response_times(session=session)
        summary = tasks.sla_summary(session=session)
    engine.dispose()
    assert [s.rule.name for s in stored] == [r.name for r in demo_rules(business)]
    assert all(s.watermark == rulebook.FROM_NOW for s in stored)
    owners = {tp.id: tp.owner for tp in catalogue.touchpoints}
    assert set(zip(frame["touchpoint"], frame["manager"], strict=True)) == {
        (d.touchpoint, owners[d.touchpoint]) for d in DESKS[business]
    }
    assert sum(summary.values()) == made
    assert (frame["p90_seconds"] >= frame["median_seconds"]).all()
    assert frame["median_seconds"].min() < 15 * 60  # the chat desks answer within their SLA, mostly
