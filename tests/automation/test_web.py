"""The automation page: roles, CSRF, editing rules as YAML, tasks, outbox; EN and RU;
screenshots in headless Chromium (tests/automation/artifacts/)."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from touchpath.automation import rulebook
from touchpath.bootstrap import build_demo
from touchpath.store import auth
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import find_workspace

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from touchpath.web import create_app

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).with_name("artifacts")


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("auto-web") / "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        build_demo(root, customers=120, seed=7, businesses=("shop",))
        engine = create_engine(find_workspace(root / "shop").metadata_url)
        with session_factory(engine)() as db:
            for name, role in (("ann", "analyst"), ("vic", "viewer")):
                auth.create_user(session=db, username=name, password=PASSWORD, role=role)
        engine.dispose()
        yield root


@pytest.fixture
def root(demo_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo"
    shutil.copytree(demo_template, copy)
    return copy


@pytest.fixture
def app(root: Path) -> object:
    return create_app(root, secret=SECRET)


def _client(app: object, username: str) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    found = CSRF.search(client.get("/w/shop/automation").text)
    assert found is not None
    client.csrf = found.group(1)
    return client


def _post(client: TestClient, path: str, data: dict[str, str] | None = None) -> httpx.Response:
    body = {"csrf_token": client.csrf, **(data or {})}
    response: httpx.Response = client.post(path, data=body, follow_redirects=False)
    return response


def _rules(root: Path) -> dict[str, bool]:
    engine = create_engine(find_workspace(root / "shop").metadata_url)
    with Session(engine) as session:
        found = {s.rule.name: s.rule.enabled for s in rulebook.list_rules(session=session)}
    engine.dispose()
    return found


def test_page_shows_rules_tasks_replies_and_outbox(app: object) -> None:
    client = _client(app, "vic")
    page = client.get("/w/shop/automation")
    assert page.status_code == 200
    text = page.text
    assert "Вопрос в чате → задача перезвонить" in text  # a demo rule
    assert 'id="tasks"' in text and 'id="replies"' in text and 'id="outbox"' in text
    assert "Светлана Попова" in text  # the support chat's owner answers its tasks
    assert "SMS gateway: HTTP 400 invalid phone number" in text  # a dead letter, with why
    assert "/toggle" not in text  # a viewer gets no buttons
    assert client.get("/w/shop/automation?sla=breached&status=").status_code == 200
    ru = client.get("/w/shop/automation", headers={"Accept-Language": "ru"})
    assert ru.status_code == 200


def test_viewer_cannot_change_anything_and_csrf_is_required(app: object, root: Path) -> None:
    viewer = _client(app, "vic")
    assert _post(viewer, "/w/shop/automation/rules/abandoned_cart/toggle").status_code == 403
    analyst = _client(app, "ann")
    no_token = analyst.post(
        "/w/shop/automation/rules/abandoned_cart/toggle", follow_redirects=False
    )
    assert no_token.status_code == 403
    assert _rules(root)["abandoned_cart"] is False
    assert _post(analyst, "/w/shop/automation/rules/abandoned_cart/toggle").status_code == 303
    assert _rules(root)["abandoned_cart"] is True


def test_edit_rule_as_yaml_with_errors_and_preview(app: object, root: Path) -> None:
    analyst = _client(app, "ann")
    page = analyst.get("/w/shop/automation/rules/order_status_sms")
    assert page.status_code == 200
    assert "принят. Статус" in page.text  # the Russian preview
    assert "is confirmed" in page.text  # the English one
    bad = (
        "name: order_status_sms\ntrigger: {kind: event}\nactions:\n"
        "  - {kind: sms, text: x}\n  - {kind: fax}\n"
    )
    response = _post(analyst, "/w/shop/automation/rules/order_status_sms", {"rule": bad})
    assert response.status_code == 400
    assert "rule.yaml:5: actions.1.kind:" in response.text
    hostile = (
        "name: evil\ntrigger: {kind: event}\nactions:\n  - kind: sms\n"
        "    text: \"<script>alert(1)</script>{{ ''.__class__ }}\"\n"
    )
    created = _post(analyst, "/w/shop/automation/rules", {"rule": hostile})
    assert created.status_code == 303
    shown = analyst.get("/w/shop/automation/rules/evil").text
    assert "<script>alert(1)</script>" not in shown  # escaped in the editor and the preview
    assert "unsafe" in shown
    assert "evil" in _rules(root)
    assert _post(analyst, "/w/shop/automation/rules/evil/delete").status_code == 303
    assert "evil" not in _rules(root)


def test_documents_download_as_attachments(app: object, root: Path) -> None:
    from datetime import UTC, datetime

    from touchpath.store.automation import DocumentRow

    engine = create_engine(find_workspace(root / "shop").metadata_url)
    with Session(engine) as session, session.begin():
        session.add(
            DocumentRow(
                key="d1",
                name="Счёт № 7",
                customer_id="c9",
                html="<h1>Счёт</h1><script>alert(1)</script>",
                pdf=b"%PDF-1.7 x",
                created_at=datetime.now(UTC),
            )
        )
    engine.dispose()
    viewer = _client(app, "vic")
    page = viewer.get("/w/shop/automation").text
    assert "Счёт № 7" in page
    [doc_id] = re.findall(r"/automation/documents/(\d+)\.pdf", page)
    pdf = viewer.get(f"/w/shop/automation/documents/{doc_id}.pdf")
    assert pdf.content == b"%PDF-1.7 x"
    assert pdf.headers["content-type"] == "application/pdf"
    html = viewer.get(f"/w/shop/automation/documents/{doc_id}.html")
    assert html.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in html.headers["content-security-policy"]
    assert viewer.get("/w/shop/automation/documents/999.pdf").status_code == 404
    assert viewer.get(f"/w/shop/automation/documents/{doc_id}.exe").status_code == 404


def test_done_and_retry_buttons(app: object) -> None:
    analyst = _client(app, "ann")
    page = analyst.get("/w/shop/automation").text
    task_id = re.search(r"/automation/tasks/(\d+)/done", page).group(1)  # type: ignore[union-attr]
    assert _post(analyst, f"/w/shop/automation/tasks/{task_id}/reply").status_code == 303
    page = analyst.get("/w/shop/automation").text
    assert f"/automation/tasks/{task_id}/reply" not in page  # replied: only "done" is left
    assert f"/automation/tasks/{task_id}/done" in page
    assert _post(analyst, f"/w/shop/automation/tasks/{task_id}/done").status_code == 303
    assert f"/automation/tasks/{task_id}/done" not in analyst.get("/w/shop/automation").text
    assert _post(analyst, "/w/shop/automation/outbox/retry").status_code == 303
    assert "2 message(s) queued again." in analyst.get("/w/shop/automation").text


@pytest.fixture
def live_server(app: object) -> Iterator[str]:
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
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_screenshots_in_chromium(live_server: str, lang: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(
            viewport={"width": 1400, "height": 1000},
            locale=lang,
            extra_http_headers={"Accept-Language": lang},
        )
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", "ann")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server}/w/shop/automation")
        heading = page.locator("h1").first.inner_text()
        assert heading == ("Автоматизация" if lang == "ru" else "Automation")
        page.screenshot(path=str(ARTIFACTS / f"automation_{lang}.png"), full_page=True)
        page.goto(f"{live_server}/w/shop/automation/rules/chat_lead_callback")
        page.screenshot(path=str(ARTIFACTS / f"automation_rule_{lang}.png"), full_page=True)
        browser.close()
