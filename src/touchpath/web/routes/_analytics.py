"""What the analytics pages share: checked query parameters, the data check, display names.

The pages (funnel, paths, journey graph, attribution, retention) are GET forms. Every
parameter is read here as text and checked, so a bad value becomes one clear line on the
page with status 400 — never FastAPI's generic validation answer, never a traceback.

Results are cached twice, both per data version: the analysis itself through
:func:`touchpath.web.data.cached` (shared by every language and user), and the drawn
view — tables and Plotly JSON in the reader's language, with the catalogue's current
names — under the language and a fingerprint of the catalogue, so a renamed touchpoint
shows at once while the engine is not asked again. Pages drawn from the metadata DB
(audits, voice, plan, dashboard, journey map) keep their view under the metadata version
as well (:func:`metadata_view`).
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import ibis
import pandas as pd
from fastapi import Request

from touchpath.formatting import fmt_number
from touchpath.i18n import _, get_language
from touchpath.labels import group_label
from touchpath.model import Catalogue
from touchpath.web.cache import data_version
from touchpath.web.data import EventsOverview, cached, metadata_cached, try_events_overview
from touchpath.web.deps import Ctx
from touchpath.web.templating import figure_json, stage_name

T = TypeVar("T")

UNMAPPED = "(unmapped)"
"""The step of events without a touchpoint in paths and the journey graph."""

# Plotly's number separators (decimal point, then thousands) in each language we speak.
_SEPARATORS = {"en": ".,", "ru": ",\u00a0"}
_SHOWN = 60  # at most this many characters of a bad value are echoed back


class ParamError(Exception):
    """One or more query parameters are wrong; the page shows the lines with status 400."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = list(lines)


@dataclass
class Params:
    """The page's query parameters, read one by one with their checks.

    Each reader returns a usable value (the default when the given one is wrong) and
    notes what was wrong in :attr:`errors`, so the form can be drawn again with every
    problem listed at once. :attr:`values` keeps what the form should show.
    """

    request: Request
    errors: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def _raw(self, name: str) -> str | None:
        value = self.request.query_params.get(name)
        return None if value is None else value.strip()

    def fail(self, message: str) -> None:
        self.errors.append(message)

    def choice(self, name: str, field_label: str, choices: Sequence[str], default: str) -> str:
        """One of ``choices``; empty or absent means ``default``."""
        raw = self._raw(name)
        value = raw or default
        if value not in choices:
            self.fail(
                _("{field}: {value} is not one of: {choices}").format(
                    field=field_label,
                    value=shown(value),
                    choices=", ".join(c for c in choices if c),
                )
            )
            value = default
        self.values[name] = value
        return value

    def integer(
        self, name: str, field_label: str, default: int | None, low: int, high: int
    ) -> int | None:
        """A whole number from ``low`` to ``high``; empty or absent means ``default``."""
        raw = self._raw(name)
        self.values[name] = "" if default is None else str(default)
        if not raw:
            return default
        self.values[name] = raw
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            self.fail(
                _("{field}: write a whole number from {low} to {high} (got {value})").format(
                    field=field_label,
                    low=fmt_number(low),
                    high=fmt_number(high),
                    value=shown(raw),
                )
            )
            return default
        return value

    def flag(self, name: str, field_label: str, default: bool) -> bool:
        """Yes (``1``) or no (``0``); absent means ``default``."""
        raw = self._raw(name)
        value = default
        if raw:
            if raw.lower() in ("1", "on", "yes", "true"):
                value = True
            elif raw.lower() in ("0", "off", "no", "false"):
                value = False
            else:
                self.fail(
                    _("{field}: answer 1 (yes) or 0 (no), not {value}").format(
                        field=field_label, value=shown(raw)
                    )
                )
        self.values[name] = value
        return value

    def text(self, name: str, default: str = "") -> str:
        raw = self._raw(name)
        value = default if raw is None else raw
        self.values[name] = value
        return value

    def many(self, name: str) -> list[str]:
        """Every non-empty value of a repeated parameter, in order."""
        values = [v.strip() for v in self.request.query_params.getlist(name) if v.strip()]
        self.values[name] = values
        return values

    def given(self) -> bool:
        """Whether the form was sent (any parameter at all)."""
        return bool(self.request.query_params)

    def check(self) -> None:
        if self.errors:
            raise ParamError(self.errors)


def shown(value: str) -> str:
    """A user's value in a message: quoted, and cut when long."""
    text = value if len(value) <= _SHOWN else value[:_SHOWN] + "…"
    return f"«{text}»" if get_language() == "ru" else f"“{text}”"


# -- data and caches ----------------------------------------------------------------------


def events_state(ctx: Ctx) -> tuple[EventsOverview | None, str]:
    """The events overview (shared with the dashboard) or the reason it is missing."""
    return try_events_overview(ctx.cache, ctx.member)


def analysis(
    ctx: Ctx, name: str, params: tuple[Hashable, ...], compute: Callable[[ibis.Table], T]
) -> T:
    """``compute(events)`` once per data version and parameters, for every reader."""
    return cached(ctx.cache, ctx.member, f"web.{name}", compute, params=params)


def view(
    ctx: Ctx,
    name: str,
    params: tuple[Hashable, ...],
    catalogue: Catalogue,
    build: Callable[[], T],
) -> T:
    """The drawn page (tables, figure JSON): per data version, language and catalogue."""
    key = (
        "view",
        str(ctx.ws.root),
        data_version(ctx.ws),
        name,
        params,
        get_language(),
        fingerprint(catalogue),
    )
    return ctx.cache.get(key, build)


def metadata_view(ctx: Ctx, name: str, params: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """What a page draws from the metadata DB (and maybe the events), in the reader's
    language: once per metadata version, data version and parameters."""
    return metadata_cached(
        ctx.cache, ctx.member, f"web.{name}", build, params=(get_language(), *params)
    )


def fingerprint(catalogue: Catalogue) -> str:
    """Changes whenever anything in the catalogue does (names, stages, chains)."""
    return hashlib.sha256(catalogue.model_dump_json().encode()).hexdigest()


# -- names --------------------------------------------------------------------------------


def touchpoint_names(catalogue: Catalogue) -> dict[str, str]:
    return {tp.id: tp.name for tp in catalogue.touchpoints}


def stage_names(catalogue: Catalogue) -> dict[str, str]:
    return {s.id: stage_name(s) for s in catalogue.stages}


def unit_namer(by: str, catalogue: Catalogue) -> Callable[[str], str]:
    """How a path step or graph node is called: touchpoint name, channel or stage label."""
    if by == "touchpoint":
        names = touchpoint_names(catalogue)
    elif by == "stage":
        names = stage_names(catalogue)
    else:
        names = {}

    def name(unit: str) -> str:
        if unit == UNMAPPED:
            return _("(no touchpoint)") if by != "channel" else _("(no channel)")
        if by == "channel":
            return group_label(unit)
        return names.get(unit, unit)

    return name


def for_plotly(text: object) -> str:
    """User text as a Plotly label: ``<`` ``>`` ``&`` as entities, so Plotly shows them as
    they are instead of reading its few HTML-like tags (a name cannot make a link)."""
    return html.escape(str(text), quote=False)


def plotly_names(namer: Callable[[str], str], units: Iterable[str]) -> dict[str, str]:
    return {u: for_plotly(namer(u)) for u in units}


# -- charts and numbers -------------------------------------------------------------------


def chart(
    figure: Any,
    *,
    height: int | None = None,
    legend: str = "right",
    margin: dict[str, int] | None = None,
) -> str:
    """A figure as page JSON: the reader's number separators, white, compact margins.

    The page's heading names the chart, so the figure's own title is dropped; a legend
    goes on the ``right`` (Plotly's place) or on ``top``, above the plot, where it never
    covers tick labels. Plotly makes room for it.
    """
    layout: dict[str, Any] = {
        "title": {"text": ""},
        "separators": _SEPARATORS.get(get_language(), ".,"),
        "template": "plotly_white",
        "margin": {"l": 60, "r": 30, "t": 30, "b": 50, **(margin or {})},
        "font": {"family": 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'},
    }
    if height is not None:
        layout["height"] = height
    if legend == "top":
        layout["legend"] = {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
        }
    figure.update_layout(**layout)
    return figure_json(figure)


def short(text: str, limit: int = 28) -> str:
    """A long name cut for a crowded chart (tables keep the whole name)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def duration(seconds: Any) -> str:
    """A time span for people, in their number style: 45 s, 12 min, 5.5 h, 3.2 d."""
    if seconds is None or pd.isna(seconds):
        return "—"
    value = float(seconds)
    if value < 90:
        return _("{n} s").format(n=fmt_number(value))
    if value < 90 * 60:
        return _("{n} min").format(n=fmt_number(value / 60))
    if value < 36 * 3600:
        return _("{n} h").format(n=fmt_number(value / 3600, 1))
    return _("{n} d").format(n=fmt_number(value / 86400, 1))


def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A small frame's rows for a template (NaN becomes None, shown as a dash)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [dict(zip(clean.columns, r, strict=True)) for r in clean.itertuples(index=False)]


def options(pairs: Mapping[str, str]) -> list[tuple[str, str]]:
    """(value, text) pairs for a select, in the given order."""
    return list(pairs.items())
