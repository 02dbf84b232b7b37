"""``/w/{workspace}/chains``: the designed chains of touchpoints (see :mod:`._catalogue`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from touchpath.model import Chain
from touchpath.store import crud
from touchpath.web.api._catalogue import catalogue_router


def _upsert(db: Session, item: Chain) -> Chain:
    return crud.upsert_chain(session=db, chain=item)


def _delete(db: Session, item_id: str) -> None:
    crud.delete_chain(session=db, chain_id=item_id)


router = catalogue_router(
    plural="chains",
    model=Chain,
    items=lambda catalogue: list(catalogue.chains),
    upsert=_upsert,
    delete=_delete,
)
