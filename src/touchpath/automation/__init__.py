"""Automation: rules (trigger → conditions → actions), templates, the outbox, tasks and SLA.

The worker (:mod:`touchpath.automation.worker`, ``touchpath worker``) fires the rules and
delivers their messages; see docs/automation.md for the guarantees.
"""

from __future__ import annotations

from touchpath.automation.rules import Condition, Rule
from touchpath.automation.tasks import (
    Task,
    list_tasks,
    mark_done,
    record_reply,
    response_times,
    sla_summary,
)
from touchpath.automation.templates import TemplateRefusedError, render

__all__ = [
    "Condition",
    "Rule",
    "Task",
    "TemplateRefusedError",
    "list_tasks",
    "mark_done",
    "record_reply",
    "render",
    "response_times",
    "sla_summary",
]
