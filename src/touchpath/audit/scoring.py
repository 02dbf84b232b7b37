"""Weighted audit scores per touchpoint, stage and chain; ours against each competitor.

Pure functions of tables (no I/O). The input is the tidy score table of
:func:`touchpath.store.audits.scores_frame` (one row per audit and parameter).

Formulas (docs/audit.md):

- the **current value** of a parameter for a subject is the one from the latest audit
  (by date, then audit id) that has a row for it, up to ``as_of``; an empty value there
  means "not checked" and stays missing even if an older audit had a number;
- each value is normalised to 0..1 by its parameter's scale
  (:meth:`touchpath.catalogue.checklists.Parameter.normalise`);
- a **touchpoint's score** is the weighted mean ``Σ wᵢ·nᵢ / Σ wᵢ`` over the parameters
  that have a value; parameters without one are *missing*: left out of the mean and
  counted (``missing``, ``coverage`` = checked weight / checklist weight), never taken as 0.
  A touchpoint with no value at all has no score (NaN), not 0;
- a **stage's** (or **chain's**) score is the plain mean of the scores of its touchpoints
  that have one (``scored`` of ``touchpoints``);
- **best in class** is the highest score over all subjects; the **gap to the best
  competitor** is ``max(0, best competitor − ours)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import numpy as np
import pandas as pd

from touchpath.audit.model import OURS
from touchpath.catalogue.checklists import Checklists
from touchpath.model import Catalogue, Status

NAN = float("nan")
PARAMETER_COLUMNS = [
    "subject",
    "touchpoint",
    "parameter",
    "weight",
    "value",
    "norm",
    "date",
    "evidence",
    "link",
]
TOUCHPOINT_COLUMNS = [
    "subject",
    "touchpoint",
    "score",
    "checked",
    "missing",
    "coverage",
    "date",
]


@dataclass(frozen=True)
class ScoreResult:
    """Every table of one scoring run (each a tidy DataFrame)."""

    parameters: pd.DataFrame
    touchpoints: pd.DataFrame
    stages: pd.DataFrame
    chains: pd.DataFrame
    comparison: pd.DataFrame
    subjects: list[str]


def latest_values(scores: pd.DataFrame, *, as_of: date | None = None) -> pd.DataFrame:
    """Per (subject, touchpoint, parameter) the row of the latest audit that has it."""
    frame = scores if as_of is None else scores[scores["date"] <= as_of]
    frame = frame.sort_values(["date", "audit_id"], kind="stable")
    return frame.drop_duplicates(["subject", "touchpoint", "parameter"], keep="last").reset_index(
        drop=True
    )


def parameter_table(
    latest: pd.DataFrame, *, catalogue: Catalogue, checklists: Checklists
) -> pd.DataFrame:
    """Every checklist parameter of every audited (subject, touchpoint), normalised.

    Parameters the audits did not cover appear with ``value`` and ``norm`` NaN; values of
    touchpoints or parameters no longer in the catalogue or checklist are left out.
    """
    channels = {t.id: t.channel for t in catalogue.touchpoints}
    rows: list[dict[str, object]] = []
    records = _records(latest)
    pairs = dict.fromkeys((r["subject"], r["touchpoint"]) for r in records)
    by_key = {(r["subject"], r["touchpoint"], r["parameter"]): r for r in records}
    for subject, tp in pairs:
        if tp not in channels:
            continue
        for p in checklists.for_channel(channels[tp]):
            found = by_key.get((subject, tp, p.id))
            value = NAN if found is None or _nan(found["value"]) else float(found["value"])
            rows.append(
                {
                    "subject": subject,
                    "touchpoint": tp,
                    "parameter": p.id,
                    "weight": p.weight,
                    "value": value,
                    "norm": float("nan") if np.isnan(value) else p.normalise(value),
                    "date": None if found is None else found["date"],
                    "evidence": None if found is None else found["evidence"],
                    "link": None if found is None else found["link"],
                }
            )
    return pd.DataFrame(rows, columns=PARAMETER_COLUMNS)


def touchpoint_scores(parameters: pd.DataFrame) -> pd.DataFrame:
    """Weighted score per (subject, touchpoint) with its coverage; see the module docstring."""
    if parameters.empty:
        return pd.DataFrame(columns=TOUCHPOINT_COLUMNS)
    p = parameters.assign(
        has=parameters["norm"].notna(),
        wn=parameters["weight"] * parameters["norm"].fillna(0.0),
    )
    p["w_checked"] = p["weight"].where(p["has"], 0.0)
    g = p.groupby(["subject", "touchpoint"], sort=False)
    out = g.agg(
        wn=("wn", "sum"),
        w_checked=("w_checked", "sum"),
        w_total=("weight", "sum"),
        checked=("has", "sum"),
        n=("has", "size"),
        date=("date", "max"),
    ).reset_index()
    out["score"] = (out["wn"] / out["w_checked"]).where(out["w_checked"] > 0)
    out["missing"] = out["n"] - out["checked"]
    out["coverage"] = out["w_checked"] / out["w_total"]
    out["checked"] = out["checked"].astype("int64")
    out["missing"] = out["missing"].astype("int64")
    return out[TOUCHPOINT_COLUMNS]


def _has(catalogue: Catalogue, subject: str, scored: set[tuple[str, str]]) -> set[str]:
    """The touchpoints a subject has: ours are the non-missing; a competitor's, its list."""
    if subject == OURS:
        return {t.id for t in catalogue.touchpoints if t.status is not Status.MISSING}
    listed: set[str] = set()
    for comp in catalogue.competitors:
        if comp.id == subject:
            listed = set(comp.touchpoints)
    return listed | {tp for s, tp in scored if s == subject}


def group_scores(
    touchpoints: pd.DataFrame,
    *,
    catalogue: Catalogue,
    groups: dict[str, list[str]],
    subjects: list[str],
    column: str,
) -> pd.DataFrame:
    """Plain mean of touchpoint scores per (subject, group); groups map an id to touchpoints."""
    score = _score_map(touchpoints)
    scored = set(score)
    rows = []
    for subject in subjects:
        has = _has(catalogue, subject, scored)
        for gid, members in groups.items():
            present = [m for m in dict.fromkeys(members) if m in has]
            values = [score[(subject, m)] for m in present if (subject, m) in score]
            rows.append(
                {
                    "subject": subject,
                    column: gid,
                    "score": float(np.mean(values)) if values else float("nan"),
                    "scored": len(values),
                    "touchpoints": len(present),
                }
            )
    return pd.DataFrame(rows, columns=["subject", column, "score", "scored", "touchpoints"])


def comparison_table(touchpoints: pd.DataFrame, *, catalogue: Catalogue) -> pd.DataFrame:
    """One row per catalogue touchpoint: ours, each competitor, best competitor, best in class."""
    competitors = [c.id for c in catalogue.competitors]
    found = _score_map(touchpoints)
    rows = []
    for tp in catalogue.touchpoints:
        scores = {s: found[(s, tp.id)] for s in [OURS, *competitors] if (s, tp.id) in found}
        row: dict[str, object] = {"touchpoint": tp.id, "status": tp.status.value}
        for subject in [OURS, *competitors]:
            row[subject] = scores.get(subject, NAN)
        theirs = {c: v for c, v in scores.items() if c != OURS}
        best_c = max(theirs, key=theirs.__getitem__, default=None)
        best = max(scores, key=scores.__getitem__, default=None)
        ours = scores.get(OURS)
        row["best_competitor"] = best_c
        row["best_competitor_score"] = theirs[best_c] if best_c else NAN
        row["best_in_class"] = best
        row["best_score"] = scores[best] if best else NAN
        row["gap_to_best"] = (
            max(0.0, theirs[best_c] - ours) if best_c is not None and ours is not None else NAN
        )
        rows.append(row)
    return pd.DataFrame(rows)


def score_history(
    scores: pd.DataFrame, *, catalogue: Catalogue, checklists: Checklists, subject: str = OURS
) -> pd.DataFrame:
    """A subject's touchpoint scores as they stood after each of its audits.

    One row per (audit date, touchpoint): the score computed with the audits up to that
    date (so a touchpoint not re-audited keeps its earlier score). Columns: date,
    touchpoint, score.
    """
    dates = sorted(set(scores.loc[scores["subject"] == subject, "date"]))
    own = scores[scores["subject"] == subject]
    frames = []
    for when in dates:
        latest = latest_values(own, as_of=when)
        tps = touchpoint_scores(parameter_table(latest, catalogue=catalogue, checklists=checklists))
        frames.append(tps.assign(date=when)[["date", "touchpoint", "score"]])
    if not frames:
        return pd.DataFrame(columns=["date", "touchpoint", "score"])
    return pd.concat(frames, ignore_index=True)


def _in_order(frame: pd.DataFrame, catalogue: Catalogue, subjects: list[str]) -> pd.DataFrame:
    """Ours first, then competitors in catalogue order; touchpoints in catalogue order."""
    if frame.empty:
        return frame
    s_rank = {s: i for i, s in enumerate(subjects)}
    t_rank = {t.id: i for i, t in enumerate(catalogue.touchpoints)}
    keys = pd.DataFrame(
        {
            "s": frame["subject"].map(lambda s: s_rank.get(s, len(s_rank))),
            "t": frame["touchpoint"].map(lambda t: t_rank.get(t, len(t_rank))),
        }
    )
    order = keys.sort_values(["s", "t"], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def _nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _score_map(touchpoints: pd.DataFrame) -> dict[tuple[str, str], float]:
    """(subject, touchpoint) → score, for the touchpoints that have one."""
    return {
        (str(r["subject"]), str(r["touchpoint"])): float(r["score"])
        for r in _records(touchpoints)
        if not _nan(r["score"])
    }


def score(
    scores: pd.DataFrame,
    *,
    catalogue: Catalogue,
    checklists: Checklists,
    as_of: date | None = None,
) -> ScoreResult:
    """Every score table from the stored scores (see the module docstring).

    >>> from touchpath.demo.audits import demo_scores
    >>> from touchpath.demo.generate import load_catalogue
    >>> from touchpath.catalogue.checklists import default_checklists
    >>> r = score(demo_scores("shop"), catalogue=load_catalogue("shop"),
    ...           checklists=default_checklists())
    >>> bool(r.touchpoints.score.between(0, 1).all())
    True
    """
    latest = latest_values(scores, as_of=as_of)
    subjects = [OURS, *[c.id for c in catalogue.competitors]]
    params = _in_order(
        parameter_table(latest, catalogue=catalogue, checklists=checklists), catalogue, subjects
    )
    tps = _in_order(touchpoint_scores(params), catalogue, subjects)
    stages = {
        s.id: [t.id for t in catalogue.touchpoints if s.id in t.stages]
        for s in catalogue.stages_in_order()
    }
    chains = {c.id: list(c.steps) for c in catalogue.chains}
    return ScoreResult(
        parameters=params,
        touchpoints=tps,
        stages=group_scores(
            tps, catalogue=catalogue, groups=stages, subjects=subjects, column="stage"
        ),
        chains=group_scores(
            tps, catalogue=catalogue, groups=chains, subjects=[OURS], column="chain"
        ),
        comparison=comparison_table(tps, catalogue=catalogue),
        subjects=subjects,
    )
