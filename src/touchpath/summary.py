"""What ``touchpath info`` and the demo print: the catalogue and the events at a glance.

This module runs the overview expressions on the workspace's engine; the expressions
themselves live in :mod:`touchpath.analytics.overview`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from touchpath.analytics import overview
from touchpath.bootstrap import ingest_store, load_catalogue
from touchpath.model import Catalogue
from touchpath.workspace import Workspace


@dataclass
class WorkspaceSummary:
    """The JSON document of ``touchpath info --json`` (documented in docs/cli.md)."""

    name: str
    path: str
    engine: str
    business: str
    touchpoints: int
    touchpoints_by_status: dict[str, int]
    stages: int
    chains: int
    competitors: int
    missing_touchpoints: list[str]
    events: int
    customers: int
    converted_customers: int
    conversions: int
    first_event: datetime | None
    last_event: datetime | None
    revenue: dict[str, float] = field(default_factory=dict)
    channels: list[dict[str, Any]] = field(default_factory=list)
    top_touchpoints: list[dict[str, Any]] = field(default_factory=list)
    imports: int = 0
    quarantined: int = 0

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        for key in ("first_event", "last_event"):
            value = doc[key]
            doc[key] = value.isoformat() if value is not None else None
        return doc


def summarise(ws: Workspace, *, top: int = 10) -> WorkspaceSummary:
    catalogue = load_catalogue(ws)
    con = ws.engine.connect(read_only=True)
    try:
        events = ws.engine.events(con)
        totals = con.execute(overview.totals(events)).to_dict("records")[0]
        revenue = con.execute(overview.revenue_by_currency(events))
        channels = con.execute(overview.by_channel(events))
        touchpoints = con.execute(overview.by_touchpoint(events).limit(top))
    finally:
        con.disconnect()
    imports, quarantined = _import_counts(ws)
    return WorkspaceSummary(
        name=ws.name,
        path=str(ws.root),
        engine=ws.engine.name,
        **_catalogue_counts(catalogue),
        events=int(totals["events"]),
        customers=int(totals["customers"]),
        converted_customers=int(totals["converted_customers"]),
        conversions=int(totals["conversions"]),
        first_event=_datetime(totals["first_ts"]),
        last_event=_datetime(totals["last_ts"]),
        revenue={r["currency"]: float(r["revenue"]) for r in revenue.to_dict("records")},
        channels=_records(channels),
        top_touchpoints=_records(touchpoints),
        imports=imports,
        quarantined=quarantined,
    )


def _import_counts(ws: Workspace) -> tuple[int, int]:
    """Imports and quarantined rows, from where imports write (a Spark store's ledger)."""
    store = ingest_store(ws)
    with store.raw(read_only=True) as con:
        [(imports, quarantined)] = con.execute(
            "SELECT (SELECT count(*) FROM imports), (SELECT count(*) FROM quarantine)"
        ).fetchall()
    return int(imports), int(quarantined)


def _catalogue_counts(catalogue: Catalogue) -> dict[str, Any]:
    status = Counter(str(tp.status) for tp in catalogue.touchpoints)
    return {
        "business": catalogue.business,
        "touchpoints": len(catalogue.touchpoints),
        "touchpoints_by_status": dict(sorted(status.items())),
        "stages": len(catalogue.stages),
        "chains": len(catalogue.chains),
        "competitors": len(catalogue.competitors),
        "missing_touchpoints": [tp.id for tp in catalogue.missing_touchpoints()],
    }


def _datetime(value: Any) -> datetime | None:
    """An aware instant; Spark hands back naive UTC times, DuckDB aware ones."""
    if value is None or value != value:  # NaT compares unequal to itself
        return None
    moment: datetime = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _records(frame: Any) -> list[dict[str, Any]]:
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]
