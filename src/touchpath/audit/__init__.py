"""Audits of touchpoints (ours and competitors'), gaps and the prioritised improvement plan.

Pure parts: :mod:`~touchpath.audit.scoring`, :mod:`~touchpath.audit.gaps`,
:mod:`~touchpath.audit.plan`, :mod:`~touchpath.audit.io`; over a metadata session:
:mod:`~touchpath.audit.service`. Concepts and formulas: docs/audit.md.
"""

from __future__ import annotations

from touchpath.audit.model import OURS, Audit, Score
from touchpath.audit.plan import PlanConfig, PlanItem, Signals, build_plan
from touchpath.audit.scoring import ScoreResult, score
from touchpath.audit.service import gaps, latest_scores, plan

__all__ = [
    "OURS",
    "Audit",
    "PlanConfig",
    "PlanItem",
    "Score",
    "ScoreResult",
    "Signals",
    "build_plan",
    "gaps",
    "latest_scores",
    "plan",
    "score",
]
