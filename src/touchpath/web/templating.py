"""Jinja2 set-up: autoescaping always on, ``_`` and the locale formatters as globals.

Every template gets the same context from :func:`render`: the page's workspace and
user, the navigation, the CSRF token for its forms, and the language of the request.
User text (touchpoint names, owners ...) is only ever inserted through ``{{ }}``, which
escapes it; nothing is marked safe.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from touchpath.formatting import fmt_date, fmt_datetime, fmt_money, fmt_number, fmt_percent
from touchpath.i18n import _, get_language, ngettext
from touchpath.labels import group_label, label
from touchpath.model import Stage
from touchpath.web.pages import SECTIONS
from touchpath.web.security import CSRF_FIELD, csrf_token

if TYPE_CHECKING:
    from touchpath.web.deps import Ctx

TEMPLATES = Path(__file__).with_name("templates")


def stage_name(stage: Stage) -> str:
    """A stage's name in the reader's language when the catalogue has one."""
    return stage.name_ru if get_language() == "ru" and stage.name_ru else stage.name


def role_label(role: str) -> str:
    names = {"admin": _("admin"), "analyst": _("analyst"), "viewer": _("viewer")}
    return names.get(str(role), str(role))


def figure_json(figure: Any) -> str:
    """A Plotly figure as JSON for a ``<script type="application/json">`` block.

    ``<``, ``>`` and ``&`` are escaped as JSON unicode escapes, so a label cannot close
    the script element.
    """
    text = figure.to_json() if hasattr(figure, "to_json") else json.dumps(figure)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        _=_,
        ngettext=ngettext,
        label=label,
        group_label=group_label,
        stage_name=stage_name,
        role_label=role_label,
        CSRF_FIELD=CSRF_FIELD,
    )
    env.filters.update(
        num=fmt_number,
        pct=fmt_percent,
        money=fmt_money,
        day=fmt_date,
        moment=fmt_datetime,
    )
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    ctx: Ctx | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Draw ``template`` with the shared context; ``ctx`` is the workspace page's context."""
    from touchpath.web.routes import navigation  # the registry imports the page modules

    env: Environment = request.app.state.templates
    values: dict[str, Any] = {
        "request": request,
        "lang": get_language(),
        "csrf": csrf_token(request),
        "ctx": ctx,
        "nav": navigation(request.app, ctx) if ctx is not None else [],
        "sections": SECTIONS,
        "workspaces": logged_in_workspaces(request),
        "path": request.url.path,
        "flash": request.session.pop("flash", None),
    }
    values.update(context or {})
    html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def flash(request: Request, message: str) -> None:
    """A one-line notice shown on the next page (after a redirect)."""
    request.session["flash"] = message


def logged_in_workspaces(request: Request) -> list[tuple[str, str]]:
    """(key, name) of the served workspaces this browser is logged into."""
    site = request.app.state.site
    tokens = request.session.get("auth") or {}
    return [(key, m.name) for key, m in site.members.items() if key in tokens]
