"""Engines hold the events store; registered by name like Ibis backends.

An engine opens an Ibis connection; analytics receive Ibis tables from it and never
execute queries themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import ibis

from touchpath.errors import TouchpathError


class EngineUnavailableError(TouchpathError):
    """An engine named in the workspace is not installed; the message says how to add it."""


class EventsEngine(Protocol):
    """What the rest of touchpath needs from an events store."""

    name: str

    def connect(self, *, read_only: bool = False) -> ibis.BaseBackend: ...

    def events(self, con: ibis.BaseBackend) -> ibis.Table: ...


EngineFactory = Callable[[Path, dict[str, Any]], EventsEngine]
ENGINES: dict[str, EngineFactory] = {}


def register_engine(name: str, factory: EngineFactory) -> None:
    ENGINES[name] = factory


def make_engine(name: str, root: Path, options: dict[str, Any]) -> EventsEngine:
    """The engine ``name`` for a workspace folder ``root``; unknown names fail with the choices."""
    try:
        factory = ENGINES[name]
    except KeyError:
        choices = ", ".join(sorted(ENGINES))
        raise EngineUnavailableError(
            f"unknown events engine {name!r}; choose one of: {choices}"
        ) from None
    return factory(root, options)
