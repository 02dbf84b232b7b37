"""How a survey export's columns become feedback: the feedback mapping (YAML).

Survey tools name their columns after the question ("How likely are you to recommend
us?"), write dates their own way and use their own labels for places. A mapping says
which source column holds each field, constants for fields the file lacks, and value
translations; every setting is optional::

    format: csv                    # csv or jsonl (default: from the file's extension)
    delimiter: ";"
    timezone: Europe/Moscow        # for times written without an offset (default UTC)
    timestamp_format: "%d.%m.%Y %H:%M"
    columns:
      feedback_id: Response ID
      customer_id: Email
      ts: Submitted at
      score: How likely are you to recommend us?
      text: Comment
    defaults:
      kind: nps
      touchpoint: support_chat
    values:
      touchpoint: {"Чат на сайте": support_chat}
    invitations: false             # true: the file lists sent invitations, not answers

>>> m = parse_mapping("columns: {score: Оценка}\\ndefaults: {kind: csat}\\n")
>>> m.columns["score"], m.defaults["kind"]
('Оценка', 'csat')
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.safe_yaml import load_bounded

__all__ = ["FIELDS", "FeedbackMapping", "MappingError", "load_mapping", "parse_mapping"]

Field_ = Literal[
    "feedback_id",
    "customer_id",
    "ts",
    "touchpoint",
    "stage",
    "channel",
    "kind",
    "score",
    "text",
    "language",
]
FIELDS: tuple[str, ...] = get_args(Field_)
"""Canonical feedback fields; an invitation file uses ``feedback_id`` as its invitation id."""


class MappingError(TouchpathError):
    """A mapping file that cannot be used; the message names the file and the setting."""


class FeedbackMapping(BaseModel):
    """A parsed feedback mapping; the defaults read a file with canonical column names."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "jsonl"] | None = None
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    timezone: str = "UTC"
    timestamp_format: str | None = None
    columns: dict[Field_, str] = Field(default_factory=dict)
    defaults: dict[Field_, str] = Field(default_factory=dict)
    values: dict[Field_, dict[str, str]] = Field(default_factory=dict)
    invitations: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    def source(self, field: str) -> str:
        """The source column of a canonical field (its own name unless mapped)."""
        return self.columns.get(field, field)  # type: ignore[call-overload, no-any-return]


def parse_mapping(text: str, *, name: str = "mapping") -> FeedbackMapping:
    """A mapping from YAML text; errors name ``name`` and the setting."""
    try:
        data = load_bounded(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise MappingError(f"{name}{line}: {_('not valid YAML')}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{name}: {_('a mapping must be a YAML dictionary')}")
    try:
        return FeedbackMapping.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise MappingError(f"{name}: {where}: {err['msg']}") from None


def load_mapping(path: Path) -> FeedbackMapping:
    """A mapping from a YAML file."""
    return parse_mapping(path.read_text(encoding="utf-8"), name=str(path))
