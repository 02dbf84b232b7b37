"""Logging in and out, and choosing the language: the pages outside any workspace.

One login form serves the whole site: the name and password are checked against every
served workspace's own users, and the browser gets a session in each workspace where
they match (with that workspace's role). The session cookie holds only the random
session tokens, signed; the server keeps their hashes (:mod:`touchpath.store.auth`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from touchpath.i18n import LANGUAGES, _, normalise
from touchpath.store import auth
from touchpath.web.deps import site_of
from touchpath.web.security import rotate_csrf, safe_next
from touchpath.web.templating import render
from touchpath.web.throttle import LoginThrottle

router = APIRouter()


def _tokens(request: Request) -> dict[str, str]:
    tokens = request.session.get("auth")
    if not isinstance(tokens, dict):
        return {}
    return {k: v for k, v in tokens.items() if isinstance(k, str) and isinstance(v, str)}


def _first_workspace(request: Request) -> str | None:
    tokens = _tokens(request)
    return next((key for key in site_of(request).members if key in tokens), None)


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    first = _first_workspace(request)
    return RedirectResponse(f"/w/{first}/" if first else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request, target: Annotated[str, Query(alias="next")] = "") -> Response:
    if _first_workspace(request):
        return RedirectResponse(safe_next(target, "/"), status_code=303)
    return render(request, "login.html", {"next": safe_next(target, ""), "error": None})


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    target: Annotated[str, Form(alias="next")] = "",
) -> Response:
    site = site_of(request)
    throttle: LoginThrottle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(username, address)
    if wait is not None:
        response = render(
            request,
            "login.html",
            {
                "next": safe_next(target, ""),
                "error": _("Too many failed attempts. Try again in {minutes} min.").format(
                    minutes=max(1, round(wait / 60))
                ),
            },
            status_code=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    tokens: dict[str, str] = {}
    language: str | None = None
    for key, member in site.members.items():
        with member.sessions() as db:
            user = auth.authenticate(session=db, username=username.strip(), password=password)
            if user is None:
                continue
            tokens[key] = auth.open_session(session=db, user_id=user.id)
            language = language or user.language
    if not tokens:
        throttle.failed(username, address)
        return render(
            request,
            "login.html",
            {"next": safe_next(target, ""), "error": _("Wrong user name or password.")},
            status_code=400,
        )
    throttle.succeeded(username, address)
    # A new session altogether: nothing from before the login carries over but the language.
    kept_language = request.session.get("lang")
    request.session.clear()
    request.session["auth"] = tokens
    if language or kept_language:
        request.session["lang"] = language or kept_language
    rotate_csrf(request)
    default = f"/w/{next(iter(tokens))}/"  # the first served workspace they may open
    return RedirectResponse(safe_next(target, default), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    site = site_of(request)
    for key, token in _tokens(request).items():
        member = site.members.get(key)
        if member is not None:
            with member.sessions() as db:
                auth.close_session(session=db, token=token)
    language = request.session.get("lang")
    request.session.clear()
    if language:
        request.session["lang"] = language
    rotate_csrf(request)
    return RedirectResponse("/login", status_code=303)


@router.post("/language")
def choose_language(
    request: Request,
    lang: Annotated[str, Form()] = "",
    target: Annotated[str, Form(alias="next")] = "",
) -> Response:
    """Remember the language in the session and, once logged in, in the user's settings."""
    language = normalise(lang) if lang in LANGUAGES else None
    if language:
        request.session["lang"] = language
    else:
        request.session.pop("lang", None)
    site = site_of(request)
    for key, token in _tokens(request).items():
        member = site.members.get(key)
        if member is None:
            continue
        with member.sessions() as db:
            user = auth.session_user(session=db, token=token)
            if user is not None:
                auth.set_language(session=db, user_id=user.id, language=language)
    return RedirectResponse(safe_next(target, "/"), status_code=303)


@router.get("/vendor/plotly.min.js", include_in_schema=False)
def plotly_js() -> FileResponse:
    """plotly.js from the installed plotly package: no CDN, the machine may be offline."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise HTTPException(status_code=404, detail=_("plotly is not installed."))
    return FileResponse(
        Path(spec.origin).parent / "package_data" / "plotly.min.js",
        media_type="text/javascript",
        headers={"cache-control": "public, max-age=86400"},
    )
