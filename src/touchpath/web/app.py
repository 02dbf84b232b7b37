"""The web app factory: ``create_app(root)`` serves the workspace or group in ``root``.

Nothing is global (STYLE practice 8): the served workspaces, the cookie secret, the
result cache and the templates live on ``app.state``, so tests make as many apps as they
like side by side.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from touchpath.i18n import _
from touchpath.store.auth import SESSION_LIFETIME
from touchpath.web import auth
from touchpath.web.api import mount_api
from touchpath.web.cache import ResultCache
from touchpath.web.deps import LoginRequired
from touchpath.web.locale import LanguageMiddleware
from touchpath.web.routes import discover, placeholders
from touchpath.web.security import SecurityHeadersMiddleware, csrf_protect, load_secret
from touchpath.web.site import Site, open_site
from touchpath.web.templating import make_environment, render
from touchpath.web.throttle import LoginThrottle

STATIC = Path(__file__).with_name("static")
SESSION_COOKIE = "touchpath_session"


def create_app(
    root: Path,
    *,
    metadata_url: str | None = None,
    secret: str | None = None,
    https_only: bool = False,
    cache_size: int = 256,
) -> FastAPI:
    """The app for the workspace (or group of workspaces) in ``root``.

    ``secret`` signs the session cookie; by default it is read from (or made in)
    ``root/.web/secret``. ``https_only`` marks the cookie Secure (behind HTTPS).
    """
    site = open_site(root, metadata_url=metadata_url)
    return build_app(
        site, secret=secret or load_secret(site.root), https_only=https_only, cache_size=cache_size
    )


def build_app(
    site: Site, *, secret: str, https_only: bool = False, cache_size: int = 256
) -> FastAPI:
    """The app over an opened :class:`Site` (``create_app`` opens one from a folder)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        site.close()

    app = FastAPI(
        title="touchpath",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_protect)],
        lifespan=lifespan,
    )
    pages = discover()
    app.state.site = site
    app.state.pages = pages
    app.state.cache = ResultCache(cache_size)
    app.state.login_throttle = LoginThrottle()
    app.state.templates = make_environment()

    app.state.routers = [auth.router, *pages.routers, placeholders.make_router(pages.placeholders)]
    for router in app.state.routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    mount_api(app)

    # The last added runs first: headers, then the session, then the language.
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        same_site="lax",
        https_only=https_only,
    )
    app.add_middleware(SecurityHeadersMiddleware)

    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    return app


async def _login_required(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/"
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {403: _("Not allowed"), 404: _("Not found")}
    return render(
        request,
        "error.html",
        {"title": titles.get(exc.status_code, _("Error")), "message": str(exc.detail)},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _bad_request(request: Request, _exc: Exception) -> Response:
    return render(
        request,
        "error.html",
        {"title": _("Error"), "message": _("The request is not complete; reload the page.")},
        status_code=400,
    )


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every page route of the app (tests walk them: each must check CSRF and the role)."""
    return [r for router in app.state.routers for r in router.routes if isinstance(r, APIRoute)]
