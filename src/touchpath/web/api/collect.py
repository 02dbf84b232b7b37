"""``POST /w/{workspace}/collect``: the real-time event collector (docs/api.md, "Collector").

The answer (202) comes only once the whole batch is fsync'd in the workspace's staging
area (:mod:`touchpath.ingest.staging`); the merger brings it into the events store within
seconds. A batch is all or nothing: one bad item and nothing is stored, and the 422 lists
every bad item with its index and field. Items already staged (same ``event_id``) are
counted as duplicates and add nothing, so a client that got no answer simply resends.

The body is read as JSON whatever its ``Content-Type`` says: the browser snippet sends
``text/plain``, the one type a cross-site ``fetch``/``sendBeacon`` may send without a
CORS preflight. Answers carry ``Access-Control-Allow-Origin: *`` (no cookies are used,
the key is in the request).

Other kinds of items join through :data:`KINDS` (a name → item model and its id): feedback
is the next one (see docs/api.md).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from touchpath.ingest.collector import EVENT_KIND, CollectedEvent, serializer
from touchpath.ingest.staging import GroupWriter, staging_path
from touchpath.web.api._deps import AUTH_RESPONSES, ApiCollector, ApiCtx

MAX_ITEMS = 10_000
"""Most items in one batch."""

CORS = {"Access-Control-Allow-Origin": "*"}


class CollectBatch(BaseModel):
    """A batch of touch events (1 to 10,000)."""

    model_config = ConfigDict(extra="forbid")

    events: list[CollectedEvent] = Field(min_length=1, max_length=MAX_ITEMS)


class CollectResult(BaseModel):
    """What happened to a batch: every item is either newly stored or a duplicate."""

    received: int = Field(description="Items in the batch")
    stored: int = Field(description="Items stored now (new event ids)")
    duplicates: int = Field(description="Items whose id was staged before: nothing added")


KINDS: dict[str, str] = {"events": EVENT_KIND}
"""Batch field → staged kind; a new kind adds a field to :class:`CollectBatch` and a merger."""

_batch = TypeAdapter(CollectBatch)
_lock = threading.Lock()

router = APIRouter(prefix="/w/{workspace}", tags=["collector"], responses=AUTH_RESPONSES)


def writer_for(ctx: ApiCtx) -> GroupWriter:
    """The staging writer of the request's workspace (one per workspace and process)."""
    writers: dict[str, GroupWriter] = ctx.request.app.state.writers
    with _lock:
        writer = writers.get(ctx.member.key)
        if writer is None:
            writer = GroupWriter(staging_path(ctx.ws.root))
            writers[ctx.member.key] = writer
        return writer


def close_writers(app: FastAPI) -> None:
    writers: dict[str, GroupWriter] = app.state.writers
    with _lock:
        for writer in writers.values():
            writer.close()
        writers.clear()


def parse_batch(body: bytes) -> CollectBatch:
    """The batch in ``body``, or FastAPI's 422 naming each bad item's index and field."""
    try:
        return _batch.validate_json(body)
    except ValidationError as exc:
        errors: list[dict[str, Any]] = []
        for found in exc.errors(include_url=False, include_context=False):
            error: dict[str, Any] = dict(found)
            error["loc"] = ("body", *found["loc"])
            given = error.pop("input", None)
            if isinstance(given, dict | list | str) and len(str(given)) > 200:
                error["input"] = str(given)[:200]
            elif not isinstance(given, bytes):  # bytes: the whole body, when it is not JSON
                error["input"] = given
            errors.append(error)
        raise RequestValidationError(errors) from None


@router.post(
    "/collect",
    status_code=202,
    response_model=CollectResult,
    summary="Send a batch of touch events",
    responses={
        413: {"description": "The body is over the size limit"},
        422: {"description": "Bad items: every one listed with its index and field"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/CollectBatch"}},
                "text/plain": {"schema": {"type": "string", "description": "The same JSON"}},
            },
        }
    },
)
async def collect(ctx: ApiCollector, request: Request, response: Response) -> CollectResult:
    response.headers.update(CORS)
    batch = parse_batch(await request.body())
    events = batch.events
    ids = [e.event_id for e in events]
    future = writer_for(ctx).submit(KINDS["events"], ids, serializer(events))
    stored = await asyncio.wrap_future(future)
    return CollectResult(received=len(ids), stored=stored, duplicates=len(ids) - stored)


def schemas() -> dict[str, Any]:
    """The JSON schemas the request body refers to (added to the OpenAPI components)."""
    doc = _batch.json_schema(ref_template="#/components/schemas/{model}")
    found: dict[str, Any] = dict(doc.pop("$defs", {}))
    found["CollectBatch"] = doc
    return found
