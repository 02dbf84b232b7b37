"""The workspace's delivery settings: SMTP, the SMS/messenger gateway, webhooks, limits.

Stored as one JSON document in the metadata DB (``automation_settings``), so the web app,
the CLI and the worker of a workspace all read the same values. Secrets are never stored:
a setting names the environment variable that holds the password or token.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from touchpath.errors import TouchpathError
from touchpath.store.automation import AutomationSettingsRow


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SmtpSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    sender: str = "touchpath@localhost"
    username: str | None = None
    password_env: str | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = Field(default=10.0, gt=0, le=300)

    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None


class GatewaySettings(_Section):
    """An HTTP SMS/messenger gateway: touchpath POSTs ``{to, text, messenger, key}``.

    Providers name their parameters differently: ``fields`` renames ours (``{"to":
    "phone", "text": "message"}``), ``extra`` adds fixed ones (a sender name, an account
    id), ``format`` picks a JSON body or an HTML form.
    """

    url: str | None = None
    token_env: str | None = None
    timeout: float = Field(default=10.0, gt=0, le=300)
    format: Literal["json", "form"] = "json"
    fields: dict[str, str] = Field(default_factory=dict)
    extra: dict[str, str] = Field(default_factory=dict)

    def token(self) -> str | None:
        return os.environ.get(self.token_env) if self.token_env else None


class WebhookSettings(_Section):
    """Outgoing webhooks; with ``secret_env`` the body is signed (HMAC-SHA256)."""

    secret_env: str | None = None
    timeout: float = Field(default=10.0, gt=0, le=300)

    def secret(self) -> bytes | None:
        value = os.environ.get(self.secret_env) if self.secret_env else None
        return value.encode() if value else None


class RateLimit(_Section):
    """A token bucket: ``per_second`` steady rate, ``burst`` tokens at most."""

    per_second: float = Field(gt=0, le=100_000)
    burst: int = Field(ge=1, le=100_000)


def _default_limits() -> dict[str, RateLimit]:
    return {
        "email": RateLimit(per_second=5, burst=10),
        "sms": RateLimit(per_second=2, burst=5),
        "webhook": RateLimit(per_second=20, burst=20),
        "document": RateLimit(per_second=5, burst=5),
    }


class AutomationSettings(_Section):
    """Everything the worker needs besides the rules."""

    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    sms: GatewaySettings = Field(default_factory=GatewaySettings)
    webhook: WebhookSettings = Field(default_factory=WebhookSettings)
    rate_limits: dict[str, RateLimit] = Field(default_factory=_default_limits)
    max_attempts: int = Field(default=8, ge=1, le=100)
    backoff_base_seconds: float = Field(default=30.0, gt=0, le=86_400)
    backoff_cap_seconds: float = Field(default=3_600.0, gt=0, le=7 * 86_400)
    lease_seconds: float = Field(default=120.0, gt=0, le=86_400)


class SettingsError(TouchpathError):
    pass


def load_settings(*, session: Session) -> AutomationSettings:
    """The stored settings, or the defaults when none were saved."""
    row = session.get(AutomationSettingsRow, 1)
    if row is None:
        return AutomationSettings()
    return AutomationSettings.model_validate_json(row.document)


def save_settings(*, session: Session, settings: AutomationSettings) -> None:
    """Store ``settings`` (the caller commits)."""
    row = session.get(AutomationSettingsRow, 1)
    document = settings.model_dump_json()
    now = datetime.now(UTC)
    if row is None:
        session.add(AutomationSettingsRow(id=1, document=document, updated_at=now))
    else:
        row.document, row.updated_at = document, now


def update_settings(settings: AutomationSettings, assignments: list[str]) -> AutomationSettings:
    """Apply ``section.field=value`` assignments (values parsed as JSON, else text).

    >>> s = update_settings(AutomationSettings(), ["smtp.port=2525", "sms.url=http://gw/send"])
    >>> s.smtp.port, s.sms.url
    (2525, 'http://gw/send')
    """
    doc = settings.model_dump(mode="json")
    for item in assignments:
        path, sep, raw = item.partition("=")
        if not sep or not path:
            raise SettingsError(f"{item!r}: want section.field=value")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        node = doc
        parts = path.strip().split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                if part in node or node is not doc.get("rate_limits"):
                    raise SettingsError(f"{path}: no such setting")
                child = node.setdefault(part, {})
            node = child
        node[parts[-1]] = value
    try:
        return AutomationSettings.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise SettingsError(f"setting {where}: {err['msg']}") from None
