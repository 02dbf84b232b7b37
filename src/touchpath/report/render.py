"""The report as one self-contained HTML file: styles, plotly.js and the charts inside.

The file opens offline and asks nothing of the network: plotly.js comes from the
installed plotly package and is written into the page; each chart is its figure's JSON
in a ``<script type="application/json">`` block drawn by one small script. When every
chart is drawn the body gets ``data-ready="1"``, which the PDF printer waits for.
Everything the workspace's users wrote (touchpoint names, owners) goes through Jinja's
autoescaping; nothing is marked safe but the figures' JSON, whose ``<``, ``>`` and ``&``
are escaped (see :func:`figure_json`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from touchpath.formatting import fmt_date, fmt_datetime, fmt_money, fmt_number, fmt_percent
from touchpath.i18n import _, get_language, ngettext, reset_language, set_language
from touchpath.labels import group_label, label
from touchpath.model import Stage
from touchpath.report.sections import Progress, ReportContext, Section, build_sections

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Report:
    """A built report: its sections, for one workspace, in one language."""

    business: str
    workspace: str
    language: str
    generated: datetime
    timezone: str
    sections: list[Section]


def build_report(
    ctx: ReportContext, *, language: str = "en", progress: Progress | None = None
) -> Report:
    """Run every section's analysis in ``language`` (labels and figures speak it)."""
    token = set_language(language)
    try:
        sections = build_sections(ctx, progress=progress)
    finally:
        reset_language(token)
    return Report(
        business=ctx.catalogue.business,
        workspace=ctx.workspace.name,
        language=language,
        generated=ctx.generated,
        timezone=ws.timezone if (ws := ctx.workspace.config.workspace) else "UTC",
        sections=sections,
    )


@cache
def plotly_js() -> str:
    """The plotly.js bundle of the installed plotly package (no CDN, no download)."""
    from plotly.offline import get_plotlyjs  # type: ignore[import-untyped, unused-ignore]

    return str(get_plotlyjs())


def figure_json(figure: Any) -> Markup:
    """A figure's JSON, safe inside a ``<script>`` element (``</script>`` cannot occur)."""
    text = figure.to_json() if hasattr(figure, "to_json") else json.dumps(figure)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704  (escaped above: no markup can break out)


def stage_name(stage: Stage) -> str:
    return stage.name_ru if get_language() == "ru" and stage.name_ru else stage.name


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    globals_: dict[str, Callable[..., Any]] = {
        "_": _,
        "ngettext": ngettext,
        "label": label,
        "group_label": group_label,
        "stage_name": stage_name,
        "figure_json": figure_json,
    }
    env.globals.update(globals_)
    env.filters.update(
        num=fmt_number, pct=fmt_percent, money=fmt_money, day=fmt_date, moment=fmt_datetime
    )
    return env


def render_html(report: Report, *, charts: bool = True) -> str:
    """The whole report as HTML; ``charts=False`` leaves plotly.js out (tables only)."""
    token = set_language(report.language)
    try:
        template = _environment().get_template("report.html")
        return template.render(
            report=report,
            plotly_js=Markup(plotly_js()) if charts else "",  # noqa: S704  (the package's own file)
            charts=charts,
        )
    finally:
        reset_language(token)
