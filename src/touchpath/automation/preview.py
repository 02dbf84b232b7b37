"""Previews: what a rule's actions would say, rendered with sample (or given) data.

The preview goes through the same sandbox and language choice as a real firing, so a
template that previews fine renders fine — unless the real data lacks a field the sample
has, which the preview cannot know (``| default(...)`` makes a field optional).
"""

from __future__ import annotations

from typing import Any

from touchpath.automation.rules import (
    DocumentAction,
    EmailAction,
    Rule,
    SmsAction,
    TaskAction,
    WebhookAction,
    pick_text,
)
from touchpath.automation.templates import TemplateRefusedError, render

SAMPLES: dict[str, dict[str, Any]] = {
    "ru": {
        "customer": {
            "id": "c-1042",
            "name": "Анна Смирнова",
            "email": "anna@example.ru",
            "phone": "+79161234567",
            "language": "ru",
            "segment": "vip",
        },
        "event": {
            "event_id": "ev-98231",
            "customer_id": "c-1042",
            "ts": "2026-11-23T10:15:00+03:00",
            "event_name": "form_filled",
            "touchpoint": "callback_request",
            "channel": "organic_search",
            "value": 12990.0,
            "currency": "RUB",
            "attributes": {"order_id": "A-5521", "status": "передан в доставку"},
            "seq": 98231,
        },
        "touchpoint": {
            "id": "callback_request",
            "name": "Заказ обратного звонка",
            "owner": "Ольга Романова",
            "channel": "site",
        },
        "feedback": {
            "feedback_id": "f-77",
            "kind": "text",
            "reaction": "negative",
            "text": "Долго ждала ответа в чате",
            "touchpoint": "online_chat",
        },
        "alert": {
            "kind": "kpi_drop",
            "metric": "csat",
            "value": 3.4,
            "previous": 4.2,
            "message": "CSAT чата упал с 4,2 до 3,4",
            "touchpoint": "online_chat",
        },
        "schedule": {"at": "2026-11-23T09:00:00+00:00"},
        "task": {
            "id": 311,
            "title": "Перезвонить Анне Смирновой",
            "manager": "Ольга Романова",
            "touchpoint": "callback_request",
            "due_at": "2026-11-23T10:30:00+03:00",
        },
    },
    "en": {
        "customer": {
            "id": "c-2077",
            "name": "John Smith",
            "email": "john@example.com",
            "phone": "+447700900123",
            "language": "en",
            "segment": "new",
        },
        "event": {
            "event_id": "ev-98232",
            "customer_id": "c-2077",
            "ts": "2026-11-23T10:15:00+00:00",
            "event_name": "form_filled",
            "touchpoint": "callback_request",
            "channel": "paid_search",
            "value": 149.0,
            "currency": "EUR",
            "attributes": {"order_id": "A-5522", "status": "out for delivery"},
            "seq": 98232,
        },
        "touchpoint": {
            "id": "callback_request",
            "name": "Callback request",
            "owner": "Olga Romanova",
            "channel": "site",
        },
        "feedback": {
            "feedback_id": "f-78",
            "kind": "text",
            "reaction": "negative",
            "text": "Waited too long for a reply in the chat",
            "touchpoint": "online_chat",
        },
        "alert": {
            "kind": "kpi_drop",
            "metric": "csat",
            "value": 3.4,
            "previous": 4.2,
            "message": "Chat CSAT fell from 4.2 to 3.4",
            "touchpoint": "online_chat",
        },
        "schedule": {"at": "2026-11-23T09:00:00+00:00"},
        "task": {
            "id": 312,
            "title": "Call John Smith back",
            "manager": "Olga Romanova",
            "touchpoint": "callback_request",
            "due_at": "2026-11-23T10:30:00+00:00",
        },
    },
}


def sample_data(language: str) -> dict[str, Any]:
    """Realistic sample data in ``language`` (Russian or English)."""
    return SAMPLES["ru" if language == "ru" else "en"]


def preview_rule(
    rule: Rule,
    *,
    language: str | None = None,
    data: dict[str, Any] | None = None,
    timezone: str = "UTC",
) -> list[dict[str, Any]]:
    """Each action's rendered texts (or the error), as JSON-ready dicts."""
    lang = language or rule.language
    data = {**(data if data is not None else sample_data(lang))}
    data["rule"] = {"name": rule.name, "title": rule.title}
    data.setdefault("language", lang)
    data.setdefault("timezone", timezone)
    out: list[dict[str, Any]] = []
    for i, action in enumerate(rule.actions):
        fields: dict[str, tuple[Any, bool]] = {}
        if isinstance(action, TaskAction):
            fields = {"title": (action.title, False), "body": (action.body, False)}
        elif isinstance(action, EmailAction):
            fields = {
                "to": (action.to, False),
                "subject": (action.subject, False),
                "body": (action.body, action.html),
            }
        elif isinstance(action, SmsAction):
            fields = {"to": (action.to, False), "text": (action.text, False)}
        elif isinstance(action, WebhookAction):
            fields = {"body": (action.body, False)} if action.body is not None else {}
        elif isinstance(action, DocumentAction):
            fields = {"template": (action.template, True)}
        rendered: dict[str, Any] = {"index": i, "kind": action.kind, "language": lang}
        for name, (text, html) in fields.items():
            try:
                rendered[name] = render(pick_text(text, lang, rule.language), data, html=html)
            except TemplateRefusedError as exc:
                rendered[name] = None
                rendered.setdefault("errors", {})[name] = str(exc)
        out.append(rendered)
    return out
