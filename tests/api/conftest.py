"""API fixtures: the demo group (shop, clinic) with one API key per role in each member.

The API is mounted into the real web app exactly as ``touchpath serve`` will do it
(:func:`touchpath.web.api.mount_api`), here without the merger process (tests that need
it start one themselves).
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from touchpath.bootstrap import build_demo
from touchpath.store import api_keys
from touchpath.store.db import create_engine, session_factory
from touchpath.web import create_app
from touchpath.web.api import mount_api
from touchpath.workspace import find_workspace

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SECRET = "test-secret-" + "x" * 40
ROLES = ("collector", "viewer", "analyst", "admin")
MEMBERS = ("shop", "clinic")
Keys = dict[tuple[str, str], str]


def make_key(root: Path, member: str, role: str, name: str | None = None) -> str:
    engine = create_engine(find_workspace(root / member).metadata_url)
    try:
        with session_factory(engine)() as db:
            _key, token = api_keys.create_api_key(session=db, name=name or role, role=role)
            return token
    finally:
        engine.dispose()


@pytest.fixture(scope="package")
def api_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Keys]:
    root = tmp_path_factory.mktemp("api") / "demo"
    build_demo(root, customers=200, seed=11)
    create_app(root, secret=SECRET)  # migrates every member to head (api_keys included)
    keys = {(m, r): make_key(root, m, r) for m in MEMBERS for r in ROLES}
    return root, keys


@pytest.fixture
def site(api_template: tuple[Path, Keys], tmp_path: Path) -> tuple[Path, Keys]:
    """A private copy of the demo group and its keys (tests change catalogues)."""
    root = tmp_path / "demo"
    shutil.copytree(api_template[0], root)
    return root, api_template[1]


@pytest.fixture
def keys(site: tuple[Path, Keys]) -> Keys:
    return site[1]


@pytest.fixture
def client(site: tuple[Path, Keys]) -> Iterator[TestClient]:
    app = create_app(site[0], secret=SECRET)
    mount_api(app, merger=False)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def call(client: TestClient, keys: Keys) -> Callable[..., object]:
    """``call("GET", "shop", "viewer", "/touchpoints")``: a request with that member's key."""

    def make(method: str, member: str, role: str | None, path: str, **kwargs: object) -> object:
        headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
        if role is not None:
            headers["Authorization"] = f"Bearer {keys[(member, role)]}"
        return client.request(method, f"/api/v1/w/{member}{path}", headers=headers, **kwargs)  # type: ignore[arg-type]

    return make
