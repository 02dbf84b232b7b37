"""Voice of the customer: feedback import, NPS / CSAT / CES KPIs, sentiment, alerts.

The pure parts (:mod:`~touchpath.voc.kpi`, :mod:`~touchpath.voc.records`,
:mod:`~touchpath.voc.sentiment`) take DataFrames and texts; the functions taking a keyword
``session`` read and write the metadata DB. Concepts and formulas: docs/voc.md.
"""

from __future__ import annotations

from touchpath.voc.alerts import (
    AlertConfig,
    check_alerts,
    find_alerts,
    list_alerts,
    set_alert_status,
    store_alerts,
)
from touchpath.voc.importer import ImportReport, import_feedback
from touchpath.voc.kpi import (
    ces_stats,
    compare_periods,
    csat_stats,
    kpi_table,
    nps_stats,
    reaction_table,
)
from touchpath.voc.mapping import FeedbackMapping, load_mapping, parse_mapping
from touchpath.voc.reactions import negative_shares, reaction_shares
from touchpath.voc.retention import last_purchases, repeat_by_reaction

__all__ = [
    "AlertConfig",
    "FeedbackMapping",
    "ImportReport",
    "ces_stats",
    "check_alerts",
    "compare_periods",
    "csat_stats",
    "find_alerts",
    "import_feedback",
    "kpi_table",
    "last_purchases",
    "list_alerts",
    "load_mapping",
    "negative_shares",
    "nps_stats",
    "parse_mapping",
    "reaction_shares",
    "reaction_table",
    "repeat_by_reaction",
    "set_alert_status",
    "store_alerts",
]
