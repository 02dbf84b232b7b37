"""What is missing: touchpoints competitors have and we lack, channels where our audience is
and we are not, the catalogue by touchpoint type, and chains without a capture point or a
final chord leading on.

Pure functions of the catalogue and the score tables of :mod:`touchpath.audit.scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from touchpath.audit.model import OURS
from touchpath.audit.scoring import ScoreResult
from touchpath.i18n import _
from touchpath.model import Catalogue, Role, Status, Touchpoint


@dataclass(frozen=True)
class MissingTouchpoint:
    """A touchpoint we lack (status missing, or planned while a competitor has it)."""

    touchpoint: str
    name: str
    status: str
    channel: str
    competitors: list[str]
    competitor_scores: dict[str, float]
    evidence: list[str]
    audience_channel: bool


@dataclass(frozen=True)
class MissedChannel:
    """A channel our audience uses where we have no active touchpoint."""

    channel: str
    planned: list[str]
    competitors: list[str]


@dataclass(frozen=True)
class ChainCheck:
    """Whether a chain converts (a capture point) and ends in a final chord that leads on."""

    chain: str
    name: str
    capture_points: list[str]
    last_step: str
    ends_with_final_chord: bool
    next_chain: str | None
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Gaps:
    missing: list[MissingTouchpoint]
    missed_channels: list[MissedChannel]
    types: dict[str, dict[str, Any]]
    chains: list[ChainCheck]
    unattended: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "missing_touchpoints": [m.__dict__ for m in self.missing],
            "missed_channels": [m.__dict__ for m in self.missed_channels],
            "types": self.types,
            "chains": [c.__dict__ for c in self.chains],
            "unattended": self.unattended,
        }


def missing_touchpoints(
    catalogue: Catalogue, result: ScoreResult | None = None
) -> list[MissingTouchpoint]:
    """Touchpoints with status missing, or planned while some competitor offers them.

    Evidence: which competitors offer it (catalogue), their audit scores of it and the
    auditors' notes from those audits.
    """
    offered: dict[str, list[str]] = {}
    for comp in catalogue.competitors:
        for tp_id in comp.touchpoints:
            offered.setdefault(tp_id, []).append(comp.id)
    scores: dict[tuple[str, str], float] = {}
    notes: dict[str, list[str]] = {}
    if result is not None:
        for r in result.touchpoints.to_dict("records"):
            if r["subject"] != OURS and not pd.isna(r["score"]):
                scores[(str(r["touchpoint"]), str(r["subject"]))] = float(r["score"])
        for r in result.parameters.to_dict("records"):
            if r["subject"] != OURS and isinstance(r["evidence"], str) and r["evidence"]:
                notes.setdefault(str(r["touchpoint"]), []).append(
                    f"{r['subject']}: {r['evidence']}"
                )
    audience = {c.value for c in catalogue.audience_channels}
    out = []
    for tp in catalogue.touchpoints:
        by = offered.get(tp.id, [])
        audited_by = sorted({s for (t, s) in scores if t == tp.id} - set(by))
        by = [*by, *audited_by]
        if tp.status is Status.MISSING or (tp.status is Status.PLANNED and by):
            out.append(
                MissingTouchpoint(
                    touchpoint=tp.id,
                    name=tp.name,
                    status=tp.status.value,
                    channel=tp.channel.value,
                    competitors=by,
                    competitor_scores={c: scores[(tp.id, c)] for c in by if (tp.id, c) in scores},
                    evidence=notes.get(tp.id, [])[:5],
                    audience_channel=tp.channel.value in audience,
                )
            )
    return out


def missed_channels(catalogue: Catalogue) -> list[MissedChannel]:
    """Audience channels minus the channels of our active touchpoints, in the user's order."""
    ours = {t.channel for t in catalogue.touchpoints if t.status is Status.ACTIVE}
    ids = {t.id: t for t in catalogue.touchpoints}
    out = []
    for channel in dict.fromkeys(catalogue.audience_channels):
        if channel in ours:
            continue
        planned = [
            t.id
            for t in catalogue.touchpoints
            if t.channel is channel and t.status is not Status.ACTIVE
        ]
        comps = [
            c.id
            for c in catalogue.competitors
            if any(ids[t].channel is channel for t in c.touchpoints if t in ids)
        ]
        out.append(MissedChannel(channel=channel.value, planned=planned, competitors=comps))
    return out


def type_report(
    catalogue: Catalogue, result: ScoreResult | None = None
) -> dict[str, dict[str, Any]]:
    """Our active touchpoints by type (attention, lifetime, capture, final chord, wow).

    Each group: its touchpoint ids, how many, and our mean audit score over those scored.
    """
    ours: dict[str, float] = {}
    if result is not None:
        for r in result.touchpoints.to_dict("records"):
            if r["subject"] == OURS and not pd.isna(r["score"]):
                ours[str(r["touchpoint"])] = float(r["score"])
    active = [t for t in catalogue.touchpoints if t.status is Status.ACTIVE]
    groups: dict[str, list[Touchpoint]] = {
        "attention_short": [
            t for t in active if t.attention is not None and t.attention.value == "short"
        ],
        "attention_long": [
            t for t in active if t.attention is not None and t.attention.value == "long"
        ],
        "attention_unset": [t for t in active if t.attention is None],
        "momentary": [
            t for t in active if t.lifetime is not None and t.lifetime.value == "momentary"
        ],
        "repetitive": [
            t for t in active if t.lifetime is not None and t.lifetime.value == "repetitive"
        ],
        "lifetime_unset": [t for t in active if t.lifetime is None],
        "capture": [t for t in active if t.role is Role.CAPTURE],
        "final_chord": [t for t in active if t.role is Role.FINAL_CHORD],
        "wow": [t for t in active if t.wow],
        "online": [t for t in active if t.mode.value == "online"],
        "offline": [t for t in active if t.mode.value == "offline"],
        "hybrid": [t for t in active if t.mode.value == "hybrid"],
    }
    report = {}
    for name, members in groups.items():
        values = [ours[t.id] for t in members if t.id in ours]
        report[name] = {
            "touchpoints": [t.id for t in members],
            "count": len(members),
            "mean_score": sum(values) / len(values) if values else None,
        }
    return report


def chain_checks(catalogue: Catalogue) -> list[ChainCheck]:
    """Each chain: its active capture points, whether the last step is a final chord, and
    whether that chord leads into a new chain (``next_chain``)."""
    ids = {t.id: t for t in catalogue.touchpoints}
    out = []
    for chain in catalogue.chains:
        steps = [ids[s] for s in chain.steps if s in ids]
        captures = [t.id for t in steps if t.role is Role.CAPTURE and t.status is Status.ACTIVE]
        last = chain.steps[-1]
        final = last in ids and ids[last].role is Role.FINAL_CHORD
        problems = []
        if not captures:
            problems.append(_("no capture point: nothing turns a prospect into a customer"))
        if not final:
            problems.append(_("the last step {step!r} is not a final chord").format(step=last))
        if chain.next_chain is None:
            problems.append(_("the final chord leads into no new chain"))
        inactive = [s for s in chain.steps if s in ids and ids[s].status is not Status.ACTIVE]
        if inactive:
            problems.append(
                _("steps we do not have yet: {steps}").format(steps=", ".join(inactive))
            )
        out.append(
            ChainCheck(
                chain=chain.id,
                name=chain.name,
                capture_points=captures,
                last_step=last,
                ends_with_final_chord=final,
                next_chain=chain.next_chain,
                problems=problems,
            )
        )
    return out


def find_gaps(catalogue: Catalogue, result: ScoreResult | None = None) -> Gaps:
    """Every gap report at once."""
    return Gaps(
        missing=missing_touchpoints(catalogue, result),
        missed_channels=missed_channels(catalogue),
        types=type_report(catalogue, result),
        chains=chain_checks(catalogue),
        unattended=[t.id for t in catalogue.touchpoints if t.unattended],
    )
