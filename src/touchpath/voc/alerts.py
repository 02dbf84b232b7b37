"""Negative touchpoints: alerts when many reactions are negative or a KPI dropped significantly.

Two checks, both on the stored feedback (docs/voc.md):

* ``negative_share``: over the last :attr:`AlertConfig.window_days` days before the newest
  answer, a touchpoint with at least ``min_count`` classified reactions of which more than
  ``negative_share`` are negative. The Wilson interval of the share goes in ``details``.
* ``nps_drop`` / ``csat_drop`` / ``ces_drop``: the KPI of a touchpoint fell between the last two
  periods and the change is significant (:func:`touchpath.voc.kpi.compare_periods`, p < alpha),
  each period with at least ``min_count`` answers.

Alerts are rows of ``alerts`` that other parts act on (the automation worker turns them into
tasks). Re-running never duplicates: a candidate whose ``key`` already has an open or
acknowledged alert updates it; a ``negative_share`` alert whose touchpoint no longer
qualifies is closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from touchpath.store.feedback import AlertRow, load_feedback
from touchpath.voc.kpi import compare_periods, wilson

ACTIVE = ("open", "acknowledged")


@dataclass(frozen=True)
class AlertConfig:
    """Thresholds of the checks (defaults documented in docs/voc.md)."""

    negative_share: float = 0.3
    min_count: int = 20
    window_days: int = 90
    period: str = "month"
    alpha: float = 0.05


@dataclass(frozen=True)
class Candidate:
    """An alert the data calls for, before it is stored."""

    key: str
    kind: str
    touchpoint: str | None
    metric: str
    value: float
    previous: float | None
    p_value: float | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class AlertRun:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, list[int]]:
        return {"created": self.created, "updated": self.updated, "closed": self.closed}


def find_alerts(feedback: pd.DataFrame, config: AlertConfig | None = None) -> list[Candidate]:
    """Pure: the alerts ``feedback`` (the feedback table's columns) calls for."""
    config = config or AlertConfig()
    found: list[Candidate] = []
    part = feedback.loc[feedback["touchpoint"].notna()]
    if part.empty:
        return found
    end = part["ts"].max()
    recent = part.loc[
        (part["ts"] > end - pd.Timedelta(days=config.window_days)) & part["reaction"].notna()
    ]
    for touchpoint, rows in recent.groupby("touchpoint", sort=True):
        n = int(rows.shape[0])
        negative = int((rows["reaction"] == "negative").sum())
        share = negative / n if n else 0.0
        if n >= config.min_count and share > config.negative_share:
            low, high = wilson(negative, n)
            found.append(
                Candidate(
                    key=f"negative_share:{touchpoint}",
                    kind="negative_share",
                    touchpoint=str(touchpoint),
                    metric="negative_share",
                    value=share,
                    previous=None,
                    p_value=None,
                    message=(
                        f"{touchpoint}: {share:.0%} of {n} reactions in the last "
                        f"{config.window_days} days are negative (threshold "
                        f"{config.negative_share:.0%})"
                    ),
                    details={
                        "n": n,
                        "negative": negative,
                        "low": low,
                        "high": high,
                        "threshold": config.negative_share,
                        "window_days": config.window_days,
                        "until": pd.Timestamp(end).isoformat(),
                    },
                )
            )
    changes = compare_periods(part, by="touchpoint", period=config.period, alpha=config.alpha)
    drops = changes.loc[
        changes["significant"]
        & (changes["change"] < 0)
        & (changes["n"] >= config.min_count)
        & (changes["n_previous"] >= config.min_count)
    ]
    for row in drops.to_dict("records"):
        metric = str(row["metric"])
        found.append(
            Candidate(
                key=f"{metric}_drop:{row['group']}:{row['period']}",
                kind=f"{metric}_drop",
                touchpoint=str(row["group"]),
                metric=metric,
                value=float(row["value"]),
                previous=float(row["previous"]),
                p_value=float(row["p_value"]),
                message=(
                    f"{row['group']}: {metric.upper()} fell from {row['previous']:.1f} "
                    f"({row['previous_period']}) to {row['value']:.1f} ({row['period']}), "
                    f"p = {row['p_value']:.3g}"
                ),
                details={
                    "previous_period": row["previous_period"],
                    "period": row["period"],
                    "n_previous": int(row["n_previous"]),
                    "n": int(row["n"]),
                    "statistic": float(row["statistic"]),
                    "alpha": config.alpha,
                },
            )
        )
    return found


def store_alerts(
    *, session: Session, candidates: Sequence[Candidate], now: datetime | None = None
) -> AlertRun:
    """Insert new alerts, refresh active ones with the same key, close resolved ones; commits."""
    now = now or datetime.now(UTC)
    run = AlertRun()
    active = {
        row.key: row for row in session.scalars(select(AlertRow).where(AlertRow.status.in_(ACTIVE)))
    }
    wanted = {c.key for c in candidates}
    try:
        for c in candidates:
            row = active.get(c.key)
            if row is None:
                row = AlertRow(
                    created_at=now, updated_at=now, key=c.key, kind=c.kind,
                    touchpoint=c.touchpoint, metric=c.metric, value=c.value,
                    previous=c.previous, p_value=c.p_value, message=c.message,
                    status="open", details=c.details,
                )  # fmt: skip
                session.add(row)
                session.flush()
                run.created.append(row.id)
            else:
                row.value, row.previous, row.p_value = c.value, c.previous, c.p_value
                row.message, row.details, row.updated_at = c.message, c.details, now
                run.updated.append(row.id)
        for key, row in active.items():
            if row.kind == "negative_share" and key not in wanted:
                row.status = "closed"
                row.updated_at = now
                row.details = {**row.details, "closed_because": "below the threshold"}
                run.closed.append(row.id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return run


def check_alerts(*, session: Session, config: AlertConfig | None = None) -> AlertRun:
    """Run both checks on the stored feedback and store what they find."""
    feedback = load_feedback(session=session)
    return store_alerts(session=session, candidates=find_alerts(feedback, config))


def list_alerts(*, session: Session, status: str | None = None, limit: int = 100) -> list[AlertRow]:
    """Alerts, newest first; ``status`` filters (open, acknowledged, closed)."""
    query = select(AlertRow).order_by(AlertRow.id.desc()).limit(limit)
    if status is not None:
        query = query.where(AlertRow.status == status)
    return list(session.scalars(query))


def set_alert_status(*, session: Session, alert_id: int, status: str) -> AlertRow | None:
    """Acknowledge or close an alert; None when there is no such alert."""
    from touchpath.store.feedback import ALERT_STATUSES

    if status not in ALERT_STATUSES:
        raise ValueError(status)
    row = session.get(AlertRow, alert_id)
    if row is None:
        return None
    row.status = status
    row.updated_at = datetime.now(UTC)
    session.commit()
    return row
