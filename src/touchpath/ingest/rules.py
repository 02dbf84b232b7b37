"""Touchpoint mapping rules: which catalogue touchpoint an imported event is.

A workspace's ``rules.yaml`` (or the ``touchpoints:`` section of an import mapping) lists
rules in order; the **first** rule whose fields all match gives the event its touchpoint::

    touchpoints:
      - touchpoint: contacts_page
        url: "*/contacts*"
      - touchpoint: yandex_direct
        utm_source: [yandex, ya.ru]
        utm_medium: cpc
      - touchpoint: callback_form
        event_name: "re:^(callback|call_me)_"

Each match field takes one pattern or a list of patterns (any of them may match):

- ``re:<regex>``: a regular expression searched anywhere in the value (RE2 syntax, as DuckDB
  runs it; lookarounds and back-references are refused);
- a text with ``*`` (any run of characters) or ``?`` (one character): a glob over the whole
  value;
- any other text: the whole value, exactly.

Matching ignores letter case. A missing value counts as the empty text, so ``utm_source: ""``
matches events without a source. ``utm_source`` / ``utm_medium`` / ``utm_campaign`` read the
staged ``source`` / ``medium`` / ``campaign`` columns and, when those are empty, the
``utm_*`` parameter of the event's url.

The same rules run in two places with identical meaning: :func:`touchpoint_sql` builds one
DuckDB ``CASE`` expression for bulk imports, :func:`match_touchpoint` is the pure-Python
oracle (tests check that both agree on random rows).

>>> rules = [TouchpointRule(touchpoint="contacts_page", url="*/contacts*")]
>>> match_touchpoint(rules, {"url": "https://shop.ru/contacts/"})
'contacts_page'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from touchpath.errors import FileIssue, TouchpathError
from touchpath.model.base import Slug

__all__ = [
    "MATCH_FIELDS",
    "MappingRules",
    "RuleIssue",
    "RulesError",
    "TouchpointRule",
    "UnknownTouchpointError",
    "load_rules",
    "match_touchpoint",
    "parse_rules",
    "pattern_match",
    "pattern_sql",
    "sql_literal",
    "touchpoint_sql",
]

MATCH_FIELDS: dict[str, str] = {
    "event_name": "event_name",
    "url": "url",
    "utm_source": "source",
    "utm_medium": "medium",
    "utm_campaign": "campaign",
    "referrer": "referrer",
    "channel": "channel",
}
"""Rule field → staged column it is matched against."""

_UTM_FALLBACK = {"source": "utm_source", "medium": "utm_medium", "campaign": "utm_campaign"}

# Constructs Python's ``re`` accepts but DuckDB's RE2 does not (or reads differently).
_NOT_RE2 = re.compile(r"\(\?[=!]|\(\?<[=!]|\(\?P=|\(\?>|\\[1-9]|\\Z|[*+?}][+]")


def sql_literal(text: str) -> str:
    """A SQL string literal for ``text``: quotes doubled, so no value can end the literal.

    >>> sql_literal("it's")
    "'it''s'"
    """
    if "\x00" in text:
        raise ValueError("text contains a NUL character")
    return "'" + text.replace("'", "''") + "'"


def _url_param_regex(name: str) -> str:
    return rf"[?&]{name}=([^&#]*)"


def _glob_to_like(glob: str) -> str:
    out = []
    for ch in glob:
        if ch == "*":
            out.append("%")
        elif ch == "?":
            out.append("_")
        elif ch in "\\%_":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _glob_to_regex(glob: str) -> str:
    return "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in glob)


@dataclass(frozen=True)
class _Pattern:
    kind: Literal["exact", "glob", "regex"]
    text: str

    @classmethod
    def parse(cls, raw: str) -> _Pattern:
        if raw.startswith("re:"):
            return cls("regex", raw[3:])
        if "*" in raw or "?" in raw:
            return cls("glob", raw.lower())
        return cls("exact", raw.lower())

    @cached_property
    def _compiled(self) -> re.Pattern[str]:
        if self.kind == "regex":
            return re.compile(self.text, re.IGNORECASE)
        return re.compile(_glob_to_regex(self.text), re.DOTALL)

    def matches(self, value: str) -> bool:
        if self.kind == "exact":
            return value.lower() == self.text
        if self.kind == "glob":
            return self._compiled.fullmatch(value.lower()) is not None
        return self._compiled.search(value) is not None

    def sql(self, column: str) -> str:
        return self.sql_on(f"lower({column})", column)

    def sql_on(self, lowered: str, raw: str) -> str:
        """SQL over the value lower-cased (exact, glob) or as it is (regex, flag i)."""
        if self.kind == "exact":
            return f"{lowered} = {sql_literal(self.text)}"
        if self.kind == "glob":
            return f"{lowered} LIKE {sql_literal(_glob_to_like(self.text))} ESCAPE '\\'"
        return f"regexp_matches({raw}, {sql_literal(self.text)}, 'i')"


def _check_pattern(raw: str) -> str:
    if "\x00" in raw:
        raise ValueError("a pattern may not contain a NUL character")
    if raw.startswith("re:"):
        regex = raw[3:]
        try:
            re.compile(regex)
        except re.error as exc:
            raise ValueError(f"bad regular expression {regex!r}: {exc}") from None
        if _NOT_RE2.search(regex):
            raise ValueError(
                f"regular expression {regex!r} uses lookaround, back-references, atomic "
                "groups, \\Z or possessive quantifiers, which DuckDB's RE2 does not support"
            )
    return raw


Patterns = str | list[str] | None


class TouchpointRule(BaseModel):
    """One mapping rule: events matching **all** given fields get ``touchpoint``.

    >>> rule = TouchpointRule(touchpoint="vk_ads", utm_source=["vk", "vk.com"], utm_medium="cpc")
    >>> rule.matches({"source": "VK", "medium": "cpc"})
    True
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    touchpoint: Slug
    event_name: Patterns = None
    url: Patterns = None
    utm_source: Patterns = None
    utm_medium: Patterns = None
    utm_campaign: Patterns = None
    referrer: Patterns = None
    channel: Patterns = None
    description: str | None = None

    @field_validator(*MATCH_FIELDS, mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        # YAML reads `utm_campaign: 2024` as a number; the user means the text.
        def text(item: Any) -> Any:
            is_number = isinstance(item, int | float) and not isinstance(item, bool)
            return str(item) if is_number else item

        return [text(v) for v in value] if isinstance(value, list) else text(value)

    @field_validator(*MATCH_FIELDS, mode="after")
    @classmethod
    def _check_patterns(cls, value: Patterns) -> Patterns:
        if isinstance(value, list):
            if not value:
                raise ValueError("an empty list matches nothing; give at least one pattern")
            for item in value:
                _check_pattern(item)
        elif value is not None:
            _check_pattern(value)
        return value

    @model_validator(mode="after")
    def _has_a_condition(self) -> TouchpointRule:
        if not any(getattr(self, name) is not None for name in MATCH_FIELDS):
            raise ValueError(
                "a rule needs at least one match field ("
                + ", ".join(MATCH_FIELDS)
                + '); to match every event write url: "*"'
            )
        return self

    def conditions(self) -> list[tuple[str, tuple[_Pattern, ...]]]:
        """The given match fields as (staged column, patterns), in field order."""
        out = []
        for name, column in MATCH_FIELDS.items():
            value = getattr(self, name)
            if value is None:
                continue
            items = [value] if isinstance(value, str) else value
            out.append((column, tuple(_Pattern.parse(item) for item in items)))
        return out

    def matches(self, row: Mapping[str, str | None], *, own_domains: Sequence[str] = ()) -> bool:
        """Whether the staged ``row`` (column → text) matches every given field.

        ``channel`` matches the row's ``channel`` text or its channel group (the row's
        ``channel_group``, else :func:`~touchpath.ingest.channels.channel_group_row`).
        """
        for column, patterns in self.conditions():
            values = [_row_value(row, column)]
            if column == "channel":
                values.append(_row_group(row, own_domains))
            if not any(p.matches(value) for p in patterns for value in values):
                return False
        return True

    def sql(
        self, columns: Mapping[str, str] | None = None, *, own_domains: Sequence[str] = ()
    ) -> str:
        """This rule's condition as a DuckDB boolean expression over the staged columns."""
        cols = columns or {}

        def value(column: str, lowered: bool) -> str:
            expr = _value_sql(column, cols, own_domains)
            return f"lower({expr})" if lowered else expr

        return self.condition_sql(value)

    def condition_sql(self, value: Callable[[str, bool], str]) -> str:
        """The condition over values given by ``value(column, lowered)`` (SQL texts)."""
        parts = []
        for column, patterns in self.conditions():
            ors = _patterns_on(value(column, True), value(column, False), patterns)
            if column == "channel":
                group = _patterns_on(
                    value("channel_group", True), value("channel_group", False), patterns
                )
                ors += " OR " + group
            parts.append("(" + ors + ")")
        return "coalesce(" + " AND ".join(parts) + ", false)"


def _patterns_on(lowered: str, raw: str, patterns: Sequence[_Pattern]) -> str:
    exact = [p for p in patterns if p.kind == "exact"]
    ors = [p.sql_on(lowered, raw) for p in patterns if p.kind != "exact"]
    if len(exact) > 1:
        values = ", ".join(sql_literal(p.text) for p in exact)
        ors.insert(0, f"{lowered} IN ({values})")
    elif exact:
        ors.insert(0, exact[0].sql_on(lowered, raw))
    return " OR ".join(ors)


def _value_sql(column: str, columns: Mapping[str, str], own_domains: Sequence[str]) -> str:
    """SQL of a rule's value: a staged column ('' when missing) or the channel group."""
    if column == "channel_group":
        return "(" + (columns.get("channel_group") or _group_sql(columns, own_domains)) + ")"
    return _column_sql(column, columns)


def _group_sql(columns: Mapping[str, str], own_domains: Sequence[str]) -> str:
    from touchpath.ingest.channels import channel_group_sql  # channels imports this module

    return channel_group_sql(columns=columns, own_domains=own_domains)


def _row_group(row: Mapping[str, str | None], own_domains: Sequence[str]) -> str:
    given = row.get("channel_group")
    if given is not None:
        return given
    from touchpath.ingest.channels import channel_group_row  # channels imports this module

    return channel_group_row(row, own_domains=own_domains).value


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column_sql(column: str, columns: Mapping[str, str]) -> str:
    expr = columns.get(column, _quote_ident(column))
    if column in _UTM_FALLBACK:
        url = columns.get("url", _quote_ident("url"))
        name = _UTM_FALLBACK[column]
        param = sql_literal(_url_param_regex(name))
        found = (
            f"CASE WHEN contains({url}, {sql_literal(name + '=')}) "
            f"THEN regexp_extract({url}, {param}, 1) END"
        )
        return f"coalesce(nullif({expr}, ''), {found}, '')"
    return f"coalesce({expr}, '')"


def _row_value(row: Mapping[str, str | None], column: str) -> str:
    value = row.get(column)
    if value:
        return value
    if column in _UTM_FALLBACK:
        url = row.get("url")
        if url:
            found = re.search(_url_param_regex(_UTM_FALLBACK[column]), url)
            if found:
                return found.group(1)
    return ""


def _parse_patterns(patterns: Sequence[str]) -> list[_Pattern]:
    return [_Pattern.parse(_check_pattern(p)) for p in patterns]


def pattern_sql(expr: str, patterns: Sequence[str]) -> str:
    """SQL: whether the text ``expr`` matches any of ``patterns`` (rule pattern syntax).

    NULL counts as the empty text, as in rules; no patterns match nothing.

    >>> pattern_sql("stage", ["won", "*:won"])
    "(lower(coalesce(stage, '')) = 'won' OR lower(coalesce(stage, '')) LIKE '%:won' ESCAPE '\\\\')"
    """
    parsed = _parse_patterns(patterns)
    if not parsed:
        return "false"
    column = f"coalesce({expr}, '')"
    return "(" + " OR ".join(p.sql(column) for p in parsed) + ")"


def pattern_match(value: str | None, patterns: Sequence[str]) -> bool:
    """Python twin of :func:`pattern_sql`.

    >>> pattern_match("c2:won", ["re:^C[0-9]+:WON$"])
    True
    """
    return any(p.matches(value or "") for p in _parse_patterns(patterns))


class UnknownTouchpointError(ValueError):
    """Rules name touchpoints the catalogue does not have."""


def _check_known(rules: Sequence[TouchpointRule], known: Collection[str] | None) -> None:
    if known is None:
        return
    unknown = [
        f"rule {i}: {rule.touchpoint}"
        for i, rule in enumerate(rules, 1)
        if rule.touchpoint not in known
    ]
    if unknown:
        raise UnknownTouchpointError(
            "rules name touchpoints missing from the catalogue: " + "; ".join(unknown)
        )


def touchpoint_sql(
    rules: Sequence[TouchpointRule],
    known: Collection[str] | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    own_domains: Sequence[str] = (),
) -> str:
    """A DuckDB ``CASE`` expression giving the first matching rule's touchpoint, else NULL.

    Parameters
    ----------
    rules
        Rules in precedence order.
    known
        When given, the catalogue's touchpoint ids: a rule naming another id raises
        :class:`UnknownTouchpointError`.
    columns
        Optional SQL expressions to use instead of the staged column names
        (``{"url": "page"}``); ``channel_group`` gives the event's channel group, which
        a rule's ``channel`` matches besides the ``channel`` text (default: the
        :func:`~touchpath.ingest.channels.channel_group_sql` expression).
    own_domains
        Passed to the default channel grouping.

    Every rule value enters the SQL as an escaped string literal, never as SQL text.

    >>> import duckdb
    >>> expr = touchpoint_sql([TouchpointRule(touchpoint="blog", url="*/blog/*")])
    >>> duckdb.sql(f"SELECT {expr} FROM (SELECT 'https://a.ru/blog/1' AS url)").fetchall()
    [('blog',)]
    """
    _check_known(rules, known)
    if not rules:
        return "CAST(NULL AS VARCHAR)"
    cols = columns or {}
    # Each value the rules read is computed once per row and bound to a lambda parameter:
    # DuckDB does not share repeated subexpressions across the branches of a CASE.
    bound: dict[str, str] = {}

    def value(column: str, lowered: bool) -> str:
        name = f"{column}_{'l' if lowered else 'r'}"
        if name not in bound:
            expr = _value_sql(column, cols, own_domains)
            bound[name] = f"lower({expr})" if lowered else expr
        return f"_tp_r.{name}"

    whens = " ".join(
        f"WHEN {rule.condition_sql(value)} THEN {sql_literal(rule.touchpoint)}" for rule in rules
    )
    fields = ", ".join(f"{sql_literal(name)}: {expr}" for name, expr in bound.items())
    return f"list_transform([{{{fields}}}], lambda _tp_r: CASE {whens} ELSE NULL END)[1]"


def match_touchpoint(
    rules: Sequence[TouchpointRule],
    row: Mapping[str, str | None],
    *,
    own_domains: Sequence[str] = (),
) -> str | None:
    """The first matching rule's touchpoint for a staged ``row``, or None (Python oracle).

    >>> rules = [TouchpointRule(touchpoint="direct_ads", utm_source="yandex", utm_medium="cpc")]
    >>> match_touchpoint(rules, {"url": "https://a.ru/?utm_source=Yandex&utm_medium=cpc"})
    'direct_ads'
    """
    for rule in rules:
        if rule.matches(row, own_domains=own_domains):
            return rule.touchpoint
    return None


# --------------------------------------------------------------------------- loading


RuleIssue = FileIssue


class RulesError(TouchpathError, ValueError):
    """A rules file is wrong; ``issues`` lists each problem as ``file:line: field: message``."""

    def __init__(self, issues: Sequence[RuleIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class MappingRules(BaseModel):
    """The touchpoint rules of a workspace (``rules.yaml``), in precedence order."""

    model_config = ConfigDict(extra="forbid")

    touchpoints: list[TouchpointRule] = []

    @classmethod
    def load(cls, path: Path) -> MappingRules:
        """Read ``path``; errors are :class:`RulesError` naming file, line and field."""
        return cls(touchpoints=load_rules(path))

    def sql(self, known: Collection[str] | None = None) -> str:
        """:func:`touchpoint_sql` of these rules."""
        return touchpoint_sql(self.touchpoints, known)

    def match(self, row: Mapping[str, str | None]) -> str | None:
        """:func:`match_touchpoint` of these rules."""
        return match_touchpoint(self.touchpoints, row)


def load_rules(path: Path) -> list[TouchpointRule]:
    """Touchpoint rules from a YAML file: a list of rules, or a mapping with ``touchpoints:``.

    Raises :class:`RulesError` (``file:line: field: message`` per problem) when the file
    is not valid YAML or a rule is wrong.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulesError([RuleIssue(str(path), 1, "file", f"not UTF-8 text: {exc}")]) from None
    return parse_rules(text, filename=str(path))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def parse_rules(text: str, *, filename: str = "<rules>") -> list[TouchpointRule]:
    """Touchpoint rules from YAML text (see :func:`load_rules`).

    >>> parse_rules("- touchpoint: blog\\n  url: '*/blog/*'\\n")[0].url
    '*/blog/*'
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulesError([RuleIssue(filename, line, "yaml", str(problem))]) from None
    if root is None:
        return []
    items: yaml.Node | None = root
    if isinstance(root, yaml.MappingNode):
        items = None
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value in ("touchpoints", "rules"):
                items = value
            else:
                raise RulesError(
                    [
                        RuleIssue(
                            filename,
                            _line(key),
                            str(getattr(key, "value", "?")),
                            "unknown section; expected 'touchpoints'",
                        )
                    ]
                )
    if items is None or (isinstance(items, yaml.ScalarNode) and items.tag.endswith(":null")):
        return []
    if not isinstance(items, yaml.SequenceNode):
        raise RulesError(
            [RuleIssue(filename, _line(items), "touchpoints", "expected a list of rules")]
        )
    rules: list[TouchpointRule] = []
    issues: list[RuleIssue] = []
    for node in items.value:
        rule, found = _parse_rule(node, filename)
        issues.extend(found)
        if rule is not None:
            rules.append(rule)
    if issues:
        raise RulesError(issues)
    return rules


def _parse_rule(node: yaml.Node, filename: str) -> tuple[TouchpointRule | None, list[RuleIssue]]:
    if not isinstance(node, yaml.MappingNode):
        return None, [RuleIssue(filename, _line(node), "rule", "expected a mapping of fields")]
    lines: dict[str, int] = {}
    for key, value in node.value:
        lines[str(getattr(key, "value", ""))] = _line(value)
    data = _construct(node)
    try:
        return TouchpointRule.model_validate(data), []
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = [str(part) for part in err["loc"]]
            field = loc[0] if loc else "rule"
            line = lines.get(field, _line(node))
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown field; expected one of touchpoint, " + ", ".join(MATCH_FIELDS)
            elif err["type"] == "string_pattern_mismatch" and field == "touchpoint":
                message = (
                    "a touchpoint id is lower-case latin letters, digits and _ . - "
                    f"(got {err['input']!r})"
                )
            elif err["type"] == "missing":
                message = "required"
            elif field in MATCH_FIELDS and len(loc) > 1:
                message = "expected a text or a list of texts"
                loc = [field]
            elif message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            issues.append(RuleIssue(filename, line, ".".join(loc) or "rule", message))
        return None, _dedupe(issues)


def _construct(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _dedupe(issues: list[RuleIssue]) -> list[RuleIssue]:
    seen: dict[tuple[int, str], RuleIssue] = {}
    for issue in issues:
        key = (issue.line, issue.field.split(".")[0])
        seen.setdefault(key, issue)
    return list(seen.values())
