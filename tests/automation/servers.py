"""Loopback servers the automation tests talk to (see conftest.py for the fixtures)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler
from typing import Any


@dataclass
class Receiver:
    """What the HTTP receiver saw."""

    url: str
    requests: list[tuple[str, str, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    applied: dict[str, dict[str, Any]] = field(default_factory=dict)
    tries: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def duplicates(self) -> int:
        """Requests with a key already applied (deduped, not applied again)."""
        return sum(1 for _p, key, _b, _h in self.requests if key) - len(self.applied)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            key = self.headers.get("Idempotency-Key", "")
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                body = {"raw": raw.decode(errors="replace")}
            parts = self.path.strip("/").split("/")
            with receiver.lock:
                receiver.tries[key] += 1
                tries = receiver.tries[key]
            if parts[0] == "fail":
                return self._answer(503)
            if parts[0] == "reject":
                return self._answer(400)
            if parts[0] == "flaky" and tries <= int(parts[1]):
                return self._answer(503)
            if parts[0] == "slow":
                time.sleep(float(parts[1]) if len(parts) > 1 else 3.0)
                return self._answer(200)
            with receiver.lock:
                receiver.requests.append((self.path, key, body, dict(self.headers)))
                receiver.applied.setdefault(key, body)
            if parts[0] == "hold":
                time.sleep(float(parts[1]))
            self._answer(200)

        def _answer(self, code: int) -> None:
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(b"{}")

    return Handler


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
