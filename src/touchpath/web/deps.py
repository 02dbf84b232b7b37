"""Who is asking, in which workspace, with which rights: the dependencies of every page.

Every workspace route takes one of :data:`Viewer`, :data:`Analyst` or :data:`Admin`,
which resolve the ``{ws}`` of the URL to a served workspace, find the browser's login
*in that workspace's own database*, and refuse a user whose role is too low. A browser
logged into one workspace only gets 404 from any other: it cannot even learn what is
there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from touchpath.i18n import _
from touchpath.store import auth
from touchpath.store.auth import User, UserRole
from touchpath.web.cache import ResultCache
from touchpath.web.site import Member, Site
from touchpath.web.templating import role_label
from touchpath.workspace import Workspace


class LoginRequired(Exception):  # noqa: N818  (a signal, handled by a redirect)
    """The browser is not logged in (or its login expired): go to the login page."""


@dataclass
class Ctx:
    """A request inside one workspace: the member, the user and a metadata DB session."""

    request: Request
    member: Member
    user: User
    db: Session

    @property
    def ws(self) -> Workspace:
        return self.member.workspace

    @property
    def key(self) -> str:
        return self.member.key

    @property
    def cache(self) -> ResultCache:
        cache: ResultCache = self.request.app.state.cache
        return cache

    def can(self, role: UserRole | str) -> bool:
        return self.user.can(role)

    def url(self, slug: str = "") -> str:
        """The URL of a page of this workspace: ``/w/<key>/<slug>``."""
        return f"/w/{self.member.key}/{slug}"


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def require(role: UserRole) -> Callable[[Request, str], Iterator[Ctx]]:
    """A dependency admitting users of workspace ``ws`` with at least ``role``."""

    def dependency(request: Request, ws: str) -> Iterator[Ctx]:
        member = site_of(request).members.get(ws)
        tokens = request.session.get("auth")
        tokens = tokens if isinstance(tokens, dict) else {}
        if member is None:
            raise HTTPException(status_code=404, detail=_("There is no such page."))
        token = tokens.get(ws)
        if not isinstance(token, str):
            if tokens:  # logged in elsewhere: this workspace does not exist for them
                raise HTTPException(status_code=404, detail=_("There is no such page."))
            raise LoginRequired
        with member.sessions() as db:
            user = auth.session_user(session=db, token=token)
            if user is None:
                request.session["auth"] = {k: v for k, v in tokens.items() if k != ws}
                raise LoginRequired
            if not user.can(role):
                raise HTTPException(
                    status_code=403,
                    detail=_("Your role ({role}) cannot do this here.").format(
                        role=role_label(user.role)
                    ),
                )
            yield Ctx(request=request, member=member, user=user, db=db)

    return dependency


Viewer = Annotated[Ctx, Depends(require(UserRole.VIEWER))]
"""Any user of the workspace: may read every page."""
Analyst = Annotated[Ctx, Depends(require(UserRole.ANALYST))]
"""May change the catalogue and chains."""
Admin = Annotated[Ctx, Depends(require(UserRole.ADMIN))]
"""May also manage the workspace's users."""
