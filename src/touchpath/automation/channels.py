"""Delivery channels: SMTP email, an HTTP SMS/messenger gateway, outgoing webhooks.

Each channel sends one :class:`~touchpath.automation.outbox.Message` and says how a failure
should be treated: :class:`DeliveryError` with ``permanent=True`` (the receiver refused it:
retrying would not help) or ``False`` (a timeout, a 5xx, a dropped connection: try later).

Every channel passes the message's idempotency key on: the ``Idempotency-Key`` HTTP header
(the convention of Stripe and the IETF draft ``draft-ietf-httpapi-idempotency-key-header``)
and, for email, a ``Message-ID`` derived from it (RFC 5322 §3.6.4), so a receiver that
dedupes sees a retry as the same message. Channels are registered by name in
:data:`CHANNELS`.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import urlencode

import httpx

from touchpath.automation.outbox import Message
from touchpath.automation.settings import AutomationSettings


class DeliveryError(Exception):
    """A send failed; ``permanent`` says whether trying again could ever help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


def message_id(key: str, domain: str = "touchpath.invalid") -> str:
    """A stable ``Message-ID`` for an idempotency key (same key, same id).

    >>> message_id("r:1:0")
    '<d0e113559bb29282bd4591900bc4b05f@touchpath.invalid>'
    """
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def one_line(text: str) -> str:
    r"""A header value on one line: line breaks (header injection) become spaces.

    >>> one_line("Hi\r\nBcc: x@evil.example")
    'Hi Bcc: x@evil.example'
    """
    return " ".join(text.splitlines())


class SmtpChannel:
    """Email through the workspace's SMTP server (one connection per batch, reopened on error)."""

    name = "email"

    def __init__(self, settings: AutomationSettings) -> None:
        self.settings = settings.smtp
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP
        if s.ssl:
            smtp = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
        password = s.password()
        if s.username and password:
            smtp.login(s.username, password)
        return smtp

    def send(self, message: Message) -> None:
        mail = EmailMessage()
        try:
            mail["From"] = self.settings.sender
            mail["To"] = one_line(message.recipient)
            mail["Subject"] = one_line(message.subject or "")
            mail["Date"] = formatdate(localtime=False)
            mail["Message-ID"] = message_id(message.key)
            mail["X-Idempotency-Key"] = one_line(message.key)
        except (ValueError, IndexError) as exc:  # the email package's verdict on an address
            raise DeliveryError(f"bad email header: {exc}", permanent=True) from None
        if message.payload.get("html"):
            mail.set_content(str(message.payload.get("text") or message.body))
            mail.add_alternative(message.body, subtype="html")
        else:
            mail.set_content(message.body)
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            self._drop()
            raise DeliveryError(
                f"SMTP refused {message.recipient}: {codes}", permanent=min(codes) >= 500
            ) from None
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raw = exc.smtp_error
            text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw or "")
            raise DeliveryError(
                f"SMTP {exc.smtp_code}: {text}", permanent=exc.smtp_code >= 500
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryError(f"SMTP {self.settings.host}:{self.settings.port}: {exc}") from None

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


def _post(client: httpx.Client, url: str, body: bytes, headers: dict[str, str], what: str) -> None:
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        raise DeliveryError(f"{what} {url}: timed out") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{what} {url}: {exc}") from None
    if response.is_success:
        return
    code = response.status_code
    # 408 (timeout), 425 (too early) and 429 (too many requests) are worth another try
    permanent = 400 <= code < 500 and code not in (408, 425, 429)
    raise DeliveryError(f"{what} {url}: HTTP {code} {response.text[:200]}", permanent=permanent)


class GatewayChannel:
    """SMS/messenger through an HTTP gateway: POST ``{to, text, messenger, key}``."""

    name = "sms"

    def __init__(self, settings: AutomationSettings) -> None:
        self.settings = settings.sms
        self.client = httpx.Client(timeout=self.settings.timeout, follow_redirects=False)

    def send(self, message: Message) -> None:
        if not self.settings.url:
            raise DeliveryError("no SMS gateway: set sms.url in the automation settings")
        ours = {
            "to": message.recipient,
            "text": message.body,
            "messenger": message.payload.get("messenger"),
            "key": message.key,
        }
        doc = {self.settings.fields.get(k, k): v for k, v in ours.items()}
        doc |= self.settings.extra
        headers = {"Idempotency-Key": message.key}
        token = self.settings.token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if self.settings.format == "form":
            form = {k: str(v) for k, v in doc.items() if v is not None}
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(doc, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        _post(self.client, self.settings.url, body, headers, "SMS gateway")

    def close(self) -> None:
        self.client.close()


def signature(secret: bytes, body: bytes) -> str:
    """``X-Touchpath-Signature``: ``sha256=`` and the hex HMAC of the body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class WebhookChannel:
    """POST the message body (JSON) to the rule's URL."""

    name = "webhook"

    def __init__(self, settings: AutomationSettings) -> None:
        self.settings = settings.webhook
        self.client = httpx.Client(timeout=self.settings.timeout, follow_redirects=False)

    def send(self, message: Message) -> None:
        body = message.body.encode()
        headers = {
            "Content-Type": str(message.payload.get("content_type", "application/json")),
            "Idempotency-Key": message.key,
            "User-Agent": "touchpath-webhook/1",
        }
        secret = self.settings.secret()
        if secret:
            headers["X-Touchpath-Signature"] = signature(secret, body)
        _post(self.client, message.recipient, body, headers, "webhook")

    def close(self) -> None:
        self.client.close()


CHANNELS: dict[str, Callable[[AutomationSettings], Channel]] = {
    "email": SmtpChannel,
    "sms": GatewayChannel,
    "webhook": WebhookChannel,
}
"""Sending channels by name; ``document`` is written locally by the worker instead."""
