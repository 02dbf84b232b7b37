"""The CLI's commands by topic: each module here has ``register(app)``; ``cli`` calls them all.

A new topic is a new module (``funnel.py``, ``journey.py``...) with a ``register``
function; nothing else needs editing. Modules starting with ``_`` and ``shell`` are skipped.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

_SKIP = {"shell"}


def register_all(app: typer.Typer) -> None:
    """Import every command module of this package and let it add its commands to ``app``."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in _SKIP:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(app)
