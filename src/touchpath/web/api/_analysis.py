"""What the analysis routes share: running on the events store, and JSON-ready rows.

Each analysis runs through the web app's result cache (:func:`touchpath.web.data.cached`):
once per data version and parameters, on a read-only connection closed straight after,
so the collector's merger and imports are never held up for long. Wrong parameters that
pass the query's own checks (an unknown touchpoint, a bad window) come back from the
analytics as :class:`~touchpath.errors.TouchpathError`: 422 with the message.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import ibis
import pandas as pd
from pydantic import BaseModel, ConfigDict

from touchpath.analytics.retention import records
from touchpath.model import Catalogue
from touchpath.store import crud
from touchpath.web.api._deps import ApiCtx
from touchpath.web.data import cached

T = TypeVar("T")

ANALYSIS_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"description": "A parameter is wrong (the message says which)"},
    503: {"description": "The events store is busy (an import): retry after Retry-After"},
}

Row = dict[str, Any]


class Result(BaseModel):
    """Base of analysis answers: rows may gain columns in later versions."""

    model_config = ConfigDict(extra="allow")


def run(
    ctx: ApiCtx, name: str, compute: Callable[[ibis.Table], T], params: tuple[Hashable, ...]
) -> T:
    """``compute(events)`` of the request's workspace, cached per data version."""
    return cached(ctx.cache, ctx.member, f"api:{name}", compute, params)


def catalogue(ctx: ApiCtx) -> Catalogue:
    return crud.load_catalogue(session=ctx.db)


def rows(frame: pd.DataFrame | None) -> list[Row]:
    """A result frame as JSON-ready dicts (NaN → null, dates → ISO text)."""
    return [] if frame is None else records(frame)
