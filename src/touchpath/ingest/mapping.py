"""How a source file's columns become touch events: the import mapping (YAML).

A mapping names the source columns of each canonical field, how to read times, which
events are conversions and the touchpoint rules; every setting is optional::

    format: csv                  # csv, jsonl, parquet, ga4, yandex_metrica, bitrix24
    delimiter: ";"
    encoding: utf-8
    timezone: Europe/Berlin      # for times written without an offset
    timestamp_format: "%d.%m.%Y %H:%M"
    columns:
      customer_id: case_id
      event_name: activity
      ts: timestamp
    attributes: [resource, product]
    conversion:
      events: [purchase, lead]
    currency: EUR
    touchpoints:
      - touchpoint: contacts_page
        url: "*/contacts*"

Errors name the file, the line and the field: ``mapping.yaml:7: columns.ts: ...``
(:class:`MappingError`). docs/import.md is the full reference.

>>> m = parse_mapping("columns: {customer_id: case_id}\\ntimezone: Europe/Berlin\\n")
>>> m.columns["customer_id"], m.timezone
('case_id', 'Europe/Berlin')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from touchpath.errors import FileIssue, TouchpathError
from touchpath.ingest.rules import TouchpointRule
from touchpath.safe_yaml import load_bounded

__all__ = [
    "CANONICAL_FIELDS",
    "Conversion",
    "Mapping",
    "MappingError",
    "MappingIssue",
    "load_mapping",
    "parse_mapping",
]

CanonicalField = Literal[
    "event_id",
    "customer_id",
    "ts",
    "event_name",
    "touchpoint",
    "channel",
    "campaign",
    "source",
    "medium",
    "referrer",
    "url",
    "is_conversion",
    "value",
    "currency",
]

CANONICAL_FIELDS: tuple[str, ...] = get_args(CanonicalField)
"""The staged columns a source column can be mapped to (``attributes`` is built)."""


_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


class Conversion(BaseModel):
    """Which events are conversions: a column of true/false values, or event names.

    ``conversion: [purchase, lead]`` is short for ``conversion: {events: [purchase, lead]}``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    events: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"events": data}
        if isinstance(data, str):
            return {"events": [data]}
        return data

    @field_validator("events", mode="before")
    @classmethod
    def _names_as_text(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v) if isinstance(v, int | float) else v for v in value]
        return value

    @model_validator(mode="after")
    def _one_way(self) -> Conversion:
        if (self.column is None) == (self.events is None):
            raise ValueError("give either column (true/false values) or events (event names)")
        if self.events is not None and not self.events:
            raise ValueError("events: give at least one event name")
        return self


class Mapping(BaseModel):
    """The parsed import mapping; every field is optional (see the module docs).

    ``options`` holds reader-specific settings (vendor readers document theirs).
    """

    model_config = ConfigDict(extra="forbid")

    format: str | None = None
    delimiter: str | None = None
    quote: str = '"'
    encoding: str = "utf-8"
    header: bool = True
    timezone: str = "UTC"
    timestamp_format: str | None = None
    columns: dict[CanonicalField, str] = Field(default_factory=dict)
    attributes: list[str] | None = None
    conversion: Conversion | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    touchpoints: list[TouchpointRule] = Field(default_factory=list)
    own_domains: list[str] = Field(default_factory=list)
    conversion_goals: list[str] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("delimiter", mode="before")
    @classmethod
    def _delimiter_name(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _DELIMITER_NAMES.get(value.lower(), value)
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError("a delimiter is one character (or tab, comma, semicolon, pipe)")
        return value

    @field_validator("quote")
    @classmethod
    def _quote_character(cls, value: str) -> str:
        if len(value) > 1:
            raise ValueError('a quote is one character, or "" for none')
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _iana_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Europe/Moscow or UTC"
            ) from None
        return value

    @field_validator("timestamp_format")
    @classmethod
    def _has_directives(cls, value: str | None) -> str | None:
        if value is not None and not re.search(r"%[a-zA-Z]", value):
            raise ValueError("a strptime format with directives such as %Y-%m-%d %H:%M")
        return value

    @field_validator("columns", mode="before")
    @classmethod
    def _column_names_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: str(v) if isinstance(v, int) else v for k, v in value.items()}
        return value

    @field_validator("conversion_goals", mode="before")
    @classmethod
    def _goals_as_text(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) else v for v in value]
        return value

    @field_validator("currency", mode="before")
    @classmethod
    def _upper_currency(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _distinct_sources(self) -> Mapping:
        seen: dict[str, str] = {}
        for field, source in self.columns.items():
            if source in seen:
                raise ValueError(
                    f"columns: {seen[source]} and {field} both read source column {source!r}"
                )
            seen[source] = field
        return self


MappingIssue = FileIssue


class MappingError(TouchpathError):
    """A mapping file is wrong; ``issues`` holds each problem as ``file:line: field: message``."""

    def __init__(self, issues: Sequence[MappingIssue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(str(issue) for issue in self.issues))


def load_mapping(path: Path) -> Mapping:
    """Read a mapping YAML file; problems raise :class:`MappingError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MappingError([MappingIssue(str(path), 0, "file", "no such file")]) from None
    except IsADirectoryError:
        raise MappingError([MappingIssue(str(path), 0, "file", "is a directory")]) from None
    except UnicodeDecodeError as exc:
        raise MappingError([MappingIssue(str(path), 1, "file", f"not UTF-8: {exc}")]) from None
    return parse_mapping(text, filename=str(path))


def parse_mapping(text: str, *, filename: str = "<mapping>") -> Mapping:
    """A :class:`Mapping` from YAML text; an empty text is the default mapping."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = load_bounded(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise MappingError([MappingIssue(filename, line, "yaml", str(problem))]) from None
    if data is None:
        return Mapping()
    if not isinstance(data, dict):
        line = root.start_mark.line + 1 if root is not None else 1
        raise MappingError([MappingIssue(filename, line, "mapping", "expected key: value pairs")])
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = _clean_loc(err["loc"])
            field = ".".join(str(part) for part in loc) or "mapping"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown setting" if len(loc) == 1 else "unknown field"
            elif err["type"] == "literal_error" and loc[:1] == ("columns",):
                message = "not a canonical field; use one of " + ", ".join(CANONICAL_FIELDS)
            issues.append(MappingIssue(filename, _line_of(root, loc), field, message))
        raise MappingError(sorted(issues, key=lambda issue: issue.line)) from None


def _clean_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    # pydantic adds "[key]" markers for dict keys and model names for unions; drop them.
    return tuple(p for p in loc if not (isinstance(p, str) and p.endswith("[key]")))


def _line_of(root: yaml.Node | None, loc: Sequence[str | int]) -> int:
    """The 1-based line of the YAML node at ``loc`` (the deepest one found)."""
    if root is None:
        return 1
    node = root
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(getattr(key, "value", None)) == str(part):
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1
