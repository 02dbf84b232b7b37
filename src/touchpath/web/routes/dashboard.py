"""The dashboard: the workspace's KPIs from the events and the catalogue at a glance."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from touchpath.i18n import _, get_language
from touchpath.labels import N_, label
from touchpath.model import Catalogue
from touchpath.store import crud
from touchpath.web.data import EventsOverview, try_events_overview
from touchpath.web.deps import Ctx, Viewer
from touchpath.web.pages import NavEntry
from touchpath.web.routes._analytics import metadata_view
from touchpath.web.templating import figure_json, render

router = APIRouter()
NAV = [NavEntry("", N_("Dashboard"), N_("Overview"), 0)]


@router.get("/w/{ws}", include_in_schema=False)
def workspace_root(ctx: Viewer) -> Response:
    return RedirectResponse(ctx.url(), status_code=307)


@router.get("/w/{ws}/")
def dashboard(ctx: Viewer) -> Response:
    context = metadata_view(ctx, "dashboard", (), lambda: _context(ctx))
    return render(ctx.request, "dashboard.html", dict(context), ctx=ctx)


def _context(ctx: Ctx) -> dict[str, Any]:
    catalogue = crud.load_catalogue(session=ctx.db)
    data, problem = try_events_overview(ctx.cache, ctx.member)
    return {
        "catalogue": catalogue,
        "data": data,
        "problem": problem,
        "status_counts": Counter(str(tp.status) for tp in catalogue.touchpoints),
        "missing": catalogue.missing_touchpoints(),
        "unattended": [tp for tp in catalogue.touchpoints if tp.unattended],
        "top": _top_touchpoints(data, catalogue) if data else [],
        "channel_chart": figure_json(channel_figure(data)) if data and data.events else None,
        "timezone": ctx.ws.config.workspace.timezone if ctx.ws.config.workspace else None,
        "quality": quality(ctx, have_events=bool(data and data.events)),
    }


def quality(ctx: Ctx, *, have_events: bool, top: int = 3) -> dict[str, Any]:
    """Voice of the customer, the plan's first items, open alerts and task SLAs at a glance.

    The plan uses the same cached evidence from the events as the plan page, so both
    rank alike.
    """
    from touchpath.audit import plan
    from touchpath.automation.tasks import sla_summary
    from touchpath.store.feedback import load_feedback
    from touchpath.voc.alerts import list_alerts
    from touchpath.voc.kpi import kpi_table

    feedback = load_feedback(session=ctx.db)
    overall = None
    if not feedback.empty:
        overall = kpi_table(feedback, by="all").iloc[0].to_dict()
    from touchpath.web.routes.plan import plan_signals

    signals = plan_signals(ctx) if have_events else None
    items = [i for i in plan(session=ctx.db, signals=signals) if i.status != "done"]
    return {
        "kpi": overall,
        "plan": items[:top],
        "alerts": list_alerts(session=ctx.db, status="open", limit=top),
        "sla": sla_summary(session=ctx.db),
    }


def _top_touchpoints(
    data: EventsOverview, catalogue: Catalogue, n: int = 10
) -> list[dict[str, Any]]:
    names = {tp.id: tp.name for tp in catalogue.touchpoints}
    rows = []
    for row in data.touchpoints.head(n).to_dict("records"):
        tp_id = str(row["touchpoint"])
        rows.append(
            {
                "id": tp_id,
                "name": names.get(tp_id) or (tp_id if tp_id else _("(no touchpoint)")),
                "known": tp_id in names,
                "touches": int(row["touches"]),
                "customers": int(row["customers"]),
                "conversions": int(row["conversions"]),
            }
        )
    return rows


def channel_figure(data: EventsOverview) -> dict[str, Any]:
    """Touches and customers per channel group, largest on top (a Plotly figure spec).

    A plain dict rather than ``plotly.graph_objects``: plotly.js draws it in the browser,
    and the page need not import plotly at all.
    """
    frame = data.channels.iloc[::-1]
    names = [label(str(c)) for c in frame["channel"]]

    def bars(column: str, name: str, colour: str) -> dict[str, Any]:
        return {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": names,
            "x": [int(v) for v in frame[column]],
            "marker": {"color": colour},
        }

    return {
        "data": [
            bars("touches", _("touches"), "#4c6ef5"),
            bars("customers", _("customers"), "#a5b4fc"),
        ],
        "layout": {
            "title": {"text": _("Touches and customers by channel")},
            "barmode": "group",
            "height": 120 + 42 * len(names),
            "margin": {"l": 10, "r": 10, "t": 40, "b": 30},
            "legend": {"orientation": "h", "y": -0.12},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            # decimal mark, then thousands separator
            "separators": ", " if get_language() == "ru" else ".,",
            "yaxis": {"automargin": True},
            "font": {"family": "system-ui, sans-serif"},
        },
    }
