"""Who is calling, in which workspace, with which rights: the API's one dependency.

Every route takes :data:`ApiViewer`, :data:`ApiAnalyst` or :data:`ApiAdmin`. It resolves
``{workspace}`` of the URL to a served member, reads the key from
``Authorization: Bearer <key>`` (or ``X-API-Key``) and looks it up *in that member's own
metadata DB*. A key of another workspace is simply not there, so it gets the same 401 as
a wrong key, and an unknown workspace does too: a caller learns nothing about workspaces
their key does not open. A key whose role is too low gets 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Security
from fastapi.security import APIKeyHeader, APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from touchpath.store import api_keys
from touchpath.store.api_keys import ApiKey, KeyRole
from touchpath.web.cache import ResultCache
from touchpath.web.site import Member, Site
from touchpath.workspace import Workspace

bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <API key>`")
header_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key")
query_key = APIKeyQuery(
    name="key",
    auto_error=False,
    description="A collector key in the URL (only where a header cannot be set: sendBeacon)",
)

WorkspaceKey = Annotated[
    str, Path(description="The workspace's key (its folder name in a group)", max_length=200)
]


@dataclass
class ApiCtx:
    """A request inside one workspace: the member, the key and a metadata DB session."""

    request: Request
    member: Member
    key: ApiKey
    db: Session

    @property
    def ws(self) -> Workspace:
        return self.member.workspace

    @property
    def cache(self) -> ResultCache:
        cache: ResultCache = self.request.app.state.cache
        return cache


def _unauthorised() -> HTTPException:
    return HTTPException(
        status_code=401,
        detail="a valid API key of this workspace is required "
        "(Authorization: Bearer <key>, or X-API-Key)",
        headers={"WWW-Authenticate": "Bearer"},
    )


def require_key(role: KeyRole) -> Callable[..., Iterator[ApiCtx]]:
    """A dependency admitting keys of ``{workspace}`` with at least ``role``."""

    def dependency(
        request: Request,
        workspace: WorkspaceKey,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
        x_api_key: Annotated[str | None, Security(header_key)],
    ) -> Iterator[ApiCtx]:
        token = credentials.credentials if credentials is not None else x_api_key
        yield from _resolve(request, workspace, token, role)

    return dependency


def require_collector() -> Callable[..., Iterator[ApiCtx]]:
    """Like :func:`require_key` for the collector, which also takes ``?key=``.

    Browsers' ``navigator.sendBeacon`` cannot set headers, so the snippet puts its key in
    the URL. Only a ``collector`` key may travel there (URLs end up in logs): it can do
    nothing but add events.
    """

    def dependency(
        request: Request,
        workspace: WorkspaceKey,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
        x_api_key: Annotated[str | None, Security(header_key)],
        key: Annotated[str | None, Security(query_key)],
    ) -> Iterator[ApiCtx]:
        token = credentials.credentials if credentials is not None else x_api_key
        in_url = not token and bool(key)
        yield from _resolve(request, workspace, token or key, KeyRole.COLLECTOR, in_url=in_url)

    return dependency


def _resolve(
    request: Request, workspace: str, token: str | None, role: KeyRole, *, in_url: bool = False
) -> Iterator[ApiCtx]:
    """The request's context when ``token`` is an active key of ``workspace`` with ``role``."""
    site: Site = request.app.state.site
    member = site.members.get(workspace)
    if not token or member is None:
        raise _unauthorised()
    with member.sessions() as db:
        key = api_keys.key_for_token(session=db, token=token)
        if key is None:
            raise _unauthorised()
        if not key.can(role):
            raise HTTPException(
                status_code=403,
                detail=f"this key's role ({key.role.value}) cannot do this; it needs {role.value}",
            )
        if in_url and key.role is not KeyRole.COLLECTOR:
            raise HTTPException(
                status_code=403,
                detail="only a collector key may be sent in the URL; "
                "send this one in the Authorization header",
            )
        yield ApiCtx(request=request, member=member, key=key, db=db)


ApiCollector = Annotated[ApiCtx, Depends(require_collector())]
"""Sends events: collector, analyst and admin keys (a viewer key only reads)."""
ApiViewer = Annotated[ApiCtx, Depends(require_key(KeyRole.VIEWER))]
"""Reads the catalogue and the analyses: viewer, analyst and admin keys."""
ApiAnalyst = Annotated[ApiCtx, Depends(require_key(KeyRole.ANALYST))]
"""Changes the catalogue."""
ApiAdmin = Annotated[ApiCtx, Depends(require_key(KeyRole.ADMIN))]
"""Manages the workspace's API keys."""

AUTH_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"description": "No key, a wrong or revoked key, or a key of another workspace"},
    403: {"description": "The key's role is too low for this route"},
}
