"""The "voice" page: KPIs with intervals, charts, alerts, import (analyst, CSRF), EN and RU."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from web.conftest import ARTIFACTS, post

Client = Callable[..., object]


def test_the_page_shows_kpis_charts_and_alerts(client_for: Client) -> None:
    client = client_for("vic")
    page = client.get("/w/shop/voice")  # type: ignore[attr-defined]
    assert page.status_code == 200
    text = page.text
    assert 'id="kpis"' in text and "NPS [95%]" in text
    for chart in ("chart-reactions", "chart-nps", "chart-trend"):
        assert chart in text
    assert "Онлайн-чат поддержки" in text  # catalogue names, not ids
    assert 'id="alerts"' in text and "many negative reactions" in text
    assert 'action="/w/shop/voice/import"' not in text  # a viewer cannot import


def test_bad_parameters_are_one_line_400(client_for: Client) -> None:
    client = client_for("vic")
    page = client.get("/w/shop/voice?by=colour&period=<script>")  # type: ignore[attr-defined]
    assert page.status_code == 400
    assert "colour" in page.text and "<script>" not in page.text


def test_an_analyst_imports_a_file_with_a_bad_row(client_for: Client, tmp_path: Path) -> None:
    client = client_for("ann")
    body = (
        "feedback_id,ts,touchpoint,kind,score,text\n"
        "w1,2025-06-01T10:00:00Z,checkout,nps,2,<b>bad</b>\n"
        "w2,2025-06-01,checkout,nps,11,\n"
    )
    token = client.csrf  # type: ignore[attr-defined]
    response = client.post(  # type: ignore[attr-defined]
        "/w/shop/voice/import",
        data={"csrf_token": token},
        files={"file": ("survey.csv", body.encode(), "text/csv")},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "survey.csv: 2 rows read, 1 imported, 0 duplicates, 1 quarantined" in response.text
    assert "survey.csv:3: score:" in response.text
    assert "<b>bad</b>" not in response.text  # the raw row is shown as text, escaped


def test_import_needs_the_analyst_role_and_csrf(client_for: Client) -> None:
    # no file is sent: the role and the token are checked before the upload is read
    viewer = client_for("vic")
    denied = post(viewer, "/w/shop/voice/import")  # type: ignore[arg-type]
    assert denied.status_code == 403
    analyst = client_for("ann")
    forged = analyst.post(  # type: ignore[attr-defined]
        "/w/shop/voice/import", data={"csrf_token": "forged"}, follow_redirects=False
    )
    assert forged.status_code in (400, 403)
    empty = post(analyst, "/w/shop/voice/import")  # type: ignore[arg-type]
    assert empty.status_code == 400 and "Choose a .csv or .jsonl file" in empty.text


def test_an_analyst_acknowledges_an_alert(client_for: Client) -> None:
    client = client_for("ann")
    page = client.get("/w/shop/voice").text  # type: ignore[attr-defined]
    import re

    alert_id = re.search(r"/w/shop/voice/alerts/(\d+)", page)
    assert alert_id
    response = post(client, f"/w/shop/voice/alerts/{alert_id.group(1)}", {"status": "acknowledged"})  # type: ignore[arg-type]
    assert response.status_code == 303
    assert "acknowledged" in client.get("/w/shop/voice").text  # type: ignore[attr-defined]
    bad = post(client, f"/w/shop/voice/alerts/{alert_id.group(1)}", {"status": "deleted"})  # type: ignore[arg-type]
    assert bad.status_code == 400


@pytest.mark.parametrize("language", ["en", "ru"])
def test_screenshot_in_chromium(live_server: str, browser: object, language: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=language)  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.goto(f"{live_server}/w/shop/voice?lang={language}")
    page.wait_for_selector("#chart-trend .main-svg", timeout=20_000)
    page.wait_for_selector("#chart-reactions .main-svg", timeout=20_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"60-voice-{language}.png", full_page=True)
    heading = page.inner_text("h1")
    assert heading == ("Голос клиента" if language == "ru" else "Voice of the customer")
    assert problems == []
    context.close()


def test_chart_labels_of_unknown_groups_are_plain_text() -> None:
    from touchpath.web.routes.voice import _shown

    assert _shown({}, "<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert _shown({"chat": "Чат"}, "chat") == "Чат"
    assert _shown({}, None) == "—"


def test_without_feedback_the_page_says_how_to_add_it(client_for: Client, people: Path) -> None:
    from sqlalchemy import delete

    from touchpath.store.db import create_engine, session_factory
    from touchpath.store.feedback import AlertRow, FeedbackRow
    from touchpath.workspace import find_workspace

    engine = create_engine(find_workspace(people / "clinic").metadata_url)
    with session_factory(engine)() as session:
        session.execute(delete(FeedbackRow))
        session.execute(delete(AlertRow))
        session.commit()
    engine.dispose()
    page = client_for("vic").get("/w/clinic/voice")  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert "No feedback yet" in page.text and "touchpath feedback import" in page.text
    assert "chart-trend" not in page.text and "No alerts" in page.text
