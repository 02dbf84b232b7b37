"""``/w/{workspace}/competitors``: competitors and the touchpoints they offer."""

from __future__ import annotations

from sqlalchemy.orm import Session

from touchpath.model import Competitor
from touchpath.store import crud
from touchpath.web.api._catalogue import catalogue_router


def _upsert(db: Session, item: Competitor) -> Competitor:
    return crud.upsert_competitor(session=db, competitor=item)


def _delete(db: Session, item_id: str) -> None:
    crud.delete_competitor(session=db, competitor_id=item_id)


router = catalogue_router(
    plural="competitors",
    model=Competitor,
    items=lambda catalogue: list(catalogue.competitors),
    upsert=_upsert,
    delete=_delete,
)
