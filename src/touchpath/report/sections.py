"""What a report holds: one section per topic, each built from one workspace's data.

A section builder takes a :class:`ReportContext` and returns a :class:`Section` — its
title, a lead sentence, the values its partial template (``templates/_<key>.html``)
shows and its Plotly figures. When a topic's data is not there (no events, no audits,
no feedback) the builder returns a section with ``missing`` set: the report then says what
is needed and how to add it, rather than leaving a silent hole.

Builders are registered by name in :data:`BUILDERS` (in report order), so later parts of
touchpath (audits, feedback, the plan) add their sections with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import ibis
from sqlalchemy.orm import Session

from touchpath.bootstrap import load_catalogue
from touchpath.catalogue.journey_map import journey_columns
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.labels import N_, group_label
from touchpath.model import Catalogue
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import Workspace

Progress = Callable[[str], None]


@dataclass
class ReportContext:
    """One workspace opened for a report: its catalogue, events and metadata session."""

    workspace: Workspace
    catalogue: Catalogue
    events: ibis.Table | None
    session: Session
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def has_events(self) -> bool:
        if self.events is None:
            return False
        if "events_count" not in self.cache:
            self.cache["events_count"] = int(self.events.count().to_pyarrow().as_py())
        return bool(self.cache["events_count"])


@dataclass
class Section:
    """A part of the report; ``missing`` explains an empty one (what it needs, the command)."""

    key: str
    title: str
    lead: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    figures: list[tuple[str, Any]] = field(default_factory=list)
    missing: str = ""
    command: str = ""


Builder = Callable[[ReportContext], Section]
BUILDERS: dict[str, Builder] = {}


def register(key: str) -> Callable[[Builder], Builder]:
    """Add a section builder under ``key`` (its template is ``_<key>.html``)."""

    def add(builder: Builder) -> Builder:
        BUILDERS[key] = builder
        return builder

    return add


@contextmanager
def open_context(ws: Workspace) -> Iterator[ReportContext]:
    """The workspace's catalogue, events (read-only) and a metadata session, then closed."""
    catalogue = load_catalogue(ws)
    engine = create_engine(ws.metadata_url)
    events_engine = ws.engine
    con = None
    try:
        try:
            con = events_engine.connect(read_only=True)
            events: ibis.Table | None = events_engine.events(con)
        except TouchpathError:
            events = None
        with session_factory(engine)() as session:
            yield ReportContext(ws, catalogue, events, session)
    finally:
        if con is not None:
            con.disconnect()
        engine.dispose()


def no_events(key: str, title: str) -> Section:
    return Section(
        key,
        title,
        missing=_("No events in this workspace yet: import them to fill this section."),
        command="touchpath import events.csv --mapping mapping.yaml",
    )


# --- the sections of the data we always have ---------------------------------------------


@register("overview")
def overview(ctx: ReportContext) -> Section:
    from touchpath.analytics.overview import revenue_by_currency, totals

    title = _("At a glance")
    values: dict[str, Any] = {
        "touchpoints": len(ctx.catalogue.touchpoints),
        "active": sum(tp.status.value == "active" for tp in ctx.catalogue.touchpoints),
        "missing": sum(tp.status.value == "missing" for tp in ctx.catalogue.touchpoints),
        "chains": len(ctx.catalogue.chains),
        "competitors": len(ctx.catalogue.competitors),
        "totals": None,
        "revenue": [],
    }
    if ctx.events is not None and ctx.has_events:
        row = totals(ctx.events).to_pandas().iloc[0].to_dict()
        row["rate"] = row["converted_customers"] / row["customers"] if row["customers"] else None
        values["totals"] = row
        values["revenue"] = revenue_by_currency(ctx.events).to_pandas().to_dict("records")
    return Section("overview", title, values=values)


@register("catalogue")
def catalogue_section(ctx: ReportContext) -> Section:
    stages = ctx.catalogue.stages_in_order()
    order = {s.id: i for i, s in enumerate(stages)}
    touchpoints = sorted(
        ctx.catalogue.touchpoints,
        key=lambda tp: (min((order.get(s, 99) for s in tp.stages), default=99), tp.name),
    )
    return Section(
        "catalogue",
        _("Touchpoint catalogue"),
        lead=_("Every touchpoint of the business, where it serves and who answers for it."),
        values={"touchpoints": touchpoints, "stages": {s.id: s for s in stages}},
    )


@register("journey")
def journey_section(ctx: ReportContext) -> Section:
    from touchpath.analytics.overview import by_touchpoint

    stats: dict[str, dict[str, int]] = {}
    if ctx.events is not None and ctx.has_events:
        frame = by_touchpoint(ctx.events).to_pandas()
        stats = {
            str(r["touchpoint"]): {
                "touches": int(r["touches"]),
                "customers": int(r["customers"]),
                "conversions": int(r["conversions"]),
            }
            for r in frame.to_dict("records")
        }
    have_data = bool(stats)
    return Section(
        "journey",
        _("Journey map"),
        lead=_("Stages of the buyer's journey as columns; dashed cards are touchpoints we lack."),
        values={
            "columns": journey_columns(ctx.catalogue, stats, have_data=have_data),
            "have_data": have_data,
        },
    )


@register("funnel")
def funnel_section(ctx: ReportContext) -> Section:
    from touchpath.analytics.funnels import FunnelError, funnel

    title = _("Funnel by journey stage")
    if ctx.events is None or not ctx.has_events:
        return no_events("funnel", title)
    try:
        result = funnel(ctx.events, catalogue=ctx.catalogue)
    except FunnelError as exc:
        return Section("funnel", title, missing=str(exc))
    return Section(
        "funnel",
        title,
        lead=_("How many customers reach each stage of the journey, in order, and when."),
        values={"steps": result.steps.to_dict("records")},
        figures=[("funnel", result.figure())],
    )


@register("discovered")
def discovered_section(ctx: ReportContext) -> Section:
    from touchpath.analytics.journey import directly_follows

    title = _("Discovered journey")
    if ctx.events is None or not ctx.has_events:
        return no_events("discovered", title)
    names = {tp.id: tp.name for tp in ctx.catalogue.touchpoints}
    jm = directly_follows(ctx.events)
    edges = jm.top_edges(max_edges=12)
    rows = [
        {
            "source": names.get(r["source"], r["source"]),
            "target": names.get(r["target"], r["target"]),
            "count": int(r["count"]),
            "customers": int(r["customers"]),
            "median_seconds": float(r["median_seconds"]),
        }
        for r in edges.to_dict("records")
    ]
    return Section(
        "discovered",
        title,
        lead=_("How customers really moved: the most frequent steps between touchpoints."),
        values={"edges": rows},
        figures=[("journey-graph", jm.figure(labels=names, max_edges=25))],
    )


REPORT_MODELS: dict[str, str] = {
    "first": N_("First touch"),
    "last": N_("Last touch"),
    "linear": N_("Linear"),
    "markov": N_("Markov chain, order 1"),
}
"""The models the report compares (registry name → title), simple to telling."""


@register("attribution")
def attribution_section(ctx: ReportContext) -> Section:
    from touchpath.attribution.compare import compare, wide
    from touchpath.attribution.paths import paths_from_events
    from touchpath.attribution.registry import make_model
    from touchpath.charts.attribution import comparison_chart

    title = _("Attribution: which channels earn the conversions")
    if ctx.events is None or not ctx.has_events:
        return no_events("attribution", title)
    paths = paths_from_events(ctx.events, unit="channel")
    if not len(paths) or float(paths["conversions"].sum()) == 0:
        return Section(
            "attribution",
            title,
            missing=_("No conversions in the events: attribution needs converting journeys."),
        )
    models = {_(title): make_model(name) for name, title in REPORT_MODELS.items()}
    table = compare(models, paths)
    shares = wide(table, "share")
    table = table.assign(channel=table["channel"].astype(str).map(group_label))
    return Section(
        "attribution",
        title,
        lead=_(
            "Share of the conversions each channel earns under four models; where they "
            "disagree, the channel's role is in the middle of the journey."
        ),
        values={"models": list(models), "shares": shares.to_dict("records")},
        figures=[("attribution", comparison_chart(table, metric="conversions"))],
    )


def build_sections(ctx: ReportContext, progress: Progress | None = None) -> list[Section]:
    """Every registered section, in order; ``progress(key)`` before each."""
    sections = []
    for key, builder in BUILDERS.items():
        if progress is not None:
            progress(key)
        sections.append(builder(ctx))
    return sections
