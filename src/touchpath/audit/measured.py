"""Audit values measured by touchpath itself: the reply speed of the managers' tasks.

The methodology counts the speed of a reply as a parameter of a touchpoint (phone: answer
speed; email, chat, social: reply speed). The automation's tasks record when a manager
first replied, so for every touchpoint whose channel's checklist has ``reply_speed`` the
median time to first reply becomes an audit value of *ours*, in the parameter's unit,
dated the day it is computed. It then takes part in the scores like any auditor's value,
and a later audit by a person on the same day still wins (see
:func:`touchpath.audit.scoring.latest_values`: same date, higher audit id).

>>> import pandas as pd
>>> from touchpath.catalogue.checklists import default_checklists
>>> from touchpath.model import Catalogue, Touchpoint
>>> cat = Catalogue(business="b", touchpoints=[Touchpoint(id="chat", name="Chat",
...     channel="messenger")])
>>> times = pd.DataFrame({"touchpoint": ["chat"], "n": [4], "median_seconds": [90.0],
...     "p90_seconds": [300.0]})
>>> rows = reply_speed_rows(cat, default_checklists(), times, on=dt.date(2026, 1, 5))
>>> rows[["touchpoint", "parameter", "value"]].to_dict("records")
[{'touchpoint': 'chat', 'parameter': 'reply_speed', 'value': 1.5}]
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from touchpath.audit.model import OURS
from touchpath.catalogue.checklists import Checklists
from touchpath.i18n import _
from touchpath.model import Catalogue
from touchpath.store.audits import SCORE_COLUMNS

PARAMETER = "reply_speed"
AUDITOR = "touchpath (measured from tasks)"
MEASURED_AUDIT_ID = -1
"""Below every stored audit id: on the same date a person's audit wins."""

SECONDS_PER: dict[str, float] = {"s": 1, "sec": 1, "min": 60, "h": 3600, "d": 86_400}


def reply_speed_rows(
    catalogue: Catalogue, checklists: Checklists, times: pd.DataFrame, *, on: dt.date
) -> pd.DataFrame:
    """Score rows (columns of ``scores_frame``) from ``response_times(by=("touchpoint",))``."""
    rows = []
    for record in times.to_dict("records"):
        tp_id = str(record["touchpoint"])
        if not tp_id or pd.isna(record["median_seconds"]):
            continue
        try:
            tp = catalogue.touchpoint(tp_id)
        except KeyError:
            continue
        parameter = next((p for p in checklists.for_channel(tp.channel) if p.id == PARAMETER), None)
        if parameter is None or parameter.unit not in SECONDS_PER:
            continue
        value = float(record["median_seconds"]) / SECONDS_PER[parameter.unit]
        evidence = _("median time to first reply over {n} tasks (p90 {p90:.0f} s)").format(
            n=int(record["n"]), p90=float(record["p90_seconds"])
        )
        rows.append([MEASURED_AUDIT_ID, on, AUDITOR, OURS, tp_id, PARAMETER, value, evidence, None])
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    return frame
