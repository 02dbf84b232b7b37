"""The audits and plan pages: roles, CSRF, escaping, import through the form, in a browser.

Uses the web tests' demo group and fixtures (tests/web/conftest.py): users boss (admin),
ann (analyst) and vic (viewer) in both workspaces.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from touchpath.store import audits as store
from touchpath.store import crud
from touchpath.store.db import create_engine, session_factory
from web.conftest import (  # type: ignore[import-not-found]
    ARTIFACTS,
    PASSWORD,
    app,
    browser,
    cheap_hashing,
    client_for,
    demo_template,
    live_server,
    metadata_url,
    people,
    post,
)

__all__ = [
    "app",
    "browser",
    "cheap_hashing",
    "client_for",
    "demo_template",
    "live_server",
    "people",
]

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HOSTILE = "<script>window.hacked=1</script>Чат"


def _db(root: Path, member: str = "shop"):  # type: ignore[no-untyped-def]
    engine = create_engine(metadata_url(root, member))
    return engine, session_factory(engine)()


def count_audits(root: Path) -> int:
    engine, db = _db(root)
    try:
        return len(store.list_audits(session=db))
    finally:
        db.close()
        engine.dispose()


def test_pages_show_the_demo_audits_and_plan(client_for) -> None:  # type: ignore[no-untyped-def]
    vic = client_for("vic")
    page = vic.get("/w/shop/audits")
    assert page.status_code == 200
    assert "Онлайн-чат поддержки" in page.text and "Сеть «ТехноМаркет»" in page.text
    assert 'id="figure-radar"' in page.text and 'id="figure-heatmap"' in page.text
    assert "Трейд-ин старой техники" in page.text  # a missing touchpoint with its evidence
    assert "/audits/import" not in page.text  # a viewer gets no import form
    plan = vic.get("/w/shop/plan")
    assert plan.status_code == 200
    keys = re.findall(r"<code>((?:add|improve|audit):[a-z_]+)</code>", plan.text)
    assert set(keys[:5]) == {
        "add:trade_in",
        "add:express_delivery",
        "add:messenger_bot",
        "improve:checkout",
        "improve:support_chat",
    }
    assert 'name="owner"' not in plan.text  # a viewer cannot assign
    csv_export = vic.get("/w/shop/plan/plan.csv")
    assert csv_export.headers["content-type"].startswith("text/csv")
    assert csv_export.text.splitlines()[1].split(",")[1] == keys[0]
    assert vic.get("/w/shop/plan/plan.md").text.startswith("# Improvement plan")
    assert '2026-06-19,"Ольга Ким, CX-аналитик",ours' in vic.get("/w/shop/audits/export.csv").text


def test_roles_and_csrf(client_for, people: Path) -> None:  # type: ignore[no-untyped-def]
    vic, ann = client_for("vic"), client_for("ann")
    before = count_audits(people)
    # a viewer may not import, delete or assign
    assert post(vic, "/w/shop/audits/1/delete").status_code == 403
    assert (
        post(vic, "/w/shop/plan/item", {"key": "improve:checkout", "status": "done"}).status_code
        == 403
    )
    # an analyst without the CSRF token is refused
    response = ann.post("/w/shop/audits/1/delete", data={}, follow_redirects=False)
    assert response.status_code == 403
    response = ann.post(
        "/w/shop/plan/item",
        data={"key": "improve:checkout", "status": "done"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert count_audits(people) == before
    # with the token the analyst assigns an item; the plan keeps it
    response = post(
        ann,
        "/w/shop/plan/item",
        {"key": "improve:checkout", "owner": HOSTILE, "due": "2026-12-20", "status": "in_progress"},
    )
    assert response.status_code == 303
    page = ann.get("/w/shop/plan").text
    assert HOSTILE not in page and "&lt;script&gt;window.hacked=1&lt;/script&gt;Чат" in page
    assert (
        post(ann, "/w/shop/plan/item", {"key": "improve:nothing", "status": "done"}).status_code
        == 404
    )
    assert post(ann, "/w/shop/audits/999/delete").status_code == 404
    assert count_audits(people) == before
    assert post(ann, "/w/shop/audits/1/delete").status_code == 303
    assert count_audits(people) == before - 1
    # nobody logged in is sent to the login page
    assert client_for().get("/w/shop/audits", follow_redirects=False).status_code in (302, 303)


def test_import_through_the_form(client_for, people: Path) -> None:  # type: ignore[no-untyped-def]
    ann = client_for("ann")
    token = ann.csrf  # type: ignore[attr-defined]
    before = count_audits(people)
    bad = (
        "date,auditor,subject,touchpoint,parameter,value,evidence\n"
        f"2026-11-02,{HOSTILE},ours,support_chat,politeness,4,ok\n"
        "2026-11-02,Eve,ours,support_chat,politeness,9,too good\n"
    )
    response = ann.post(
        "/w/shop/audits/import",
        data={"csrf_token": token},
        files={"file": ("bad.csv", bad.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "bad.csv: row 3: value: 9 is outside the scale 1..5" in response.text
    assert count_audits(people) == before
    good = bad.splitlines()[0] + "\n" + bad.splitlines()[1] + "\n"
    response = ann.post(
        "/w/shop/audits/import",
        data={"csrf_token": token},
        files={"file": ("../../good.csv", good.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert count_audits(people) == before + 1
    page = ann.get("/w/shop/audits").text
    assert "good.csv: 1 audits, 1 scores imported" in page
    assert HOSTILE not in page and "&lt;script&gt;window.hacked=1&lt;/script&gt;Чат" in page
    # without the token: refused before the route runs (sent without a file: a refused
    # multipart upload leaves its temporary file to the garbage collector, see the report)
    no_token = ann.post("/w/shop/audits/import", data={"replace": "on"}, follow_redirects=False)
    assert no_token.status_code == 403
    assert count_audits(people) == before + 1


@pytest.fixture
def hostile(people: Path) -> None:
    """A competitor and a touchpoint named like markup, to see the charts keep them text."""
    engine, db = _db(people)
    try:
        cat = crud.load_catalogue(session=db)
        comp = cat.competitors[0].model_copy(
            update={"name": '<img src=x onerror="window.hacked=1">ТМ'}
        )
        tp = cat.touchpoint("support_chat").model_copy(update={"name": HOSTILE})
        cat.competitors[0] = comp
        cat.touchpoints[[t.id for t in cat.touchpoints].index("support_chat")] = tp
        crud.save_catalogue(session=db, catalogue=cat)
    finally:
        db.close()
        engine.dispose()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_pages_in_a_browser(hostile: None, live_server: str, browser, language: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="ru-RU" if language == "ru" else "en-US"
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(f"{live_server}/w/shop/audits")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server}/w/shop/audits")
    page.wait_for_selector("#chart-radar .main-svg", timeout=30_000)
    page.wait_for_selector("#chart-heatmap .main-svg", timeout=30_000)
    page.wait_for_selector("#chart-history .main-svg", timeout=30_000)
    page.screenshot(path=ARTIFACTS / f"60-audits-{language}.png", full_page=True)
    heading = page.inner_text("h1")
    assert heading == ("Аудит и конкуренты" if language == "ru" else "Audits and competitors")
    page.goto(f"{live_server}/w/shop/plan")
    page.wait_for_selector("#plan")
    first = page.inner_text("#plan tbody tr:first-child")
    assert "Трейд-ин" in first
    page.fill("#item-improve-checkout input[name=owner]", "Мария")
    page.click("#item-improve-checkout button[type=submit]")
    page.wait_for_selector("#item-improve-checkout")
    assert page.input_value("#item-improve-checkout input[name=owner]") == "Мария"
    page.screenshot(path=ARTIFACTS / f"61-plan-{language}.png", full_page=True)
    assert page.evaluate("window.hacked") is None
    assert problems == []
    context.close()


def test_the_plan_page_ranks_as_the_plan_from_the_events(client_for, people: Path) -> None:  # type: ignore[no-untyped-def]
    """The page takes its evidence from the paths and attribution pages' cached tables;
    the ranking must equal the plan computed straight from the events."""
    import csv
    import io

    from touchpath.audit.service import plan
    from touchpath.audit.signals import event_signals
    from touchpath.workspace import find_workspace

    client = client_for("vic")
    shown = list(csv.DictReader(io.StringIO(client.get("/w/shop/plan/plan.csv").text)))
    ws = find_workspace(people / "shop")
    con = ws.engine.connect(read_only=True)
    try:
        signals = event_signals(ws.engine.events(con))
    finally:
        con.disconnect()
    assert signals.attribution and signals.reach  # the demo has events and conversions
    engine, db = _db(people)
    try:
        expected = plan(session=db, signals=signals)
    finally:
        db.close()
        engine.dispose()
    assert [r["key"] for r in shown] == [i.key for i in expected]
    # the export rounds to three decimals
    assert [float(r["impact"]) for r in shown] == pytest.approx(
        [i.impact for i in expected], abs=5e-4
    )
