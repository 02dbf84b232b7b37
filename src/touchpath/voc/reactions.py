"""Reaction shares per touchpoint from the store: the journey map and the improvement plan.

>>> from touchpath.voc.kpi import reaction_table  # the pure part these read through
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from touchpath.store.feedback import load_feedback
from touchpath.voc.kpi import reaction_table


def reaction_shares(*, session: Session) -> pd.DataFrame:
    """Per touchpoint: shares of positive, negative and neutral reactions, and their count.

    Columns ``touchpoint, positive, negative, neutral, n``; feedback about no touchpoint is
    left out; shares of a row sum to 1.
    """
    frame = load_feedback(session=session)
    frame = frame.loc[frame["touchpoint"].notna()]
    return reaction_table(frame, by="touchpoint")


def negative_shares(*, session: Session) -> dict[str, float]:
    """Touchpoint id → share of its classified feedback that is negative (0…1)."""
    table = reaction_shares(session=session)
    return {str(t): float(v) for t, v in zip(table["touchpoint"], table["negative"], strict=True)}
