"""Shared pieces of the domain types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_.\-]{0,63}$"),
]
"""A stable key users write in YAML and data files: lower-case latin, digits, ``_ . -``."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Domain(BaseModel):
    """Base of every domain type: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=False, use_enum_values=False)
