"""Audit checklists: the parameters an auditor scores for each channel, and their scales.

The defaults ship in ``checklists.yaml`` beside this module (English and Russian names);
a workspace may store its own (see :mod:`touchpath.store.audits`). Each parameter maps a
raw value to 0..1 with :meth:`Parameter.normalise`:

- ``1-5``: ``(v - 1) / 4``; ``0-10``: ``v / 10``; ``yes_no``: yes 1, no 0;
- ``measured``: linear between ``worst`` (0) and ``target`` (1), clipped to 0..1, so with
  ``direction: lower`` (seconds to answer) ``(worst - v) / (worst - target)``.

>>> p = default_checklists().parameter("online_chat", "reply_speed")
>>> p.normalise(60.0), p.normalise(330.0), p.normalise(900.0)
(1.0, 0.5, 0.0)
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from touchpath.errors import TouchpathError
from touchpath.i18n import get_language
from touchpath.model.base import Slug
from touchpath.model.vocab import Channel
from touchpath.safe_yaml import load_bounded

Scale = Literal["1-5", "0-10", "yes_no", "measured"]
SCALES: tuple[str, ...] = ("1-5", "0-10", "yes_no", "measured")
_YES = {"yes", "y", "true", "1", "да", "д", "+"}
_NO = {"no", "n", "false", "0", "нет", "н", "-"}


class ChecklistError(TouchpathError):
    """A checklist file or a raw value that does not fit its parameter's scale."""


class Parameter(BaseModel):
    """One thing an auditor scores, with its scale and weight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    name_en: str = Field(min_length=1, max_length=200)
    name_ru: str = Field(min_length=1, max_length=200)
    scale: Scale
    weight: float = Field(default=1.0, gt=0, le=100)
    unit: str | None = Field(default=None, max_length=32)
    target: float | None = None
    worst: float | None = None
    direction: Literal["lower", "higher"] | None = None

    @model_validator(mode="after")
    def _measured_has_bounds(self) -> Parameter:
        if self.scale == "measured":
            if self.target is None or self.worst is None or self.direction is None:
                raise ValueError("a measured parameter needs target, worst and direction")
            if self.target == self.worst:
                raise ValueError("target and worst must differ")
            if (self.direction == "lower") != (self.target < self.worst):
                raise ValueError(f"direction {self.direction!r} does not fit target and worst")
        elif any(v is not None for v in (self.target, self.worst, self.direction)):
            raise ValueError("target, worst and direction belong to measured parameters only")
        return self

    @property
    def name(self) -> str:
        """The name in the current UI language."""
        return self.name_ru if get_language() == "ru" else self.name_en

    def describe_scale(self) -> str:
        if self.scale != "measured":
            return self.scale
        unit = f" {self.unit}" if self.unit else ""
        arrow = "≤" if self.direction == "lower" else "≥"
        return f"{arrow}{_num(self.target)}{unit} (0 at {_num(self.worst)}{unit})"

    def parse(self, raw: Any) -> float | None:
        """A raw cell (text, number, bool) as the stored number; None when left empty.

        Raises :class:`ChecklistError` with a message naming the scale when it does not fit.
        """
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if self.scale == "yes_no":
            if isinstance(raw, bool):
                return 1.0 if raw else 0.0
            text = str(raw).strip().lower()
            if text in _YES:
                return 1.0
            if text in _NO:
                return 0.0
            raise ChecklistError(f"{raw!r} is not yes or no")
        try:
            value = (
                float(str(raw).strip().replace(",", "."))
                if not isinstance(raw, int | float)
                else float(raw)
            )
        except ValueError:
            raise ChecklistError(f"{raw!r} is not a number") from None
        if not math.isfinite(value):
            raise ChecklistError(f"{raw!r} is not a finite number")
        low, high = {"1-5": (1.0, 5.0), "0-10": (0.0, 10.0)}.get(self.scale, (0.0, math.inf))
        if not low <= value <= high:
            where = f"{_num(low)}..{_num(high)}" if high < math.inf else "0 or more"
            raise ChecklistError(f"{_num(value)} is outside the scale {where}")
        return value

    def normalise(self, value: float) -> float:
        """The stored value as 0..1 (1 best); see the module docstring for the formulas."""
        if self.scale == "1-5":
            return (value - 1.0) / 4.0
        if self.scale == "0-10":
            return value / 10.0
        if self.scale == "yes_no":
            return 1.0 if value >= 0.5 else 0.0
        assert self.target is not None and self.worst is not None
        share = (value - self.worst) / (self.target - self.worst)
        return min(1.0, max(0.0, share))


class Checklists(BaseModel):
    """Parameters per channel; a channel without a list falls back to ``other``."""

    model_config = ConfigDict(extra="forbid")

    channels: dict[Channel, list[Parameter]]

    @model_validator(mode="after")
    def _unique_ids(self) -> Checklists:
        for channel, params in self.channels.items():
            seen: set[str] = set()
            for p in params:
                if p.id in seen:
                    raise ValueError(f"{channel.value}: parameter {p.id!r} is listed twice")
                seen.add(p.id)
        return self

    def for_channel(self, channel: Channel | str) -> list[Parameter]:
        key = Channel(channel)
        if key in self.channels:
            return self.channels[key]
        return self.channels.get(Channel.OTHER, [])

    def parameter(self, channel: Channel | str, parameter_id: str) -> Parameter:
        for p in self.for_channel(channel):
            if p.id == parameter_id:
                return p
        raise KeyError(parameter_id)


def parse_checklists(text: str, *, filename: str = "<checklists>") -> Checklists:
    """Checklists from YAML text; a mistake is one line naming the file and the field."""
    try:
        data = load_bounded(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ChecklistError(f"{filename}{line}: not valid YAML") from None
    try:
        return Checklists.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise ChecklistError(f"{filename}: {where}: {first['msg']}") from None


def dump_checklists(checklists: Checklists) -> str:
    """YAML text that :func:`parse_checklists` reads back to the same checklists."""
    doc = {
        "channels": {
            ch.value: [p.model_dump(exclude_none=True) for p in params]
            for ch, params in checklists.channels.items()
        }
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


@cache
def default_checklists() -> Checklists:
    """The checklists shipped with touchpath (a fresh copy is not needed: they are frozen)."""
    text = resources.files("touchpath.catalogue").joinpath("checklists.yaml").read_text("utf-8")
    return parse_checklists(text, filename="checklists.yaml")


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
