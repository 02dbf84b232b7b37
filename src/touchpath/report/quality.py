"""The report's sections on quality: audits against competitors, customer feedback, the plan.

Registered after the analytics sections (importing this module registers them). Each reads
what the audit and voice-of-the-customer parts store in the metadata DB and says how to add
it when the workspace has none.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from touchpath.i18n import _
from touchpath.report.sections import ReportContext, Section, register

PLAN_ITEMS = 12
KPI_ROWS = 15


@register("audits")
def audits_section(ctx: ReportContext) -> Section:
    from touchpath.audit.gaps import find_gaps
    from touchpath.audit.model import OURS
    from touchpath.audit.service import load
    from touchpath.charts.audit import heatmap_chart, radar_chart

    title = _("Audits against competitors")
    data = load(session=ctx.session)
    r = data.result
    comparison = r.comparison
    audited = (
        comparison[comparison[r.subjects].notna().any(axis=1)] if len(comparison) else comparison
    )
    gaps = find_gaps(data.catalogue, r)
    names = {t.id: t.name for t in data.catalogue.touchpoints}
    subjects = {OURS: _("Ours"), **{c.id: c.name for c in data.catalogue.competitors}}
    missing = [
        {"name": m.name, "who": ", ".join(subjects.get(c, c) for c in m.competitors)}
        for m in gaps.missing
    ]
    if not len(audited) and not missing:
        return Section(
            "audits",
            title,
            missing=_(
                "No audits yet: walk your customers' path and your competitors', "
                "then import the scores."
            ),
            command="touchpath audit import audit.csv",
        )
    rows = [
        {
            "name": names.get(row["touchpoint"], row["touchpoint"]),
            "scores": [_score(row.get(s)) for s in r.subjects],
        }
        for row in audited.to_dict("records")
    ]
    figures: list[tuple[str, Any]] = []
    if len(audited):
        figures = [
            (
                "audit-radar",
                radar_chart(audited, subjects=r.subjects, names=names, subject_names=subjects),
            ),
            (
                "audit-heatmap",
                heatmap_chart(audited, subjects=r.subjects, names=names, subject_names=subjects),
            ),
        ]
    return Section(
        "audits",
        title,
        lead=_(
            "Weighted audit scores (0–100%) of our touchpoints and the same touchpoints at "
            "each competitor; touchpoints a competitor has and we lack are listed below."
        ),
        values={
            "subjects": [subjects.get(s, s) for s in r.subjects],
            "rows": rows,
            "missing": missing,
            "channels": [m.channel for m in gaps.missed_channels],
        },
        figures=figures,
    )


def _score(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@register("voice")
def voice_section(ctx: ReportContext) -> Section:
    from touchpath.charts.voc import reaction_share_figure
    from touchpath.store.feedback import load_feedback
    from touchpath.voc.kpi import kpi_table, reaction_table

    title = _("Customer feedback")
    feedback = load_feedback(session=ctx.session)
    if feedback.empty:
        return Section(
            "voice",
            title,
            missing=_("No customer feedback yet: import survey answers and reviews."),
            command="touchpath feedback import answers.csv",
        )
    names = {t.id: t.name for t in ctx.catalogue.touchpoints}
    table = kpi_table(feedback, by="touchpoint")
    table = table.loc[table["group"].notna()].sort_values("responses", ascending=False)
    rows = [
        {
            "name": names.get(str(r["group"]), str(r["group"])),
            "responses": int(r["responses"]),
            "nps": r["nps"],
            "nps_low": r["nps_low"],
            "nps_high": r["nps_high"],
            "csat": r["csat"],
            "negative": r["negative"],
        }
        for r in table.head(KPI_ROWS).to_dict("records")
    ]
    reactions = reaction_table(feedback, by="touchpoint")
    reactions = reactions.loc[reactions["touchpoint"].notna()]
    reactions = reactions.assign(
        touchpoint=reactions["touchpoint"].map(lambda t: names.get(str(t), str(t)))
    )
    return Section(
        "voice",
        title,
        lead=_(
            "NPS with its interval (95%), CSAT (share of 4–5) and the share of negative "
            "reactions per touchpoint, from the customers' own answers and reviews."
        ),
        values={"rows": rows, "total": len(feedback)},
        figures=[("reactions", reaction_share_figure(reactions))],
    )


@register("plan")
def plan_section(ctx: ReportContext) -> Section:
    from touchpath.audit.service import plan

    title = _("Improvement plan")
    signals = None
    if ctx.events is not None and ctx.has_events:
        from touchpath.audit.signals import event_signals

        signals = event_signals(ctx.events)
    items = plan(session=ctx.session, signals=signals)
    if not items:
        return Section(
            "plan",
            title,
            missing=_("Nothing to rank yet: the plan needs audits, events or feedback."),
            command="touchpath audit plan",
        )
    return Section(
        "plan",
        title,
        lead=_(
            "What to fix first: impact = importance from the data × gap to the target or "
            "the best competitor × negativity of the customers' reactions."
        ),
        values={"items": [i.to_json() for i in items[:PLAN_ITEMS]], "total": len(items)},
    )
