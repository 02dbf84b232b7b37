"""The outbox and the worker's delivery against real servers, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from automation.servers import Mailbox, Receiver
from touchpath.automation import outbox
from touchpath.automation.channels import message_id
from touchpath.automation.settings import AutomationSettings, RateLimit, update_settings
from touchpath.automation.worker import Deliverer, drain
from touchpath.store.automation import DocumentRow, OutboxRow


def settings(**changes: object) -> AutomationSettings:
    base = AutomationSettings(backoff_base_seconds=0.05, backoff_cap_seconds=0.1, max_attempts=3)
    base.webhook.timeout = 0.5
    base.sms.timeout = 0.5
    return base.model_copy(update=changes)


def put(engine: sa.Engine, key: str, channel: str, recipient: str, **kw: Any) -> bool:
    with Session(engine) as session, session.begin():
        return outbox.enqueue(
            session=session, key=key, channel=channel, recipient=recipient, max_attempts=3, **kw
        )


def rows(engine: sa.Engine) -> dict[str, OutboxRow]:
    with Session(engine) as session:
        return {r.idempotency_key: r for r in session.scalars(sa.select(OutboxRow))}


def run_until_settled(deliverer: Deliverer, seconds: float = 10.0) -> None:
    """Deliver, waiting out backoffs, until no message is pending or sending."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        drain(deliverer, batch=10)
        states = {r.status for r in rows(deliverer.engine).values()}
        if not states & {"pending", "sending"}:
            return
        time.sleep(0.05)
    raise AssertionError(f"outbox did not settle: {states}")


def test_enqueue_is_idempotent(engine: sa.Engine) -> None:
    assert put(engine, "k1", "sms", "+7900", body="hi")
    assert not put(engine, "k1", "sms", "+7900", body="hi again")
    assert [r.body for r in rows(engine).values()] == ["hi"]


def test_email_reaches_the_smtp_server(engine: sa.Engine, smtp: Mailbox) -> None:
    s = settings()
    s.smtp.host, s.smtp.port, s.smtp.sender = smtp.host, smtp.port, "shop@example.com"
    put(
        engine,
        "rule:1:ev9:0",
        "email",
        "anna@example.com",
        subject="Ваш заказ",
        body="<p>Здравствуйте, Анна</p>",
        payload={"html": True, "text": "Здравствуйте, Анна"},
    )
    deliverer = Deliverer(engine=engine, settings=s)
    assert drain(deliverer, batch=10).sent == 1
    deliverer.close()
    [mail] = smtp.messages
    assert mail["To"] == "anna@example.com"
    assert mail["From"] == "shop@example.com"
    assert str(mail["Subject"]) == "Ваш заказ" or "=?utf-8?" in str(mail["Subject"])
    assert mail["Message-ID"] == message_id("rule:1:ev9:0")
    assert mail["X-Idempotency-Key"] == "rule:1:ev9:0"
    parts = {
        p.get_content_type(): bytes(p.get_payload(decode=True)).decode()
        for p in mail.walk()
        if not p.is_multipart()
    }
    assert "Здравствуйте, Анна" in parts["text/plain"]
    assert "<p>Здравствуйте, Анна</p>" in parts["text/html"]
    assert rows(engine)["rule:1:ev9:0"].status == "sent"


def test_sms_gateway_gets_the_message_and_the_key(engine: sa.Engine, receiver: Receiver) -> None:
    s = update_settings(settings(), [f"sms.url={receiver.url}/sms"])
    put(engine, "k-sms", "sms", "+79001234567", body="Заказ 42 передан в доставку")
    drain(Deliverer(engine=engine, settings=s), batch=10)
    [(path, key, body, _headers)] = receiver.requests
    assert (path, key) == ("/sms", "k-sms")
    assert body == {
        "to": "+79001234567",
        "text": "Заказ 42 передан в доставку",
        "messenger": None,
        "key": "k-sms",
    }


def test_flaky_receiver_gets_it_once_after_retries(engine: sa.Engine, receiver: Receiver) -> None:
    put(engine, "k-flaky", "webhook", f"{receiver.url}/flaky/2", body='{"a": 1}')
    run_until_settled(Deliverer(engine=engine, settings=settings()))
    row = rows(engine)["k-flaky"]
    assert row.status == "sent"
    assert row.attempts == 3  # two 503s, then 200
    assert receiver.tries["k-flaky"] == 3
    assert receiver.applied == {"k-flaky": {"a": 1}}


def test_failing_timing_out_and_refusing_receivers_end_dead(
    engine: sa.Engine, receiver: Receiver
) -> None:
    put(engine, "k-5xx", "webhook", f"{receiver.url}/fail", body="{}")
    put(engine, "k-slow", "webhook", f"{receiver.url}/slow/1.5", body="{}")
    put(engine, "k-400", "webhook", f"{receiver.url}/reject", body="{}")
    run_until_settled(Deliverer(engine=engine, settings=settings()), seconds=20)
    got = rows(engine)
    assert {k: (r.status, r.attempts) for k, r in got.items()} == {
        "k-5xx": ("dead", 3),  # max_attempts
        "k-slow": ("dead", 3),
        "k-400": ("dead", 1),  # a 4xx will not get better: no retries
    }
    assert "HTTP 503" in (got["k-5xx"].last_error or "")
    assert "timed out" in (got["k-slow"].last_error or "")
    assert "HTTP 400" in (got["k-400"].last_error or "")
    assert receiver.applied == {}


def test_backoff_spaces_the_retries(engine: sa.Engine, receiver: Receiver) -> None:
    s = settings(backoff_base_seconds=10.0, backoff_cap_seconds=100.0)
    put(engine, "k", "webhook", f"{receiver.url}/fail", body="{}")
    before = datetime.now(UTC)
    stats = drain(Deliverer(engine=engine, settings=s), batch=10)
    assert stats.retried == 1
    wait = outbox.aware(rows(engine)["k"].next_attempt_at) - before
    # equal jitter after the first failure: between base/2 and base
    assert timedelta(seconds=5) <= wait <= timedelta(seconds=11)


def test_rate_limit_defers_without_counting_attempts(engine: sa.Engine, receiver: Receiver) -> None:
    s = settings(rate_limits={"webhook": RateLimit(per_second=0.5, burst=2)})
    for i in range(5):
        put(engine, f"k{i}", "webhook", f"{receiver.url}/ok", body="{}")
    stats = drain(Deliverer(engine=engine, settings=s), batch=10)
    assert (stats.sent, stats.deferred) == (2, 3)
    got = rows(engine)
    assert sorted(r.status for r in got.values()) == ["pending"] * 3 + ["sent"] * 2
    assert all(r.attempts == 0 for r in got.values() if r.status == "pending")
    assert len(receiver.applied) == 2


def test_claims_never_overlap_and_leases_expire(engine: sa.Engine) -> None:
    for i in range(40):
        put(engine, f"k{i}", "webhook", "http://127.0.0.1:9/x", body="{}")
    taken: list[list[int]] = []

    def grab() -> None:
        msgs = outbox.claim(
            engine, worker=threading.current_thread().name, limit=15, lease=timedelta(seconds=60)
        )
        taken.append([m.id for m in msgs])

    threads = [threading.Thread(target=grab, name=f"w{i}") for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [i for batch in taken for i in batch]
    assert len(ids) == len(set(ids)) == 40  # 4 x 15 asked, 40 there, none twice
    # nothing more is due while the leases hold ...
    assert outbox.claim(engine, worker="late", limit=50, lease=timedelta(seconds=60)) == []
    # ... and after they expire another worker takes over; the first one's result is refused
    later = datetime.now(UTC) + timedelta(seconds=61)
    again = outbox.claim(engine, worker="late", limit=50, lease=timedelta(seconds=60), now=later)
    assert len(again) == 40 and all(m.attempts == 2 for m in again)
    stolen = again[0]
    assert not outbox.complete(engine, stolen, worker="w0")
    assert not outbox.complete(engine, stolen, worker="w1")
    assert outbox.complete(engine, stolen, worker="late")


def test_a_message_that_keeps_killing_workers_ends_dead(engine: sa.Engine) -> None:
    put(engine, "poison", "webhook", "http://127.0.0.1:9/x", body="{}")
    now = datetime.now(UTC)
    for i in range(3):  # three workers claim it and die
        now += timedelta(seconds=61)
        assert outbox.claim(engine, worker=f"w{i}", limit=1, lease=timedelta(seconds=60), now=now)
    now += timedelta(seconds=61)
    assert outbox.claim(engine, worker="w9", limit=1, lease=timedelta(seconds=60), now=now) == []
    row = rows(engine)["poison"]
    assert row.status == "dead" and "gave up after 3 attempts" in (row.last_error or "")


def test_documents_are_stored_once_with_a_pdf(engine: sa.Engine) -> None:
    html = (
        "<!doctype html><html><body><h1>Счёт № 42</h1><p>Анна: 1 500,00 ₽</p>"
        '<img src="file:///etc/passwd"></body></html>'
    )
    put(
        engine,
        "doc-42",
        "document",
        "invoice",
        subject="Счёт 42",
        body=html,
        payload={"pdf": True, "customer_id": "c1"},
    )
    stats = drain(Deliverer(engine=engine, settings=settings()), batch=10)
    assert stats.sent == 1
    with Session(engine) as session:
        [doc] = session.scalars(sa.select(DocumentRow)).all()
    assert (doc.key, doc.name, doc.customer_id) == ("doc-42", "Счёт 42", "c1")
    assert doc.pdf is not None and doc.pdf.startswith(b"%PDF-")
    assert b"root:" not in doc.pdf
    assert rows(engine)["doc-42"].status == "sent"


def test_status_counts_and_retry_dead(engine: sa.Engine, receiver: Receiver) -> None:
    put(engine, "a", "webhook", f"{receiver.url}/reject", body="{}")
    put(engine, "b", "webhook", f"{receiver.url}/ok", body="{}")
    drain(Deliverer(engine=engine, settings=settings()), batch=10)
    with Session(engine) as session:
        assert outbox.status_counts(session=session) == {
            "webhook": {"pending": 0, "sending": 0, "sent": 1, "dead": 1}
        }
        assert outbox.retry_dead(session=session) == 1
        session.commit()
        assert outbox.status_counts(session=session)["webhook"]["pending"] == 1


def test_gateway_parameters_follow_the_provider(engine: sa.Engine, receiver: Receiver) -> None:
    from urllib.parse import parse_qs

    s = update_settings(
        settings(),
        [
            f"sms.url={receiver.url}/send",
            "sms.format=form",
            'sms.fields={"to": "phone", "text": "message"}',
            'sms.extra={"sender": "VOLT"}',
        ],
    )
    put(engine, "k-form", "sms", "+79001234567", body="Заказ 42 готов")
    drain(Deliverer(engine=engine, settings=s), batch=10)
    [(_path, key, body, headers)] = receiver.requests
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(body["raw"]) == {
        "phone": ["+79001234567"],
        "message": ["Заказ 42 готов"],
        "key": ["k-form"],
        "sender": ["VOLT"],
    }
    assert key == "k-form"


def test_header_injection_in_an_email_is_neutralised(engine: sa.Engine, smtp: Mailbox) -> None:
    s = settings()
    s.smtp.host, s.smtp.port = smtp.host, smtp.port
    put(
        engine,
        "inj",
        "email",
        "anna@example.com",
        subject="Hi\r\nBcc: thief@evil.example",
        body="text",
    )
    stats = drain(Deliverer(engine=engine, settings=s), batch=10)
    [mail] = smtp.messages
    assert mail["Bcc"] is None
    assert str(mail["Subject"]) == "Hi Bcc: thief@evil.example"
    assert stats.sent == 1


def test_an_unexpected_channel_failure_is_retried_not_fatal(engine: sa.Engine) -> None:
    class Broken:
        name = "webhook"

        def send(self, message: object) -> None:
            raise RuntimeError("library bug")

        def close(self) -> None:
            pass

    put(engine, "k", "webhook", "http://127.0.0.1:9/x", body="{}")
    deliverer = Deliverer(
        engine=engine, settings=settings(), factories={"webhook": lambda s: Broken()}
    )
    assert drain(deliverer, batch=10).retried == 1
    row = rows(engine)["k"]
    assert (row.status, row.last_error) == ("pending", "RuntimeError: library bug")
