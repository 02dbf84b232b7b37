"""How the API answers when it cannot do what was asked: always JSON, never a traceback.

* ``{"detail": "..."}`` with 401/403/404/409/413/422/503 for refusals and user mistakes;
* FastAPI's validation answer (422, ``{"detail": [{"loc": [...], "msg": ..., "type": ...}]}``)
  for malformed input: ``loc`` names the item's index and field, e.g.
  ``["body", "events", 3, "ts"]``, and every bad item of a batch is listed;
* 413 for a body over the limit, refused before it is read into memory.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from touchpath.engines.duckdb import StoreBusyError
from touchpath.errors import TouchpathError
from touchpath.store.crud import CatalogueError, NotFoundError

RETRY_AFTER = "5"


def _detail(exc: Exception) -> str:
    return str(exc).strip() or exc.__class__.__name__


async def _not_found(_request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": _detail(exc)}, status_code=404)


async def _conflict(_request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": _detail(exc)}, status_code=409)


async def _busy(_request: Request, exc: Exception) -> Response:
    return JSONResponse(
        {"detail": _detail(exc)}, status_code=503, headers={"Retry-After": RETRY_AFTER}
    )


async def _user_error(_request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": _detail(exc)}, status_code=422)


def install_handlers(app: FastAPI) -> None:
    """Map touchpath's errors to status codes (the most specific class wins)."""
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(CatalogueError, _conflict)
    app.add_exception_handler(StoreBusyError, _busy)
    app.add_exception_handler(TouchpathError, _user_error)


class BodyLimitMiddleware:
    """413 for a request body over ``max_body`` bytes, whether announced or streamed."""

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    announced = -1
                if announced < 0 or announced > self.max_body:
                    await self._refuse(scope, receive, send, announced)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(status_code=413, detail=self._message())
            return message

        await self.app(scope, limited, send)

    def _message(self) -> str:
        return f"the request body is larger than {self.max_body} bytes: send smaller batches"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, announced: int) -> None:
        status = 413 if announced > self.max_body else 400
        detail: Any = self._message() if status == 413 else "bad Content-Length header"
        response = JSONResponse({"detail": detail}, status_code=status)
        await response(scope, receive, send)
