"""Rules: a trigger, conditions, actions — pure pydantic types, no I/O.

A rule is what a CRM calls a robot: *when* something happens (an event of a type or at a
touchpoint, negative feedback, a KPI alert, no reply within N minutes, a manager's task
overdue, a schedule), *if* the filters hold, *do* these actions (a task for the
touchpoint's manager, an email, an SMS/messenger message, a webhook, a document). Texts
may be given per language (``{en: ..., ru: ...}``); the customer's language picks one.

>>> rule = Rule.model_validate({
...     "name": "lead_callback",
...     "trigger": {"kind": "event", "event_name": ["form_filled"]},
...     "actions": [{"kind": "task", "title": "Call {{ customer.name }}", "due_minutes": 15}],
... })
>>> rule.trigger.kind, rule.actions[0].due_minutes
('event', 15)
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, HttpUrl, model_validator

from touchpath.model.base import Domain, Name, Slug

Text = str | dict[str, str]
"""A template, or one template per language code (``en``, ``ru`` ...)."""

FIELD_PATH = r"^(event|customer|touchpoint|feedback|alert|task|rule)(\.[A-Za-z0-9_]{1,64}){1,3}$"


class EventFilter(Domain):
    """Which events count: by name and/or touchpoint (empty lists accept any)."""

    event_name: list[str] = Field(default_factory=list)
    touchpoint: list[str] = Field(default_factory=list)

    def matches(self, event_name: str | None, touchpoint: str | None) -> bool:
        return (not self.event_name or event_name in self.event_name) and (
            not self.touchpoint or touchpoint in self.touchpoint
        )


class EventTrigger(EventFilter):
    """An event of a type or at a touchpoint arrives in the events store."""

    kind: Literal["event"] = "event"


class FeedbackTrigger(Domain):
    """A feedback answer or review arrives with one of these reactions."""

    kind: Literal["feedback"] = "feedback"
    reaction: list[str] = Field(default_factory=lambda: ["negative"])
    touchpoint: list[str] = Field(default_factory=list)


class AlertTrigger(Domain):
    """The feedback KPIs raised an alert (of these kinds; empty: any)."""

    kind: Literal["alert"] = "alert"
    alert_kind: list[str] = Field(default_factory=list)
    touchpoint: list[str] = Field(default_factory=list)


class NoReplyTrigger(Domain):
    """``start`` happened and the same customer had no ``reply`` within ``minutes``."""

    kind: Literal["no_reply"] = "no_reply"
    start: EventFilter
    reply: EventFilter = Field(default_factory=EventFilter)
    minutes: int = Field(ge=1, le=60 * 24 * 90)


class ScheduleTrigger(Domain):
    """A schedule: a cron line (minute hour day month weekday, UTC) or an interval."""

    kind: Literal["schedule"] = "schedule"
    cron: str | None = None
    every_minutes: int | None = Field(default=None, ge=1, le=60 * 24 * 31)

    @model_validator(mode="after")
    def _one_way(self) -> ScheduleTrigger:
        if (self.cron is None) == (self.every_minutes is None):
            raise ValueError("give either cron or every_minutes")
        if self.cron is not None:
            from touchpath.automation.schedule import parse_cron

            parse_cron(self.cron)  # raises ValueError naming the bad part
        return self


class TaskOverdueTrigger(Domain):
    """A task is still unanswered ``grace_minutes`` after its due time (its SLA is breached).

    ``rules`` limits it to tasks made by those rules, ``touchpoint`` to those touchpoints;
    tasks this rule made itself never escalate again.
    """

    kind: Literal["task_overdue"] = "task_overdue"
    rules: list[Slug] = Field(default_factory=list)
    touchpoint: list[str] = Field(default_factory=list)
    grace_minutes: int = Field(default=0, ge=0, le=60 * 24 * 30)


Trigger = Annotated[
    EventTrigger
    | FeedbackTrigger
    | AlertTrigger
    | NoReplyTrigger
    | ScheduleTrigger
    | TaskOverdueTrigger,
    Field(discriminator="kind"),
]

Op = Literal[
    "eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "startswith", "exists"
]


class Condition(Domain):
    """``field op value`` on the firing's data, e.g. ``event.value gte 1000``.

    A structured filter, never an expression: nothing a user writes is evaluated as code.
    """

    field: str = Field(pattern=FIELD_PATH)
    op: Op = "eq"
    value: Any = None

    @model_validator(mode="after")
    def _value_fits(self) -> Condition:
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"op {self.op} needs a list value")
        if self.op == "exists" and not isinstance(self.value, bool | type(None)):
            raise ValueError("op exists takes true or false")
        return self


class _Action(Domain):
    @model_validator(mode="after")
    def _no_empty_text(self) -> _Action:
        for name, value in self:
            if isinstance(value, dict) and not value:
                raise ValueError(f"{name}: give the text, or a text per language")
        return self


class TaskAction(_Action):
    """A task for the touchpoint's responsible manager (or ``manager``), due in ``due_minutes``."""

    kind: Literal["task"] = "task"
    title: Text
    body: Text = ""
    manager: Name | None = None
    due_minutes: int | None = Field(default=None, ge=1, le=60 * 24 * 365)


class EmailAction(_Action):
    """An email over SMTP; ``to`` is a template (usually ``{{ customer.email }}``)."""

    kind: Literal["email"] = "email"
    to: str = "{{ customer.email }}"
    subject: Text
    body: Text
    html: bool = False


class SmsAction(_Action):
    """An SMS or messenger message through the workspace's HTTP gateway."""

    kind: Literal["sms"] = "sms"
    to: str = "{{ customer.phone }}"
    text: Text
    messenger: str | None = Field(default=None, max_length=32)


class WebhookAction(_Action):
    """POST JSON to ``url``: the firing's data, or ``body`` rendered as text."""

    kind: Literal["webhook"] = "webhook"
    url: HttpUrl
    body: Text | None = None


class DocumentAction(_Action):
    """An HTML document (and a PDF of it) from a template: an invoice, an act, a letter."""

    kind: Literal["document"] = "document"
    name: Name
    template: Text
    pdf: bool = True


Action = Annotated[
    TaskAction | EmailAction | SmsAction | WebhookAction | DocumentAction,
    Field(discriminator="kind"),
]


class Rule(Domain):
    """A rule of the workspace; ``name`` is its stable id (a slug)."""

    name: Slug
    title: str = Field(default="", max_length=200)
    enabled: bool = True
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    trigger: Trigger
    conditions: list[Condition] = Field(default_factory=list)
    actions: list[Action] = Field(min_length=1, max_length=20)


def pick_text(text: Text, language: str | None, fallback: str) -> str:
    """The template for ``language``, else the rule's language, else English, else any.

    >>> pick_text({"en": "Hi", "ru": "Привет"}, "ru", "en")
    'Привет'
    >>> pick_text({"en": "Hi"}, "kk", "ru")
    'Hi'
    """
    if isinstance(text, str):
        return text
    for lang in (language, fallback, "en"):
        if lang and lang[:2] in text:
            return text[lang[:2]]
    return next(iter(text.values()))


def rule_texts(rule: Rule) -> list[tuple[str, str]]:
    """Every template of a rule, as (field path, template), for checking and previews."""
    found: list[tuple[str, str]] = []
    for i, action in enumerate(rule.actions):
        for name, value in action:
            if name in ("kind", "due_minutes", "html", "pdf", "messenger", "url"):
                continue
            if isinstance(value, str):
                found.append((f"actions.{i}.{name}", value))
            elif isinstance(value, dict):
                found += [(f"actions.{i}.{name}.{k}", v) for k, v in value.items()]
    return found
