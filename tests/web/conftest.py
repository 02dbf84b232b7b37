"""Web app fixtures: one small demo group built per run, copied fresh for each test.

The demo is a group of two businesses (shop, clinic), each a workspace with its own
metadata DB and events store, so isolation between workspaces is tested on the real
layout ``touchpath serve`` serves.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from touchpath.bootstrap import build_demo
from touchpath.model import Catalogue
from touchpath.store import auth, crud, migrate
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import find_workspace

with warnings.catch_warnings():
    # Starlette 1.x asks for `httpx2`; the TestClient works the same with httpx.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from touchpath.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).with_name("artifacts")

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="package", autouse=True)
def cheap_hashing() -> Iterator[None]:
    """argon2 with small costs: the same algorithm, a hundred times faster for tests.

    ``test_security`` checks the parameters the real hasher uses.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@pytest.fixture(scope="package")
def demo_template(tmp_path_factory: pytest.TempPathFactory, cheap_hashing: None) -> Path:
    """The demo group with users: admin/analyst/viewer in both members, alice in shop only."""
    root = tmp_path_factory.mktemp("web") / "demo"
    build_demo(root, customers=200, seed=7)
    for member in ("shop", "clinic"):
        add_user(root, member, "boss", "admin")
        add_user(root, member, "ann", "analyst")
        add_user(root, member, "vic", "viewer")
    add_user(root, "shop", "alice", "analyst")
    return root


@pytest.fixture
def people(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo group (tests change catalogues and users)."""
    root = tmp_path / "demo"
    shutil.copytree(demo_template, root)
    return root


def metadata_url(root: Path, member: str) -> str:
    return find_workspace(root / member).metadata_url


def add_user(root: Path, member: str, username: str, role: str, password: str = PASSWORD) -> None:
    engine = create_engine(metadata_url(root, member))
    try:
        with session_factory(engine)() as db:
            auth.create_user(session=db, username=username, password=password, role=role)
    finally:
        engine.dispose()


def catalogue_of(root: Path, member: str) -> Catalogue:
    """The stored catalogue, read on a connection of its own (not the app's)."""
    engine = create_engine(metadata_url(root, member))
    try:
        with session_factory(engine)() as db:
            return crud.load_catalogue(session=db)
    finally:
        engine.dispose()


def users_of(root: Path, member: str) -> list[tuple[str, str]]:
    engine = create_engine(metadata_url(root, member))
    try:
        with session_factory(engine)() as db:
            return [(u.username, u.role.value) for u in auth.list_users(session=db)]
    finally:
        engine.dispose()


@pytest.fixture
def app(people: Path) -> Iterator[object]:
    application = create_app(people, secret=SECRET)
    yield application


@pytest.fixture
def client_for(app: object) -> Iterator[Callable[..., TestClient]]:
    """Browsers on the app: ``client_for("ann")`` is logged in as ann, ``client_for()`` not."""
    clients: list[TestClient] = []

    def make(username: str | None = None, **headers: str) -> TestClient:
        client = TestClient(app, headers=headers)  # type: ignore[arg-type]
        client.__enter__()
        clients.append(client)
        if username is not None:
            response = login(client, username)
            assert response.status_code == 303, response.text
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page gives this browser (as a form would carry it)."""
    page = client.get(path)
    found = CSRF.search(page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the form; the new session's CSRF token is kept on the client."""
    token = csrf_of(client, "/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    if response.status_code == 303:
        client.csrf = csrf_of(client, response.headers["location"])  # type: ignore[attr-defined]
    return response


def post(client: TestClient, path: str, data: dict[str, object] | None = None) -> httpx.Response:
    """A form post carrying this browser's CSRF token."""
    token = getattr(client, "csrf", None) or csrf_of(client, "/login")
    body = {"csrf_token": token, **(data or {})}
    return client.post(path, data=body, follow_redirects=False)  # type: ignore[arg-type]


# -- the metadata store on SQLite and PostgreSQL (as in tests/store) --------------------------

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty metadata DB migrated to head: a SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'metadata.db'}"
        migrate.upgrade(url)
        yield url
        return
    admin = create_engine(
        os.environ.get("TOUCHPATH_TEST_PG_URL", DEFAULT_PG_URL), connect_args={"connect_timeout": 5}
    )
    try:
        with admin.connect() as con:
            con.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is unreachable: {exc}")
        pytest.skip("PostgreSQL is unreachable")
    schema = f"tp_web_{uuid.uuid4().hex[:12]}"
    with admin.begin() as con:
        con.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    try:
        migrate.upgrade(rendered)
        yield rendered
    finally:
        with admin.begin() as con:
            con.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def live_server(app: object) -> Iterator[str]:
    """The app served by uvicorn in a thread of this process, on a free local port."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="off",
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless Chromium through Playwright (`make test` installs it)."""
    if not CHROMIUM.exists():
        reason = "Chromium is not installed: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()
