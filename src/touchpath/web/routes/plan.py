"""The improvement plan: touchpoints ranked by impact = importance × gap × negativity.

Importance uses the workspace's events (attribution, reach, drop-off) when it has any,
computed once per data version; without events it comes from the audit alone. Everyone
reads; setting an item's owner, due date and status needs the analyst role.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from touchpath.audit.export import plan_csv, plan_markdown
from touchpath.audit.plan import PlanConfig, PlanItem, Signals
from touchpath.audit.service import plan
from touchpath.audit.signals import signals_from
from touchpath.i18n import _
from touchpath.labels import N_
from touchpath.store import audits as store
from touchpath.store.auth import UserRole
from touchpath.web.deps import Analyst, Ctx, Viewer
from touchpath.web.forms import Form
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import events_state, metadata_view
from touchpath.web.templating import flash, render

router = APIRouter()
NAV = [NavEntry("plan", N_("Improvement plan"), N_("Quality and voice"), 320)]

KINDS = {"improve": N_("Improve"), "add": N_("Add"), "audit": N_("Audit")}
SOURCES = {
    "attribution": N_("attribution share"),
    "reach": N_("reach"),
    "dropoff": N_("drop-off after the touchpoint"),
    "negative": N_("negative feedback"),
}
LOOKBACK = dt.timedelta(days=30)  # as event_signals and the attribution page's default

STATUSES = {
    "open": N_("open"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "dropped": N_("dropped"),
}


def _signals(ctx: Ctx) -> tuple[Signals | None, str]:
    data, problem = events_state(ctx)
    if data is None or not data.events:
        return None, problem or _("No events yet: importance comes from the audit alone.")
    return plan_signals(ctx), ""


def plan_signals(ctx: Ctx) -> Signals:
    """:func:`~touchpath.audit.signals.event_signals` from the tables the paths and
    attribution pages cache for their defaults, so the first of these pages pays for all."""
    from touchpath.web.routes.attribution import computed, conversion_paths
    from touchpath.web.routes.paths import touchpoint_table

    stats = touchpoint_table(ctx, collapse=True)
    paths = conversion_paths(ctx, "touchpoint", lookback=LOOKBACK, ages=False)
    return computed(ctx, "audit.signals", (), lambda: signals_from(stats.stats, paths))  # type: ignore[no-any-return]


def _items(ctx: Ctx) -> tuple[list[PlanItem], Signals | None, str]:
    def build() -> tuple[list[PlanItem], Signals | None, str]:
        signals, note = _signals(ctx)
        return plan(session=ctx.db, signals=signals), signals, note

    items, signals, note = metadata_view(ctx, "plan", (), build)
    return list(items), signals, note


@router.get("/w/{ws}/plan")
def plan_page(ctx: Viewer, status: str = "") -> Response:
    items, signals, note = _items(ctx)
    if status and status in STATUSES:
        items = [i for i in items if i.status == status]
    context: dict[str, Any] = {
        "items": items,
        "kinds": {k: _(v) for k, v in KINDS.items()},
        "statuses": {k: _(v) for k, v in STATUSES.items()},
        "status_filter": status,
        "config": PlanConfig(),
        "sources": [_(SOURCES[s]) for s in (signals.sources() if signals else [])],
        "note": note,
        "can_edit": ctx.can(UserRole.ANALYST),
    }
    return render(ctx.request, "plan.html", context, ctx=ctx)


@router.post("/w/{ws}/plan/item")
def plan_item(ctx: Analyst, form: Form) -> Response:
    key = str(form.get("key") or "")
    keys = {i.key for i in plan(session=ctx.db)}
    if key not in keys:
        raise HTTPException(status_code=404, detail=_("There is no such plan item."))
    raw_due = str(form.get("due") or "").strip()
    try:
        due = dt.date.fromisoformat(raw_due) if raw_due else None
    except ValueError:
        flash(
            ctx.request,
            _("Due date: {value!r} is not a date YYYY-MM-DD").format(value=raw_due[:20]),
        )
        return RedirectResponse(ctx.url("plan"), status_code=303)
    status = str(form.get("status") or "open")
    if status not in STATUSES:
        raise HTTPException(status_code=400, detail=_("Unknown status."))
    state = store.set_plan_item(
        session=ctx.db,
        key=key,
        owner=str(form.get("owner") or ""),
        due=due,
        status=status,
        note=(str(form.get("note") or "").strip()[:2000] or None),
    )
    flash(
        ctx.request, _("{key}: saved ({status}).").format(key=key, status=_(STATUSES[state.status]))
    )
    return RedirectResponse(ctx.url("plan") + f"#item-{key.replace(':', '-')}", status_code=303)


@router.get("/w/{ws}/plan/plan.{fmt}")
def plan_export(ctx: Viewer, fmt: str) -> Response:
    if fmt not in ("csv", "md"):
        raise HTTPException(status_code=404)
    items, _signals_used, _note = _items(ctx)
    if fmt == "csv":
        text, media = plan_csv(items), "text/csv"
    else:
        text, media = plan_markdown(items, title=_("Improvement plan")), "text/markdown"
    return Response(
        text,
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="plan.{fmt}"'},
    )
