"""``/w/{workspace}/touchpoints``: the catalogue's touchpoints (see :mod:`._catalogue`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from touchpath.model import Touchpoint
from touchpath.store import crud
from touchpath.web.api._catalogue import catalogue_router


def _upsert(db: Session, item: Touchpoint) -> Touchpoint:
    return crud.upsert_touchpoint(session=db, touchpoint=item)


def _delete(db: Session, item_id: str) -> None:
    crud.delete_touchpoint(session=db, touchpoint_id=item_id)


router = catalogue_router(
    plural="touchpoints",
    model=Touchpoint,
    items=lambda catalogue: list(catalogue.touchpoints),
    upsert=_upsert,
    delete=_delete,
)
