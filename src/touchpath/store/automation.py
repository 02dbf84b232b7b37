"""Automation: rules, tasks, the outbox of messages and generated documents.

Tables on the same :class:`touchpath.store.tables.Base`; plain functions with a keyword-only
``session`` like :mod:`touchpath.store.crud`.
"""

from __future__ import annotations
