"""Rules as data: validation, YAML round trip, one-line errors, conditions, cron."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from touchpath.automation.conditions import holds
from touchpath.automation.rules import Condition, Rule, pick_text
from touchpath.automation.schedule import due_times, parse_cron
from touchpath.automation.yaml_io import (
    RulesFileError,
    dump_rules_yaml,
    load_rules_yaml,
    parse_rules_yaml,
)

GOOD = """\
- name: lead_callback
  title: Lead from the site
  trigger: {kind: event, event_name: [form_filled], touchpoint: [callback_request]}
  conditions:
    - {field: event.value, op: gte, value: 1000}
  actions:
    - kind: task
      title: {en: "Call {{ customer.name }}", ru: "Перезвонить {{ customer.name }}"}
      due_minutes: 15
    - kind: sms
      text: "Спасибо, {{ customer.name }}!"
- name: nightly
  trigger: {kind: schedule, cron: "0 3 * * *"}
  actions:
    - {kind: webhook, url: "https://example.com/hook"}
"""


def test_yaml_round_trip(tmp_path: Path) -> None:
    rules = parse_rules_yaml(GOOD, filename="rules.yaml")
    assert [r.name for r in rules] == ["lead_callback", "nightly"]
    path = tmp_path / "out.yaml"
    path.write_text(dump_rules_yaml(rules), encoding="utf-8")
    assert load_rules_yaml(path) == rules
    assert "Перезвонить" in path.read_text(encoding="utf-8")  # readable, not \u escapes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("due_minutes: 15", "due_minutes: -5"),
            "rules.yaml:9: 0.actions.0.due_minutes:",
        ),
        (GOOD.replace("op: gte", "op: like"), "rules.yaml:5: 0.conditions.0.op:"),
        (GOOD.replace("event.value", "__class__.x"), "rules.yaml:5: 0.conditions.0.field:"),
        (GOOD.replace('"0 3 * * *"', '"0 25 * * *"'), "rules.yaml:13: 1.trigger:"),
        (
            GOOD.replace("{{ customer.name }}!", "{{ customer.name }!"),
            "rules.yaml:11: 0.actions.1.text:",
        ),
        (GOOD.replace("name: nightly", "name: lead_callback"), "rules.yaml:12: 1.name:"),
        (GOOD.replace("kind: webhook", "kind: fax"), "rules.yaml:15: 1.actions.0.kind:"),
        ("- name: [unclosed\n", "rules.yaml:2: syntax:"),
        ("name: x\n", "rules.yaml:1: trigger: Field required"),  # one rule, not a list
        ("42\n", "rules.yaml:1: rules: want a list of rules"),
    ],
)
def test_errors_name_file_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(RulesFileError) as info:
        parse_rules_yaml(text, filename="rules.yaml")
    assert str(info.value).startswith(expected), str(info.value)
    assert "\n" not in str(info.value)


def test_template_with_a_forbidden_include_is_refused_on_import() -> None:
    text = GOOD.replace('"Спасибо, {{ customer.name }}!"', "\"{% include '/etc/passwd' %}\"")
    with pytest.raises(RulesFileError, match=r"actions\.1\.text: .*include"):
        parse_rules_yaml(text, filename="rules.yaml")


def test_conditions() -> None:
    data = {"event": {"value": "1500", "touchpoint": "checkout"}, "customer": {"segment": None}}

    def c(field: str, op: str, value: object = None) -> Condition:
        return Condition.model_validate({"field": field, "op": op, "value": value})

    assert holds([c("event.value", "gt", 999), c("event.touchpoint", "in", ["checkout"])], data)
    assert not holds([c("event.value", "lt", 1000)], data)
    assert holds([c("customer.segment", "exists", False)], data)
    assert holds([c("customer.email", "ne", "x")], data)  # absent: only ne and exists:false hold
    assert not holds([c("customer.email", "eq", "x")], data)
    assert not holds([c("event.touchpoint", "gt", 5)], data)  # text vs number: no order
    assert holds([c("event.touchpoint", "startswith", "check")], data)
    assert holds([], data)


def test_pick_text_falls_back() -> None:
    assert pick_text({"en": "Hi", "ru": "Привет"}, "ru-RU", "en") == "Привет"
    assert pick_text({"en": "Hi", "ru": "Привет"}, None, "ru") == "Привет"
    assert pick_text({"sr": "Zdravo"}, "kk", "ru") == "Zdravo"


def test_cron_against_a_hand_worked_week() -> None:
    # Mon-Fri at 09:30: from Saturday 2026-11-21 00:00 over two days there is nothing ...
    cron = parse_cron("30 9 * * 1-5")
    sat = datetime(2026, 11, 21, tzinfo=UTC)
    assert due_times(cron, sat, datetime(2026, 11, 22, 23, 59, tzinfo=UTC)) == []
    # ... and Monday 09:30 is next
    got = due_times(cron, sat, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    assert got == [datetime(2026, 11, 23, 9, 30, tzinfo=UTC)]
    # both day fields restricted: either matches (1st of the month OR a Sunday)
    either = parse_cron("0 0 1 * 0")
    assert either.matches(datetime(2026, 11, 1, tzinfo=UTC))  # a Sunday and the 1st
    assert either.matches(datetime(2026, 11, 8, tzinfo=UTC))  # a Sunday
    assert either.matches(datetime(2026, 12, 1, tzinfo=UTC))  # a Tuesday, the 1st
    assert not either.matches(datetime(2026, 12, 2, tzinfo=UTC))
    with pytest.raises(ValueError, match="hour"):
        parse_cron("0 24 * * *")


def test_a_rule_needs_an_action() -> None:
    with pytest.raises(ValueError, match="actions"):
        Rule.model_validate({"name": "x", "trigger": {"kind": "event"}, "actions": []})


def test_billion_laughs_is_refused_quickly() -> None:
    import time

    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("name: bomb")
    start = time.monotonic()
    with pytest.raises(RulesFileError, match="more than 200000 YAML nodes"):
        parse_rules_yaml("\n".join(lines) + "\n", filename="bomb.yaml")
    assert time.monotonic() - start < 2.0
