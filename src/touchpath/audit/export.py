"""The improvement plan as files: CSV for a spreadsheet, Markdown for a document, and the
JSON document of ``touchpath audit plan --json``."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from touchpath.audit.plan import PlanConfig, PlanItem, Signals
from touchpath.i18n import _

EXPORT_COLUMNS = [
    "rank",
    "key",
    "kind",
    "touchpoint",
    "name",
    "impact",
    "importance",
    "gap",
    "negativity",
    "owner",
    "due",
    "status",
    "reason",
]


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def plan_csv(items: list[PlanItem]) -> str:
    """The plan as CSV (one row per item, columns :data:`EXPORT_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for rank, i in enumerate(items, start=1):
        writer.writerow(
            [
                rank,
                i.key,
                i.kind,
                i.touchpoint,
                _safe_cell(i.name),
                _fmt(i.impact),
                _fmt(i.importance),
                _fmt(i.gap),
                _fmt(i.negativity),
                _safe_cell(i.owner or ""),
                i.due.isoformat() if i.due else "",
                i.status,
                _safe_cell(i.reason),
            ]
        )
    return buffer.getvalue()


def _safe_cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def plan_markdown(items: list[PlanItem], *, title: str) -> str:
    """The plan as a Markdown document: a ranked table, then each item's reason."""

    def esc(text: str) -> str:
        text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
        return text.replace("<", "&lt;").replace(">", "&gt;")  # no HTML from user text

    head = [
        _("Rank"),
        _("Item"),
        _("Impact"),
        _("Importance"),
        _("Gap"),
        _("Negativity"),
        _("Owner"),
        _("Due"),
        _("Status"),
    ]
    lines = [f"# {esc(title)}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rank, i in enumerate(items, start=1):
        cells = [
            str(rank),
            f"{esc(i.name)} (`{i.key}`)",
            _fmt(i.impact) or "—",
            _fmt(i.importance) or "—",
            _fmt(i.gap) or "—",
            _fmt(i.negativity),
            esc(i.owner or "—"),
            i.due.isoformat() if i.due else "—",
            i.status,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for rank, i in enumerate(items, start=1):
        lines.append(f"{rank}. **{esc(i.name)}** — {esc(i.reason)}")
    lines.append("")
    lines.append(_("impact = importance × gap × negativity (see docs/audit.md for the weights)."))
    return "\n".join(lines) + "\n"


def plan_document(
    items: list[PlanItem], signals: Signals | None, config: PlanConfig
) -> dict[str, Any]:
    """The JSON document of ``audit plan --json`` (NaN becomes null)."""

    def clean(value: Any) -> Any:
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return {
        "formula": "impact = importance × gap × negativity",
        "config": config.model_dump(mode="json"),
        "sources": (signals.sources() if signals else []),
        "items": [clean(i.to_json()) for i in items],
    }
