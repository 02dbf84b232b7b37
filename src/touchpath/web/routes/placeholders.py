"""Pages still to come: each says what it will show, what data it needs and how to add it.

Made per placeholder by :func:`make_router` (the app passes the ones no module serves
yet), so each has a fixed path and the same viewer check as every other page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fastapi import APIRouter
from fastapi.responses import Response

from touchpath.web.data import try_events_overview
from touchpath.web.deps import Viewer
from touchpath.web.pages import Placeholder
from touchpath.web.templating import render


def make_router(placeholders: Sequence[Placeholder]) -> APIRouter:
    router = APIRouter()
    for placeholder in placeholders:
        router.add_api_route(
            f"/w/{{ws}}/{placeholder.entry.slug}",
            _endpoint(placeholder),
            methods=["GET"],
            name=f"placeholder-{placeholder.entry.slug}",
        )
    return router


def _endpoint(placeholder: Placeholder) -> Callable[[Viewer], Response]:
    def page(ctx: Viewer) -> Response:
        data, problem = try_events_overview(ctx.cache, ctx.member)
        context = {"page": placeholder, "data": data, "problem": problem}
        return render(ctx.request, "placeholder.html", context, ctx=ctx)

    return page
