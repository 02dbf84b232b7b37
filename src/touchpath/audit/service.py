"""The audit functions over a metadata session: what the CLI, the web app and the journey
map call. Loads the catalogue, checklists and scores, and hands them to the pure modules."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from touchpath.audit.gaps import Gaps, find_gaps
from touchpath.audit.model import OURS, Audit
from touchpath.audit.plan import PlanConfig, PlanItem, Signals, build_plan
from touchpath.audit.scoring import ScoreResult, score
from touchpath.audit.signals import negative_shares
from touchpath.catalogue.checklists import Checklists
from touchpath.model import Catalogue
from touchpath.store import audits as store
from touchpath.store import crud

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class AuditData:
    """Everything stored that the analyses need."""

    catalogue: Catalogue
    checklists: Checklists
    result: ScoreResult
    scores: pd.DataFrame


def load(*, session: Session, as_of: dt.date | None = None) -> AuditData:
    catalogue = crud.load_catalogue(session=session)
    checklists = store.load_checklists(session=session)
    frame = store.scores_frame(session=session)
    measured = measured_reply_speed(session=session, catalogue=catalogue, checklists=checklists)
    if len(measured):
        frame = pd.concat([frame, measured], ignore_index=True) if len(frame) else measured
    result = score(frame, catalogue=catalogue, checklists=checklists, as_of=as_of)
    return AuditData(catalogue, checklists, result, frame)


def measured_reply_speed(
    *, session: Session, catalogue: Catalogue, checklists: Checklists
) -> pd.DataFrame:
    """Reply-speed values measured from the automation's tasks (:mod:`.measured`)."""
    from touchpath.audit.measured import reply_speed_rows
    from touchpath.automation.tasks import response_times

    times = response_times(session=session, by=("touchpoint",))
    return reply_speed_rows(catalogue, checklists, times, on=dt.datetime.now(dt.UTC).date())


def latest_scores(*, session: Session) -> dict[str, float]:
    """Our latest weighted audit score per touchpoint (0..1); unaudited ones are absent.

    On the demo shop, ``latest_scores(session=s)["support_chat"]`` is about 0.36.
    """
    tps = load(session=session).result.touchpoints
    ours = tps[tps.subject == OURS]
    return {
        str(r["touchpoint"]): float(r["score"])
        for r in ours.to_dict("records")
        if not math.isnan(float(r["score"]))
    }


def gaps(*, session: Session) -> Gaps:
    data = load(session=session)
    return find_gaps(data.catalogue, data.result)


def plan(
    *,
    session: Session,
    signals: Signals | None = None,
    config: PlanConfig | None = None,
    feedback: bool = True,
) -> list[PlanItem]:
    """The ranked plan, with the owner, due date and status people gave each item."""
    data = load(session=session)
    sig = signals or Signals()
    if feedback and sig.negative is None:
        sig = Signals(sig.attribution, sig.reach, sig.dropoff, negative_shares(session=session))
    items = build_plan(
        data.result,
        catalogue=data.catalogue,
        checklists=data.checklists,
        signals=sig,
        config=config,
    )
    states = store.plan_states(session=session)
    for item in items:
        state = states.get(item.key)
        if state is not None:
            item.owner, item.due, item.status, item.note = (
                state.owner,
                state.due,
                state.status,
                state.note,
            )
    return items


def import_audits(
    *, session: Session, name: str, data: bytes, replace: bool = False
) -> list[Audit]:
    """Read one audit file and store it whole (or raise and store nothing)."""
    from touchpath.audit.io import read_audit_file

    catalogue = crud.load_catalogue(session=session)
    checklists = store.load_checklists(session=session)
    audits = read_audit_file(name, data, catalogue=catalogue, checklists=checklists)
    store.save_audits(session=session, audits=audits, source=name, replace=replace)
    return audits
