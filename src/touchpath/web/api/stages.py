"""``/w/{workspace}/stages``: the journey's stages (no delete: touchpoints hang on them)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from touchpath.model import Stage
from touchpath.store import crud
from touchpath.web.api._catalogue import catalogue_router


def _upsert(db: Session, item: Stage) -> Stage:
    return crud.upsert_stage(session=db, stage=item)


router = catalogue_router(
    plural="stages", model=Stage, items=lambda catalogue: list(catalogue.stages), upsert=_upsert
)
