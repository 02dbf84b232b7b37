"""The pages, one module per area; each has ``router`` and ``NAV`` (its navigation links).

A new page is a new module here: it is found and mounted by :func:`discover`, its
``NAV`` entries join the navigation, and a placeholder with the same slug
(:data:`touchpath.web.pages.PLACEHOLDERS`) gives way to it. Nothing else needs editing.
Modules starting with ``_`` are skipped.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import APIRouter, FastAPI

from touchpath.web.pages import PLACEHOLDERS, NavEntry, Placeholder

if TYPE_CHECKING:
    from touchpath.web.deps import Ctx


@dataclass(frozen=True)
class Pages:
    """The routers to mount, the navigation, and the placeholders still needed."""

    routers: list[APIRouter]
    nav: list[NavEntry]
    placeholders: list[Placeholder]


def discover() -> Pages:
    routers: list[APIRouter] = []
    nav: list[NavEntry] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "placeholders":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        routers.append(module.router)
        nav.extend(getattr(module, "NAV", ()))
    served = {entry.slug for entry in nav}
    waiting = [p for p in PLACEHOLDERS if p.entry.slug not in served]
    nav.extend(p.entry for p in waiting)
    nav.sort(key=lambda e: (e.order, e.slug))
    return Pages(routers=routers, nav=nav, placeholders=waiting)


def navigation(app: FastAPI, ctx: Ctx) -> list[NavEntry]:
    """The links this user may follow in this workspace."""
    pages: Pages = app.state.pages
    return [e for e in pages.nav if ctx.can(e.role)]
