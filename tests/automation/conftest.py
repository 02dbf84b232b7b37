"""Real servers on loopback for the automation tests, and both metadata databases.

* ``receiver``: an HTTP server in a thread playing the SMS gateway and the webhook
  receiver. It dedupes by the ``Idempotency-Key`` header like a careful receiver would,
  and can be told to fail: ``/fail`` always 503, ``/flaky/<n>`` 503 for the first n tries
  of each key, ``/slow`` answers after the client's timeout, ``/reject`` 400,
  ``/hold/<s>`` records the request, then waits s seconds before answering.
* ``smtp``: an aiosmtpd server that keeps every message it receives.
* ``db_url``: a SQLite file or a fresh PostgreSQL schema (as in tests/store/conftest.py).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from automation.servers import Mailbox, Receiver, _free_port, _handler
from touchpath.store import migrate
from touchpath.store.db import create_engine


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Receiver(url="")))
    rec = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(rec)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp() -> Iterator[Mailbox]:
    box = Mailbox("127.0.0.1", _free_port())
    controller = Controller(box, hostname=box.host, port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database: a SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'metadata.db'}"
        migrate.upgrade(url)
        yield url
        return
    admin: sa.Engine = request.getfixturevalue("pg_admin")
    schema = f"tp_auto_{uuid.uuid4().hex[:12]}"
    with admin.begin() as con:
        con.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    pg_url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    text = pg_url.render_as_string(hide_password=False)
    try:
        migrate.upgrade(text)
        yield text
    finally:
        with admin.begin() as con:
            con.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    eng = create_engine(db_url)
    yield eng
    eng.dispose()
