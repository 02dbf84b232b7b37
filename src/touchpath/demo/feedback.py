"""Demo feedback: survey answers and reviews in Russian and English for the demo businesses.

Answers are tied to real demo journeys: each one follows an event of its customer at the
touchpoint (a few hours to two days later), in the customer's language. Some touchpoints
are clearly weak, as in the audit demo: the shop's ``support_chat`` and ``checkout``, the
clinic's ``phone_booking`` and ``reception``; the shop's checkout also gets worse in the
last month, so its NPS drop is significant. Invitations (two non-answers per answer)
give a response rate.

Generation is pure (:func:`demo_feedback`); :func:`store_demo_feedback` writes two CSV files
into the workspace (``feedback/answers.csv``, ``feedback/invitations.csv``) and imports them
like a user's export, so the demo shows a real import ledger.

>>> from touchpath.demo.generate import generate
>>> data = generate("shop", customers=300, seed=1)
>>> answers, invitations = demo_feedback("shop", data.events, data.customers, seed=1, target=200)
>>> 150 < len(answers) <= 200, set(answers["language"]) <= {"ru", "en"}
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from touchpath.demo.feedback_texts import TEXTS
from touchpath.workspace import Workspace

TARGET = 2_500
"""Answers per business (the demo stays fast to build)."""


@dataclass(frozen=True)
class Profile:
    """A touchpoint's share of the answers and its probabilities of a negative / neutral
    reaction; ``late_negative`` replaces ``negative`` in the last month."""

    weight: float
    negative: float
    neutral: float = 0.2
    late_negative: float | None = None
    ces: bool = False


PROFILES: dict[str, dict[str, Profile]] = {
    "shop": {
        "support_chat": Profile(1.0, 0.55, 0.2),
        "checkout": Profile(1.2, 0.35, 0.2, late_negative=0.7, ces=True),
        "delivery": Profile(1.2, 0.12),
        "product_page": Profile(1.0, 0.15),
        "mobile_app": Profile(0.6, 0.18, ces=True),
        "cart": Profile(0.6, 0.18, ces=True),
        "order_sms": Profile(0.5, 0.08),
        "store_pickup": Profile(0.4, 0.1),
        "loyalty": Profile(0.3, 0.12),
    },
    "clinic": {
        "phone_booking": Profile(1.2, 0.55, 0.2, ces=True),
        "reception": Profile(1.2, 0.48, 0.2),
        "doctor": Profile(1.5, 0.07, 0.15),
        "lab_results": Profile(0.8, 0.1),
        "online_booking": Profile(0.7, 0.12, ces=True),
        "sms_reminder": Profile(0.4, 0.08),
        "online_chat": Profile(0.5, 0.2),
        "followup_call": Profile(0.5, 0.1),
    },
}

KIND_SHARES = {"nps": 0.4, "csat": 0.3, "ces": 0.1, "text": 0.2}
COMMENT_SHARE = 0.35
"""Rated answers that also carry a comment."""


def _score(kind: str, reaction: str, rng: np.random.Generator) -> float:
    choices = {
        ("nps", "positive"): [9, 10, 10],
        ("nps", "neutral"): [7, 8],
        ("nps", "negative"): [0, 1, 2, 3, 4, 4, 5, 5, 6, 6],
        ("csat", "positive"): [4, 5, 5],
        ("csat", "neutral"): [3],
        ("csat", "negative"): [1, 2, 2],
        ("ces", "positive"): [5, 6, 7, 7],
        ("ces", "neutral"): [4],
        ("ces", "negative"): [1, 2, 3, 3],
    }[(kind, reaction)]
    return float(rng.choice(choices))


def demo_feedback(
    business: str,
    events: pa.Table,
    customers: pa.Table,
    *,
    seed: int,
    target: int = TARGET,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, invitations) in the CSV columns the importer reads by default."""
    profiles = PROFILES[business]
    rng = np.random.default_rng([seed, 6])
    frame = events.select(["event_id", "customer_id", "ts", "touchpoint"]).to_pandas()
    frame = frame.loc[frame["touchpoint"].isin(list(profiles))]
    language = dict(
        zip(
            customers.column("customer_id").to_pylist(),
            customers.column("language").to_pylist(),
            strict=True,
        )
    )
    if frame.empty:
        return pd.DataFrame(), pd.DataFrame()
    end = frame["ts"].max()
    late = end - pd.DateOffset(months=1)
    total_weight = sum(p.weight for p in profiles.values())
    answers: list[dict[str, object]] = []
    invitations: list[dict[str, object]] = []
    for touchpoint, profile in profiles.items():
        pool = frame.loc[frame["touchpoint"] == touchpoint]
        if pool.empty:
            continue
        n = round(target * profile.weight / total_weight)
        picked = pool.iloc[rng.integers(0, len(pool), size=n)]
        recent = pool.loc[pool["ts"] > end - pd.DateOffset(months=2)]
        if profile.late_negative is not None and not recent.empty:
            # a survey campaign after the redesign: half the answers from the last two months
            half = n // 2
            picked = pd.concat(
                [picked.iloc[half:], recent.iloc[rng.integers(0, len(recent), size=half)]]
            )
        kinds = dict(KIND_SHARES)
        if not profile.ces:
            kinds["csat"] += kinds.pop("ces")
        kind_names = list(kinds)
        kind_p = np.array(list(kinds.values())) / sum(kinds.values())
        for j, row in enumerate(picked.itertuples(index=False)):
            ts = min(row.ts + pd.Timedelta(minutes=int(rng.integers(60, 48 * 60))), end)
            negative = profile.late_negative if profile.late_negative and ts > late else None
            p_neg = negative if negative is not None else profile.negative
            reaction = str(
                rng.choice(
                    ["negative", "neutral", "positive"],
                    p=[p_neg, profile.neutral, 1 - p_neg - profile.neutral],
                )
            )
            kind = str(rng.choice(kind_names, p=kind_p))
            lang = language.get(row.customer_id) or "ru"
            texts = TEXTS[lang]
            pool_texts = texts.get((touchpoint, reaction)) or texts[("*", reaction)]
            if reaction == "neutral" and kind == "text":
                pool_texts = texts[("*", "neutral")]
            comment = kind == "text" or rng.random() < COMMENT_SHARE
            fid = f"demo-{business}-{row.event_id}-{j}"
            answers.append(
                {
                    "feedback_id": fid,
                    "customer_id": row.customer_id,
                    "ts": ts.isoformat(),
                    "touchpoint": touchpoint,
                    "kind": kind,
                    "score": "" if kind == "text" else _score(kind, reaction, rng),
                    "text": str(rng.choice(pool_texts)) if comment else "",
                    "language": lang,
                }
            )
            if kind != "text":
                invitations.append(_invitation(f"inv-{fid}", row.customer_id, row.ts, touchpoint))
        # two invitations without an answer per answer: a response rate near a third
        silent = pool.iloc[rng.integers(0, len(pool), size=2 * len(picked))]
        for k, row in enumerate(silent.itertuples(index=False)):
            invitations.append(
                _invitation(
                    f"inv-demo-{business}-{touchpoint}-{k}", row.customer_id, row.ts, touchpoint
                )
            )
    return pd.DataFrame(answers), pd.DataFrame(invitations)


def _invitation(iid: str, customer: str, ts: pd.Timestamp, touchpoint: str) -> dict[str, object]:
    return {
        "invitation_id": iid,
        "customer_id": customer,
        "ts": (ts + pd.Timedelta(minutes=30)).isoformat(),
        "touchpoint": touchpoint,
    }


def store_demo_feedback(
    ws: Workspace, business: str, events: pa.Table, customers: pa.Table, *, seed: int
) -> int:
    """Generate, write and import a business's demo feedback; check the alerts. Returns the
    number of answers stored."""
    from touchpath.store import crud
    from touchpath.store.db import create_engine, session_factory
    from touchpath.voc.alerts import check_alerts
    from touchpath.voc.importer import import_feedback
    from touchpath.voc.mapping import FeedbackMapping
    from touchpath.voc.records import known_from_catalogue

    answers, invitations = demo_feedback(business, events, customers, seed=seed)
    if answers.empty:
        return 0
    folder = Path(ws.root) / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    answers_csv, invitations_csv = folder / "answers.csv", folder / "invitations.csv"
    answers.to_csv(answers_csv, index=False)
    invitations.to_csv(invitations_csv, index=False)
    engine = create_engine(ws.metadata_url)
    try:
        with session_factory(engine)() as session:
            known = known_from_catalogue(crud.load_catalogue(session=session))
            report = import_feedback(
                answers_csv, session=session, known=known, name="feedback/answers.csv"
            )
            import_feedback(
                invitations_csv,
                session=session,
                known=known,
                mapping=FeedbackMapping(invitations=True),
                name="feedback/invitations.csv",
            )
            check_alerts(session=session)
    finally:
        engine.dispose()
    return report.rows_inserted
