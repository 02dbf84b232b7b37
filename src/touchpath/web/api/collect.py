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

A batch may carry feedback (survey answers, reviews) beside or instead of events; it is
staged the same way and merged through the feedback import. Another kind of item joins
through :data:`KINDS`, a field of :class:`CollectBatch` and a merger in
:data:`touchpath.ingest.collector.MERGERS`.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from touchpath.ingest.collector import (
    EVENT_KIND,
    FEEDBACK_KIND,
    CollectedEvent,
    CollectedFeedback,
    serializer,
)
from touchpath.ingest.staging import GroupWriter, staging_path
from touchpath.web.api._deps import AUTH_RESPONSES, ApiCollector, ApiCtx

MAX_ITEMS = 10_000
"""Most items in one batch."""

CORS = {"Access-Control-Allow-Origin": "*"}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, X-API-Key",
    "Access-Control-Max-Age": "86400",
}


class CollectBatch(BaseModel):
    """A batch of touch events and/or feedback (1 to 10,000 items in all)."""

    model_config = ConfigDict(extra="forbid")

    events: list[CollectedEvent] = Field(default_factory=list, max_length=MAX_ITEMS)
    feedback: list[CollectedFeedback] = Field(default_factory=list, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _one_to_max(self) -> CollectBatch:
        if not 1 <= len(self.events) + len(self.feedback) <= MAX_ITEMS:
            raise ValueError(f"a batch holds 1 to {MAX_ITEMS} items (events and feedback)")
        return self


class CollectResult(BaseModel):
    """What happened to a batch: every item is either newly stored or a duplicate."""

    received: int = Field(description="Items in the batch")
    stored: int = Field(description="Items stored now (new event ids)")
    duplicates: int = Field(description="Items whose id was staged before: nothing added")


KINDS: dict[str, str] = {"events": EVENT_KIND, "feedback": FEEDBACK_KIND}
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
    summary="Send a batch of touch events and/or feedback",
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
    writer = writer_for(ctx)
    futures = []
    received = len(batch.events) + len(batch.feedback)
    if batch.events:
        ids = [e.event_id for e in batch.events]
        futures.append(writer.submit(EVENT_KIND, ids, serializer(batch.events)))
    if batch.feedback:
        ids = [f.feedback_id for f in batch.feedback]
        futures.append(writer.submit(FEEDBACK_KIND, ids, serializer(batch.feedback)))
    stored = sum([await asyncio.wrap_future(f) for f in futures])
    if stored:
        request.app.state.merger.ensure()
    return CollectResult(received=received, stored=stored, duplicates=received - stored)


@router.options("/collect", include_in_schema=False)
async def collect_preflight() -> Response:
    """CORS preflight, for browser code that posts JSON with the key in a header."""
    return Response(status_code=204, headers=PREFLIGHT)


def schemas() -> dict[str, Any]:
    """The JSON schemas the request body refers to (added to the OpenAPI components)."""
    doc = _batch.json_schema(ref_template="#/components/schemas/{model}")
    found: dict[str, Any] = dict(doc.pop("$defs", {}))
    found["CollectBatch"] = doc
    return found
