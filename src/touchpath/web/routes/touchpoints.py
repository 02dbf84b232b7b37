"""The touchpoint catalogue: list, create, edit, delete, classify.

Reading is open to every user of the workspace; changes need the analyst role. All
writes go through :mod:`touchpath.store.crud`, whose checks (unknown stage, touchpoint
still used by a chain ...) come back to the user as a message above the form.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.model import Attention, Catalogue, Channel, Lifetime, Mode, Role, Status
from touchpath.store import crud
from touchpath.store.auth import UserRole
from touchpath.web.data import try_events_overview
from touchpath.web.deps import Analyst, Ctx, Viewer
from touchpath.web.forms import Form, FormError, touchpoint_from, touchpoint_values
from touchpath.web.pages import NavEntry
from touchpath.web.templating import flash, render

router = APIRouter()
NAV = [NavEntry("touchpoints", N_("Touchpoints"), N_("Design"), 100)]

CHOICES: dict[str, list[Any]] = {
    "channel": list(Channel),
    "mode": list(Mode),
    "role": list(Role),
    "attention": list(Attention),
    "lifetime": list(Lifetime),
    "status": list(Status),
}


@router.get("/w/{ws}/touchpoints")
def touchpoint_list(
    ctx: Viewer, stage: str = "", status: str = "", channel: str = "", q: str = ""
) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    data, problem = try_events_overview(ctx.cache, ctx.member)
    shown = [
        tp
        for tp in catalogue.touchpoints
        if (not stage or stage in tp.stages)
        and (not status or tp.status == status)
        and (not channel or tp.channel == channel)
        and (not q or q.lower() in tp.name.lower() or q.lower() in (tp.owner or "").lower())
    ]
    context = {
        "catalogue": catalogue,
        "touchpoints": shown,
        "stats": data.touchpoint_stats() if data else {},
        "problem": problem,
        "filters": {"stage": stage, "status": status, "channel": channel, "q": q},
        "choices": CHOICES,
        "stages": {s.id: s for s in catalogue.stages},
    }
    return render(ctx.request, "touchpoints.html", context, ctx=ctx)


@router.get("/w/{ws}/touchpoints/-new")
def touchpoint_new(ctx: Analyst) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    values = {
        "id": "",
        "name": "",
        "channel": "site",
        "mode": "online",
        "stages": [],
        "role": "regular",
        "wow": False,
        "attention": None,
        "lifetime": None,
        "owner": None,
        "automated": False,
        "status": "active",
        "tags": [],
        "description": None,
    }
    return _form_page(ctx, catalogue, values, new=True)


@router.post("/w/{ws}/touchpoints")
def touchpoint_create(ctx: Analyst, form: Form) -> Response:
    values = touchpoint_values(form)
    catalogue = crud.load_catalogue(session=ctx.db)
    try:
        if any(tp.id == values["id"] for tp in catalogue.touchpoints):
            raise FormError(
                _("A touchpoint with the id {id!r} exists already.").format(id=values["id"])
            )
        touchpoint = touchpoint_from(values)
        crud.upsert_touchpoint(session=ctx.db, touchpoint=touchpoint)
    except (FormError, crud.CatalogueError) as exc:
        return _form_page(ctx, catalogue, values, new=True, error=str(exc))
    flash(ctx.request, _("Touchpoint “{name}” added.").format(name=touchpoint.name))
    return RedirectResponse(ctx.url("touchpoints"), status_code=303)


@router.get("/w/{ws}/touchpoints/{touchpoint_id}")
def touchpoint_edit(ctx: Viewer, touchpoint_id: str) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    touchpoint = _find(catalogue, touchpoint_id)
    data, _problem = try_events_overview(ctx.cache, ctx.member)
    stats = data.touchpoint_stats().get(touchpoint_id) if data else None
    values = touchpoint.model_dump(mode="json")
    return _form_page(ctx, catalogue, values, new=False, stats=stats)


@router.post("/w/{ws}/touchpoints/{touchpoint_id}")
def touchpoint_update(ctx: Analyst, touchpoint_id: str, form: Form) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    _find(catalogue, touchpoint_id)
    values = touchpoint_values(form)
    values["id"] = touchpoint_id  # the id names the touchpoint in events: it never changes here
    try:
        touchpoint = touchpoint_from(values)
        crud.upsert_touchpoint(session=ctx.db, touchpoint=touchpoint)
    except (FormError, crud.CatalogueError) as exc:
        return _form_page(ctx, catalogue, values, new=False, error=str(exc))
    flash(ctx.request, _("Touchpoint “{name}” saved.").format(name=touchpoint.name))
    return RedirectResponse(ctx.url("touchpoints"), status_code=303)


@router.post("/w/{ws}/touchpoints/{touchpoint_id}/delete")
def touchpoint_delete(ctx: Analyst, touchpoint_id: str) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    touchpoint = _find(catalogue, touchpoint_id)
    try:
        crud.delete_touchpoint(session=ctx.db, touchpoint_id=touchpoint_id)
    except crud.CatalogueError as exc:
        values = touchpoint.model_dump(mode="json")
        return _form_page(ctx, catalogue, values, new=False, error=str(exc))
    flash(ctx.request, _("Touchpoint “{name}” deleted.").format(name=touchpoint.name))
    return RedirectResponse(ctx.url("touchpoints"), status_code=303)


def _find(catalogue: Catalogue, touchpoint_id: str) -> Any:
    try:
        return catalogue.touchpoint(touchpoint_id)
    except KeyError:
        raise HTTPException(status_code=404, detail=_("There is no such touchpoint.")) from None


def _form_page(
    ctx: Ctx,
    catalogue: Catalogue,
    values: dict[str, Any],
    *,
    new: bool,
    error: str | None = None,
    stats: dict[str, int] | None = None,
) -> Response:
    used_by = [c for c in catalogue.chains if values.get("id") in c.steps]
    context = {
        "catalogue": catalogue,
        "tp": values,
        "new": new,
        "error": error,
        "stats": stats,
        "choices": CHOICES,
        "used_by": used_by,
        "readonly": not ctx.can(UserRole.ANALYST),
    }
    return render(
        ctx.request,
        "touchpoint_form.html",
        context,
        ctx=ctx,
        status_code=400 if error else 200,
    )
