"""The workspace's users, for its admins: add, change a role, remove.

These are the users of *this* workspace (its own metadata DB); the CLI does the same
with ``touchpath user add/list/passwd``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.store import auth
from touchpath.store.auth import UserRole
from touchpath.web.deps import Admin, Ctx
from touchpath.web.forms import Form
from touchpath.web.pages import NavEntry
from touchpath.web.templating import flash, render

router = APIRouter()
NAV = [NavEntry("users", N_("Users"), N_("Administration"), 900, role=UserRole.ADMIN)]


@router.get("/w/{ws}/users")
def user_list(ctx: Admin) -> Response:
    return _page(ctx)


@router.post("/w/{ws}/users")
def user_create(ctx: Admin, form: Form) -> Response:
    username = str(form.get("username") or "").strip()
    values = {"username": username, "role": str(form.get("role") or "viewer")}
    try:
        auth.create_user(
            session=ctx.db,
            username=username,
            password=str(form.get("password") or ""),
            role=values["role"],
        )
    except auth.AuthError as exc:
        return _page(ctx, error=str(exc), values=values)
    flash(ctx.request, _("User {name} added.").format(name=username))
    return RedirectResponse(ctx.url("users"), status_code=303)


@router.post("/w/{ws}/users/{username}/role")
def user_role(ctx: Admin, username: str, form: Form) -> Response:
    try:
        auth.set_role(session=ctx.db, username=username, role=str(form.get("role") or ""))
    except auth.AuthError as exc:
        return _page(ctx, error=str(exc))
    flash(ctx.request, _("The role of {name} is changed.").format(name=username))
    return RedirectResponse(ctx.url("users"), status_code=303)


@router.post("/w/{ws}/users/{username}/delete")
def user_delete(ctx: Admin, username: str) -> Response:
    if username == ctx.user.username:
        return _page(ctx, error=_("You cannot remove yourself."))
    try:
        auth.delete_user(session=ctx.db, username=username)
    except auth.AuthError as exc:
        return _page(ctx, error=str(exc))
    flash(ctx.request, _("User {name} removed.").format(name=username))
    return RedirectResponse(ctx.url("users"), status_code=303)


def _page(ctx: Ctx, *, error: str | None = None, values: dict[str, Any] | None = None) -> Response:
    context = {
        "users": auth.list_users(session=ctx.db),
        "roles": list(UserRole),
        "error": error,
        "new": values or {"username": "", "role": "viewer"},
        "timezone": ctx.ws.config.workspace.timezone if ctx.ws.config.workspace else None,
    }
    return render(ctx.request, "users.html", context, ctx=ctx, status_code=400 if error else 200)
