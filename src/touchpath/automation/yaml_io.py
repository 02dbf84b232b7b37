"""Rules to and from YAML; a mistake is one line naming the file, the line and the field.

A rules file is a list of rules (or ``{rules: [...]}``). Reading composes the YAML into
nodes first, so a validation error on ``rules[2].actions[0].due_minutes`` points at the
line where that field is written.

>>> rules = parse_rules_yaml('''
... - name: lead_callback
...   trigger: {kind: event, event_name: [form_filled]}
...   actions: [{kind: task, title: Call back, due_minutes: 15}]
... ''', filename="rules.yaml")
>>> rules[0].name
'lead_callback'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError
from yaml.nodes import MappingNode, Node, SequenceNode

from touchpath.automation.rules import Rule
from touchpath.automation.templates import check_rule_templates
from touchpath.errors import FileIssue, TouchpathError
from touchpath.safe_yaml import too_many_nodes

_RULES = TypeAdapter(list[Rule])
MAX_BYTES = 2_000_000
MAX_NODES = 200_000


class RulesFileError(TouchpathError):
    """A rules file is wrong; ``str()`` is ``<file>:<line>: <field>: <message>``."""

    def __init__(self, issue: FileIssue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def load_rules_yaml(path: Path) -> list[Rule]:
    """Read and validate a rules file (templates are compiled in the sandbox too).

    The file holds a list of rules, ``{rules: [...]}``, or a single rule (a mapping with a
    ``name``); the web editor uses the last form."""
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise RulesFileError(FileIssue(str(path), 1, "file", f"larger than {MAX_BYTES} bytes"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RulesFileError(FileIssue(str(path), line, "encoding", "not UTF-8 text")) from None
    return parse_rules_yaml(text, filename=str(path))


def parse_rules_yaml(text: str, *, filename: str) -> list[Rule]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is not None and too_many_nodes(root, MAX_NODES):
            issue = FileIssue(filename, 1, "rules", f"more than {MAX_NODES} YAML nodes")
            raise RulesFileError(issue)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = int(mark.line) + 1 if mark is not None else 1
        message = str(getattr(exc, "problem", None) or exc).strip()
        raise RulesFileError(FileIssue(filename, line, "syntax", message)) from None
    prefix: list[str | int] = []
    if isinstance(data, dict) and set(data) == {"rules"}:
        data, prefix = data["rules"], ["rules"]
    single = isinstance(data, dict) and "name" in data  # one rule, not a list of them
    if single:
        data = [data]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise RulesFileError(FileIssue(filename, 1, "rules", "want a list of rules"))
    try:
        rules = _RULES.validate_python(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _without_tags(data, err["loc"])
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            where.append("kind")
        if single:
            where = where[1:]
        loc = [*prefix, *where]
        field = ".".join(str(p) for p in where) or "rules"
        raise RulesFileError(
            FileIssue(filename, _line(root, loc), field, _message(err["msg"]))
        ) from None
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.name in seen:
            loc = [*prefix, i, "name"]
            issue = FileIssue(filename, _line(root, loc), f"{i}.name", f"{rule.name!r} twice")
            raise RulesFileError(issue)
        seen.add(rule.name)
        problem = check_rule_templates(rule)
        if problem is not None:
            path, message = problem
            parts = [int(p) if p.isdigit() else p for p in path.split(".")]
            loc = [*prefix, *([] if single else [i]), *parts]
            issue = FileIssue(
                filename, _line(root, loc), path if single else f"{i}.{path}", message
            )
            raise RulesFileError(issue)
    return rules


def dump_rules_yaml(rules: Sequence[Rule]) -> str:
    """YAML of ``rules``: ``kind`` first, fields at their defaults left out, Unicode readable."""
    docs = []
    for rule in rules:
        doc = rule.model_dump(mode="json", exclude_defaults=True)
        trigger = rule.trigger.model_dump(mode="json", exclude_defaults=True)
        doc["trigger"] = {"kind": rule.trigger.kind, **trigger}
        doc["actions"] = [
            {"kind": a.kind, **a.model_dump(mode="json", exclude_defaults=True)}
            for a in rule.actions
        ]
        order = ("name", "title", "enabled", "language", "trigger", "conditions", "actions")
        docs.append({k: doc[k] for k in order if k in doc})
    return yaml.safe_dump(docs, allow_unicode=True, sort_keys=False, width=10_000)


def _without_tags(data: Any, loc: Sequence[Any]) -> list[Any]:
    """Pydantic's location without the discriminator values it inserts (``actions.0.task``)."""
    clean: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node and node.get("kind") == part:
            continue
        clean.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    return clean


def _message(msg: str) -> str:
    return msg.removeprefix("Value error, ")


def _line(root: Node | None, loc: Sequence[Any]) -> int:
    """The line of the node at ``loc``, or of its nearest present parent."""
    if root is None:
        return 1
    node: Node = root
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if key.value == part:
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                return line
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
