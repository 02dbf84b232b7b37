"""Customer feedback (survey answers and reviews), its imports and quarantine, and KPI alerts.

Tables on the same :class:`touchpath.store.tables.Base`; plain functions with a keyword-only
``session`` like :mod:`touchpath.store.crud`.
"""

from __future__ import annotations
