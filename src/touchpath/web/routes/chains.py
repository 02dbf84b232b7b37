"""The chain designer: order touchpoints into a chain (цепочка контакта).

Every change is one plain form post — the list of steps as it stands plus the button
pressed (``up:2``, ``remove:0``, ``add`` ...) — so the designer works without
JavaScript; with it, rows can also be dragged and the form is sent as ``save``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.model import Catalogue, Chain
from touchpath.store import crud
from touchpath.store.auth import UserRole
from touchpath.web.data import try_events_overview
from touchpath.web.deps import Analyst, Ctx, Viewer
from touchpath.web.forms import Form, FormError, chain_from, move
from touchpath.web.pages import NavEntry
from touchpath.web.templating import flash, render

router = APIRouter()
NAV = [NavEntry("chains", N_("Chains"), N_("Design"), 110)]


@router.get("/w/{ws}/chains")
def chain_list(ctx: Viewer) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    return _list_page(ctx, catalogue)


@router.post("/w/{ws}/chains")
def chain_create(ctx: Analyst, form: Form) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    values = _values(form, steps=[str(form.get("first_step") or "")])
    try:
        if any(c.id == values["id"] for c in catalogue.chains):
            raise FormError(_("A chain with the id {id!r} exists already.").format(id=values["id"]))
        chain = chain_from(values)
        crud.upsert_chain(session=ctx.db, chain=chain)
    except (FormError, crud.CatalogueError) as exc:
        return _list_page(ctx, catalogue, error=str(exc), values=values)
    flash(ctx.request, _("Chain “{name}” created: now add its steps.").format(name=chain.name))
    return RedirectResponse(ctx.url(f"chains/{chain.id}"), status_code=303)


@router.get("/w/{ws}/chains/{chain_id}")
def chain_edit(ctx: Viewer, chain_id: str) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    chain = _find(catalogue, chain_id)
    return _designer(ctx, catalogue, chain.model_dump(mode="json"))


@router.post("/w/{ws}/chains/{chain_id}")
def chain_update(ctx: Analyst, chain_id: str, form: Form) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    _find(catalogue, chain_id)
    submitted = [s for s in form.getlist("steps") if isinstance(s, str) and s]
    action = str(form.get("action") or "save")
    added = form.get("add_step")
    steps = move(submitted, action, added if isinstance(added, str) else None)
    values = _values(form, steps=steps)
    values["id"] = chain_id
    try:
        chain = chain_from(values)
        crud.upsert_chain(session=ctx.db, chain=chain)
    except (FormError, crud.CatalogueError) as exc:
        return _designer(ctx, catalogue, values, error=str(exc))
    if action == "save":
        flash(ctx.request, _("Chain “{name}” saved.").format(name=chain.name))
    return RedirectResponse(ctx.url(f"chains/{chain.id}#steps"), status_code=303)


@router.post("/w/{ws}/chains/{chain_id}/delete")
def chain_delete(ctx: Analyst, chain_id: str) -> Response:
    catalogue = crud.load_catalogue(session=ctx.db)
    chain = _find(catalogue, chain_id)
    try:
        crud.delete_chain(session=ctx.db, chain_id=chain_id)
    except crud.CatalogueError as exc:
        return _designer(ctx, catalogue, chain.model_dump(mode="json"), error=str(exc))
    flash(ctx.request, _("Chain “{name}” deleted.").format(name=chain.name))
    return RedirectResponse(ctx.url("chains"), status_code=303)


def _values(form: Any, *, steps: list[str]) -> dict[str, Any]:
    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    return {
        "id": text("id"),
        "name": text("name"),
        "description": text("description") or None,
        "steps": [s for s in steps if s],
        "next_chain": text("next_chain") or None,
    }


def _find(catalogue: Catalogue, chain_id: str) -> Chain:
    for chain in catalogue.chains:
        if chain.id == chain_id:
            return chain
    raise HTTPException(status_code=404, detail=_("There is no such chain."))


def _list_page(
    ctx: Ctx,
    catalogue: Catalogue,
    *,
    error: str | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    context = {
        "catalogue": catalogue,
        "names": {tp.id: tp.name for tp in catalogue.touchpoints},
        "error": error,
        "new": values or {"id": "", "name": "", "steps": []},
        "can_edit": ctx.can(UserRole.ANALYST),
    }
    return render(ctx.request, "chains.html", context, ctx=ctx, status_code=400 if error else 200)


def _designer(
    ctx: Ctx, catalogue: Catalogue, chain: dict[str, Any], *, error: str | None = None
) -> Response:
    data, _problem = try_events_overview(ctx.cache, ctx.member)
    context = {
        "catalogue": catalogue,
        "chain": chain,
        "touchpoints": {tp.id: tp for tp in catalogue.touchpoints},
        "stats": data.touchpoint_stats() if data else {},
        "error": error,
        "can_edit": ctx.can(UserRole.ANALYST),
        "leads_here": [c for c in catalogue.chains if c.next_chain == chain["id"]],
    }
    return render(ctx.request, "chain.html", context, ctx=ctx, status_code=400 if error else 200)
