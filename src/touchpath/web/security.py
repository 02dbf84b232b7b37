"""What keeps the web app safe: the cookie secret, CSRF tokens, security headers.

* The session cookie is signed (Starlette's ``SessionMiddleware``, itsdangerous) with a
  secret made on first run and kept in the served folder (``.web/secret``, mode 0600),
  so sessions survive a restart and nobody without file access can forge one.
* Every state-changing request must carry the CSRF token of its session (a hidden
  ``csrf_token`` form field, or the ``X-CSRF-Token`` header). The check is a dependency
  of the whole app, so a route cannot forget it.
* Every response carries a Content-Security-Policy without remote sources (plotly.js is
  served by the app itself), ``X-Frame-Options: DENY`` and friends.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
from pathlib import Path

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from touchpath.i18n import _

STATE_DIR = ".web"
SECRET_FILE = "secret"  # noqa: S105  (a file name, not a secret)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Plotly sets inline styles on the elements it draws.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def state_dir(root: Path) -> Path:
    """The folder for the web app's own files, readable by the owner only."""
    folder = root / STATE_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def write_private(path: Path, text: str) -> None:
    """Create ``path`` with mode 0600 from the start (never briefly world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def load_secret(root: Path) -> str:
    """The cookie-signing secret of the served folder, made on first use."""
    path = state_dir(root) / SECRET_FILE
    with contextlib.suppress(FileExistsError):
        write_private(path, secrets.token_urlsafe(48))
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path}: the secret is too short; delete the file to make a new one")
    return secret


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser session (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def rotate_csrf(request: Request) -> None:
    """A fresh token after login or logout, so a token seen before it is worthless."""
    request.session["csrf"] = secrets.token_urlsafe(32)


async def csrf_protect(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong (403)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    form = None
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        if form is not None:  # the route never runs, so nobody else closes uploaded files
            await form.close()
        raise HTTPException(
            status_code=403,
            detail=_("The form has expired or did not come from this site; reload the page."),
        )


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target on this site only (no ``//host`` or ``https://`` escapes)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
