"""The REST API: ``/api/v1/w/{workspace}/...``, authenticated by per-workspace API keys.

It is its own FastAPI application mounted into the web app (:func:`mount_api`), because
it answers differently from the pages: JSON errors instead of HTML, API keys instead of
the login cookie (so no CSRF token: a key in a header is not sent by a browser on its
own), and an OpenAPI document at ``/api/v1/openapi.json``.

A resource is one module in this package with a ``router`` (an ``APIRouter`` whose paths
start with ``/w/{workspace}/``); :func:`discover` finds it by itself, like the web pages'
routes. Modules starting with ``_`` hold what the routers share.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from touchpath.ingest.collector import MergerProcess
from touchpath.ingest.staging import staging_path
from touchpath.web.api._errors import BodyLimitMiddleware, install_handlers
from touchpath.web.cache import ResultCache
from touchpath.web.site import Site

__all__ = ["API_PREFIX", "build_api", "discover", "mount_api"]

API_PREFIX = "/api/v1"
MAX_BODY = 8 * 1024 * 1024
"""Largest request body in bytes (a bigger one gets 413 before it is read)."""


def discover() -> list[APIRouter]:
    """The ``router`` of every resource module of this package, by module name."""
    routers = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return routers


class MergerSupervisor:
    """Starts the merger process once, on demand; stops it with the app."""

    def __init__(self, site: Site, *, enabled: bool) -> None:
        self.site = site
        self.enabled = enabled
        self.process: MergerProcess | None = None
        self._lock = threading.Lock()

    def ensure(self) -> None:
        if not self.enabled or self.process is not None:
            return
        with self._lock:
            if self.process is None:
                members = list(self.site.members.values())
                override = members[0].workspace.metadata_url_override if members else None
                process = MergerProcess(self.site.root, metadata_url=override)
                process.start()
                self.process = process

    def stop(self) -> None:
        with self._lock:
            process, self.process = self.process, None
        if process is not None:
            process.stop()


def _operation_id(route: APIRoute) -> str:
    """``touchpoints_get_item`` rather than FastAPI's path-derived names."""
    tag = str(route.tags[0]) if route.tags else "api"
    return f"{tag}_{route.name}"


def build_api(
    site: Site,
    *,
    cache: ResultCache | None = None,
    merger: bool = False,
    max_body: int = MAX_BODY,
) -> FastAPI:
    """The API application over ``site``.

    ``merger``: run the collector's merger process beside the app, so staged events reach
    the events store within seconds. It starts with the app when something is staged
    already, else with the first batch the collector accepts (a server nobody sends
    events to runs no extra process), and stops with the app.
    """
    supervisor = MergerSupervisor(site, enabled=merger)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from touchpath.web.api.collect import close_writers

        if any(staging_path(m.workspace.root).exists() for m in site.members.values()):
            supervisor.ensure()
        try:
            yield
        finally:
            close_writers(app)
            supervisor.stop()

    api = FastAPI(
        title="touchpath API",
        version="1",
        summary="Catalogue, analyses and the event collector of touchpath workspaces.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    api.state.site = site
    api.state.cache = cache or ResultCache()
    api.state.writers = {}
    api.state.merger = supervisor
    for router in discover():
        api.include_router(router)
    install_handlers(api)
    _add_schemas(api)
    api.add_middleware(BodyLimitMiddleware, max_body=max_body)
    return api


def _add_schemas(api: FastAPI) -> None:
    """Put the schemas that routes reading their own body refer to into the spec."""
    from touchpath.web.api import collect

    plain = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            spec = plain()
            spec.setdefault("components", {}).setdefault("schemas", {}).update(collect.schemas())
            api.openapi_schema = spec
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]


def mount_api(app: FastAPI, *, merger: bool = True) -> FastAPI:
    """Serve the API at ``/api/v1`` of the web ``app`` (the one line ``build_app`` calls).

    Starlette does not run a mounted app's lifespan, so the API's (the staging writers,
    the merger process) is chained into the web app's own. Tests that never post to the
    collector start no merger process.
    """
    api = build_api(app.state.site, cache=app.state.cache, merger=merger)
    app.mount(API_PREFIX, api)
    outer: Callable[[Any], AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(parent: Any) -> AsyncIterator[Any]:
        async with api.router.lifespan_context(api), outer(parent) as state:
            yield state

    app.router.lifespan_context = lifespan
    return api
