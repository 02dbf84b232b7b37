"""One router per kind of catalogue item, all with the same five routes.

``GET /w/{workspace}/<items>`` (viewer), ``GET .../<items>/{item_id}`` (viewer),
``PUT .../<items>/{item_id}`` (analyst: insert at the end, or replace), ``DELETE
.../<items>/{item_id}`` (analyst). The body of a PUT is the domain type itself
(:mod:`touchpath.model`), so the API accepts exactly what the catalogue YAML does; its
``id`` must be the one in the URL. The routes hold no logic: :mod:`touchpath.store.crud`
checks references and raises (409 when a write would break the catalogue).
"""

# no `from __future__ import annotations`: FastAPI must see the item model itself

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Path, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from touchpath.model import Catalogue
from touchpath.store import crud
from touchpath.web.api._deps import AUTH_RESPONSES, ApiAnalyst, ApiViewer

M = TypeVar("M", bound=BaseModel)

ItemId = Annotated[
    str,
    Path(
        description="The item's catalogue id",
        pattern=r"^[a-z0-9][a-z0-9_.\-]{0,63}$",
    ),
]

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No item with this id"}}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The write would break the catalogue (e.g. an unknown reference)"}
}


def catalogue_router(
    *,
    plural: str,
    model: type[M],
    items: Callable[[Catalogue], list[M]],
    upsert: Callable[..., M],
    delete: Callable[..., None] | None = None,
) -> APIRouter:
    """The routes of one kind of item: ``plural`` is its URL segment and OpenAPI tag."""
    router = APIRouter(prefix=f"/w/{{workspace}}/{plural}", tags=[plural], responses=AUTH_RESPONSES)
    name = plural.rstrip("s")

    def _all(db: Session) -> list[M]:
        return items(crud.load_catalogue(session=db))

    @router.get("", response_model=list[model], summary=f"List the {plural}")  # type: ignore[valid-type]
    def list_items(ctx: ApiViewer) -> list[M]:
        return _all(ctx.db)

    @router.get(
        "/{item_id}",
        response_model=model,
        responses=NOT_FOUND,
        summary=f"Get one {name}",
    )
    def get_item(ctx: ApiViewer, item_id: ItemId) -> M:
        for item in _all(ctx.db):
            if getattr(item, "id", None) == item_id:
                return item
        raise HTTPException(status_code=404, detail=f"there is no {name} {item_id!r}")

    @router.put(
        "/{item_id}",
        response_model=model,
        responses={**CONFLICT, 422: {"description": "The body is not a valid item"}},
        summary=f"Create or replace a {name}",
    )
    def put_item(ctx: ApiAnalyst, item_id: ItemId, item: model) -> M:  # type: ignore[valid-type]
        if item.id != item_id:  # type: ignore[attr-defined]
            raise HTTPException(
                status_code=422,
                detail=f"the body's id {item.id!r} is not the URL's {item_id!r}",  # type: ignore[attr-defined]
            )
        return upsert(ctx.db, item)

    if delete is not None:
        remove = delete

        @router.delete(
            "/{item_id}",
            status_code=204,
            response_class=Response,
            responses={**NOT_FOUND, **CONFLICT},
            summary=f"Delete a {name}",
        )
        def delete_item(ctx: ApiAnalyst, item_id: ItemId) -> Response:
            remove(ctx.db, item_id)
            return Response(status_code=204)

    return router
