"""Audits of touchpoints (ours and competitors'), audit checklists, missed channels and the improvement plan.

Tables on the same :class:`touchpath.store.tables.Base`; plain functions with a keyword-only
``session`` like :mod:`touchpath.store.crud`.
"""

from __future__ import annotations
