"""The improvement plan: every touchpoint ranked by impact, with the reasons in a sentence.

    impact = importance × gap × negativity

- **gap** (0..1): for a touchpoint we have, ``max(target − ours, best competitor − ours, 0)``
  on the normalised audit score; for one we lack, ``max(target, best competitor's score)``
  (we score nothing there). ``target`` is :attr:`PlanConfig.target`.
- **importance** (0..1): the weighted mean of the signals that are *present* (absent ones are
  left out, never counted as 0):

  ========================  ==========================================================
  attribution               the touchpoint's share of Markov-attributed conversions,
                            divided by the largest share (so the top touchpoint is 1)
  reach                     customers who touched it / all customers, divided by the
                            largest reach
  drop-off                  of its customers, the share whose journey ended right after
                            it without converting
                            (a capture point seen in the events but absent from the
                            paths is where the conversion itself happens: 1)
  structure                 ``(role weight + share of chains that contain it) / 2``;
                            role weight: capture 1, final chord 0.8, regular 0.5
  competitors (lacking)     share of competitors that offer it
  audience (lacking)        1 when its channel is one where our audience is, else 0
  ========================  ==========================================================

  A lacking touchpoint already *planned* has its impact multiplied by ``planned_factor``
  (default 0.2): it is on its way, yet still listed with the evidence.
  With no events and no attribution the importance comes from the audit and catalogue
  alone (structure, competitors, audience).
- **negativity** (≥ 1): ``1 + negativity_weight × negative share`` of customer feedback
  about the touchpoint; 1 (neutral) when there is no feedback.

Items keep their key (``improve:<touchpoint>``, ``add:<touchpoint>``, ``audit:<touchpoint>``)
from run to run, so owners, due dates and statuses people set stay attached.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from touchpath.audit.gaps import missing_touchpoints
from touchpath.audit.model import OURS
from touchpath.audit.scoring import ScoreResult
from touchpath.catalogue.checklists import Checklists
from touchpath.i18n import _
from touchpath.labels import label
from touchpath.model import Catalogue, Role, Status


class PlanConfig(BaseModel):
    """The weights of the impact formula (module docstring); all are configurable."""

    model_config = ConfigDict(extra="forbid")

    target: float = Field(default=0.9, ge=0, le=1, description="normalised score we aim for")
    attribution_weight: float = Field(default=1.0, ge=0)
    reach_weight: float = Field(default=0.5, ge=0)
    dropoff_weight: float = Field(default=0.5, ge=0)
    structure_weight: float = Field(default=1.0, ge=0)
    competitor_weight: float = Field(default=1.0, ge=0)
    audience_weight: float = Field(default=0.5, ge=0)
    negativity_weight: float = Field(default=1.0, ge=0)
    planned_factor: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="impact multiplier of a lacking touchpoint already planned",
    )
    role_weights: dict[Role, float] = Field(
        default_factory=lambda: {Role.CAPTURE: 1.0, Role.FINAL_CHORD: 0.8, Role.REGULAR: 0.5}
    )


@dataclass(frozen=True)
class Signals:
    """Evidence from the data, per touchpoint id; None where that source is absent."""

    attribution: dict[str, float] | None = None
    reach: dict[str, float] | None = None
    dropoff: dict[str, float] | None = None
    negative: dict[str, float] | None = None

    def sources(self) -> list[str]:
        return [k for k, v in asdict(self).items() if v is not None]


@dataclass
class PlanItem:
    """One thing to do; ``factors`` holds every number the impact is made of."""

    key: str
    kind: str
    touchpoint: str
    name: str
    impact: float | None
    importance: float | None
    gap: float | None
    negativity: float
    factors: dict[str, Any]
    reason: str
    weakest: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    owner: str | None = None
    due: date | None = None
    status: str = "open"
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["due"] = self.due.isoformat() if self.due else None
        return doc


def _scaled(values: dict[str, float] | None) -> dict[str, float] | None:
    """Values divided by the largest one (all 0 stays 0); None stays None."""
    if values is None:
        return None
    top = max(values.values(), default=0.0)
    return {k: (v / top if top > 0 else 0.0) for k, v in values.items()}


def _mean(parts: list[tuple[float, float]]) -> float | None:
    weight = sum(w for w, _v in parts)
    return sum(w * v for w, v in parts) / weight if weight > 0 else None


def _pct(value: float) -> str:
    return f"{value:.0%}"


def build_plan(
    result: ScoreResult,
    *,
    catalogue: Catalogue,
    checklists: Checklists,
    signals: Signals | None = None,
    config: PlanConfig | None = None,
) -> list[PlanItem]:
    """Items for every touchpoint we have (improve or audit) and every one we lack (add),
    highest impact first; items without an impact (not audited) come last."""
    cfg = config or PlanConfig()
    sig = signals or Signals()
    attribution, reach = _scaled(sig.attribution), _scaled(sig.reach)
    cmp = result.comparison.set_index("touchpoint") if not result.comparison.empty else None
    names = {c.id: c.name for c in catalogue.competitors}
    n_chains = len(catalogue.chains)
    items: list[PlanItem] = []
    for tp in catalogue.touchpoints:
        if tp.status is not Status.ACTIVE:  # lacking ones are "add" items below
            continue
        in_chains = sum(1 for c in catalogue.chains if tp.id in c.steps)
        structure = (
            cfg.role_weights.get(tp.role, 0.5) + (in_chains / n_chains if n_chains else 0.0)
        ) / 2
        factors: dict[str, Any] = {"structure": structure}
        parts = [(cfg.structure_weight, structure)]
        if (
            tp.role is Role.CAPTURE
            and attribution is not None
            and tp.id not in attribution
            and tp.id in (sig.reach or {})
        ):
            # the conversion happens here: paths end just before it, so every attributed
            # conversion went through it
            attribution = {**attribution, tp.id: 1.0}
            factors["conversion_point"] = True
        for name, source, weight in (
            ("attribution", attribution, cfg.attribution_weight),
            ("reach", reach, cfg.reach_weight),
            ("dropoff", sig.dropoff, cfg.dropoff_weight),
        ):
            if source is not None and tp.id in source:
                factors[name] = source[tp.id]
                parts.append((weight, source[tp.id]))
        if sig.attribution is not None and tp.id in sig.attribution:
            factors["attribution_share"] = sig.attribution[tp.id]
        if sig.reach is not None and tp.id in sig.reach:
            factors["reach_share"] = sig.reach[tp.id]
        importance = _mean(parts)
        neg_share = (sig.negative or {}).get(tp.id)
        negativity = 1.0 + cfg.negativity_weight * neg_share if neg_share is not None else 1.0
        if neg_share is not None:
            factors["negative_share"] = neg_share
        ours = _cell(cmp, tp.id, OURS)
        if ours is None:
            items.append(
                PlanItem(
                    key=f"audit:{tp.id}",
                    kind="audit",
                    touchpoint=tp.id,
                    name=tp.name,
                    impact=None,
                    importance=importance,
                    gap=None,
                    negativity=negativity,
                    factors=factors,
                    reason=_("{name}: not audited yet; audit it to learn its gap.").format(
                        name=tp.name
                    ),
                )
            )
            continue
        best_c = _text(cmp, tp.id, "best_competitor")
        best_c_score = _cell(cmp, tp.id, "best_competitor_score")
        to_target = cfg.target - ours
        to_comp = (best_c_score - ours) if best_c_score is not None else -1.0
        gap = max(to_target, to_comp, 0.0)
        factors.update(
            our_score=ours,
            target=cfg.target,
            best_competitor=best_c,
            best_competitor_score=best_c_score,
        )
        impact = (importance or 0.0) * gap * negativity
        weakest = _weakest(result, tp.id, tp.channel.value, checklists)
        if to_comp > to_target and best_c is not None:
            reference = _("{competitor} ({score})").format(
                competitor=names.get(best_c, best_c), score=_pct(best_c_score or 0.0)
            )
        else:
            reference = _("the target {target}").format(target=_pct(cfg.target))
        sentence = [
            _("{name}: audit score {score}, {gap} short of {reference}.").format(
                name=tp.name, score=_pct(ours), gap=_pct(gap), reference=reference
            )
        ]
        if weakest:
            sentence.append(
                _("Weakest: {params}.").format(
                    params=", ".join(f"{w['name']} ({w['shown']})" for w in weakest)
                )
            )
        sentence.append(_importance_clause(factors))
        if neg_share is not None:
            sentence.append(
                _("{share} of customer feedback about it is negative.").format(
                    share=_pct(neg_share)
                )
            )
        items.append(
            PlanItem(
                key=f"improve:{tp.id}",
                kind="improve",
                touchpoint=tp.id,
                name=tp.name,
                impact=impact,
                importance=importance,
                gap=gap,
                negativity=negativity,
                factors=factors,
                reason=" ".join(s for s in sentence if s),
                weakest=weakest,
                evidence=[
                    str(w["evidence"]) for w in weakest if isinstance(w.get("evidence"), str)
                ],
            )
        )
    items.extend(_add_items(result, catalogue, cfg, names))
    items.sort(key=lambda i: (i.impact is None, -(i.impact or 0.0), i.key))
    return items


def _add_items(
    result: ScoreResult, catalogue: Catalogue, cfg: PlanConfig, names: dict[str, str]
) -> list[PlanItem]:
    n_comp = len(catalogue.competitors)
    audience = {c.value for c in catalogue.audience_channels}
    items = []
    for miss in missing_touchpoints(catalogue, result):
        tp = catalogue.touchpoint(miss.touchpoint)
        structure = cfg.role_weights.get(tp.role, 0.5) / 2
        comp_share = len(miss.competitors) / n_comp if n_comp else 0.0
        in_audience = 1.0 if tp.channel.value in audience else 0.0
        importance = _mean(
            [
                (cfg.structure_weight, structure),
                (cfg.competitor_weight, comp_share),
                (cfg.audience_weight, in_audience),
            ]
        )
        best = max(miss.competitor_scores.values(), default=None)
        gap = max(cfg.target, best or 0.0)
        planned = miss.status == Status.PLANNED.value
        impact = (importance or 0.0) * gap * (cfg.planned_factor if planned else 1.0)
        who = ", ".join(names.get(c, c) for c in miss.competitors)
        sentence = [
            _("{name}: we do not have it ({status}).").format(
                name=tp.name, status=_("planned") if miss.status == "planned" else _("missing")
            )
        ]
        if who:
            sentence.append(_("Offered by {who}.").format(who=who))
        if best is not None:
            sentence.append(_("Best competitor audit score {score}.").format(score=_pct(best)))
        if in_audience:
            sentence.append(
                _("Our audience uses the {channel} channel.").format(channel=label(tp.channel))
            )
        items.append(
            PlanItem(
                key=f"add:{tp.id}",
                kind="add",
                touchpoint=tp.id,
                name=tp.name,
                impact=impact,
                importance=importance,
                gap=gap,
                negativity=1.0,
                factors={
                    "structure": structure,
                    "competitor_share": comp_share,
                    "audience": in_audience,
                    "competitors": miss.competitors,
                    "best_competitor_score": best,
                    "target": cfg.target,
                    "planned_factor": cfg.planned_factor if planned else 1.0,
                },
                reason=" ".join(sentence),
                evidence=miss.evidence,
            )
        )
    return items


def _importance_clause(factors: dict[str, Any]) -> str:
    parts = []
    if factors.get("conversion_point"):
        parts.append(_("conversions happen here"))
    if "attribution_share" in factors:
        parts.append(
            _("{share} of attributed conversions").format(share=_pct(factors["attribution_share"]))
        )
    if "reach_share" in factors:
        parts.append(_("reaches {share} of customers").format(share=_pct(factors["reach_share"])))
    if "dropoff" in factors:
        parts.append(_("{share} leave right after it").format(share=_pct(factors["dropoff"])))
    if not parts:
        return _("Importance from its role and chains only (no event data).")
    return _("It matters: {facts}.").format(facts=", ".join(parts))


def _weakest(
    result: ScoreResult, touchpoint: str, channel: str, checklists: Checklists, n: int = 2
) -> list[dict[str, Any]]:
    """Our parameters (below 0.75) that cost the most, ``weight × (1 − norm)``, with evidence."""
    p = result.parameters
    rows = p[(p.subject == OURS) & (p.touchpoint == touchpoint) & p.norm.notna() & (p.norm < 0.75)]
    rows = rows.assign(shortfall=rows.weight * (1.0 - rows.norm))
    rows = rows.sort_values("shortfall", ascending=False, kind="stable").head(n)
    out = []
    for r in rows.to_dict("records"):
        param = checklists.parameter(channel, str(r["parameter"]))
        value = float(r["value"])
        if param.scale == "yes_no":
            shown = _("no") if value < 0.5 else _("yes")
        elif param.scale == "measured":
            unit = f" {param.unit}" if param.unit else ""
            shown = _("{value}{unit}, target {target}{unit}").format(
                value=f"{value:g}", unit=unit, target=f"{param.target:g}"
            )
        else:
            shown = f"{value:g} / {param.scale.split('-')[1]}"
        out.append(
            {
                "parameter": param.id,
                "name": param.name,
                "value": value,
                "norm": float(r["norm"]),
                "shown": shown,
                "evidence": r["evidence"] if isinstance(r["evidence"], str) else None,
            }
        )
    return out


def _cell(frame: pd.DataFrame | None, row: str, column: str) -> float | None:
    if frame is None or row not in frame.index or column not in frame.columns:
        return None
    value: Any = frame.at[row, column]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _text(frame: pd.DataFrame | None, row: str, column: str) -> str | None:
    if frame is None or row not in frame.index:
        return None
    value = frame.at[row, column]
    return value if isinstance(value, str) else None
