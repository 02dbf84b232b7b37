"""The analytics pages in a real browser: every chart drawn, nothing broken, in two languages.

Headless Chromium (Debian's, /usr/bin/chromium) driven by Playwright against uvicorn
serving the demo group, as in ``test_browser.py``. Screenshots of every page are kept in
``tests/web/artifacts/`` (``2x-*.png``) for people to look at; the pages must run without
a JavaScript error or a Content-Security-Policy violation, and a touchpoint named like a
script must stay text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from touchpath.store import crud
from touchpath.store.db import create_engine, session_factory

from .conftest import ARTIFACTS, PASSWORD, metadata_url

HOSTILE = '<img src=x onerror="window.hacked=1">Карточка товара'

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def hostile_name(people: Path) -> None:
    """The busiest touchpoint of the shop gets a name that is an HTML tag."""
    engine = create_engine(metadata_url(people, "shop"))
    try:
        with session_factory(engine)() as db:
            tp = crud.load_catalogue(session=db).touchpoint("product_page")
            crud.upsert_touchpoint(session=db, touchpoint=tp.model_copy(update={"name": HOSTILE}))
    finally:
        engine.dispose()


@pytest.fixture
def server(hostile_name: None, live_server: str) -> str:
    return live_server


def drawn(page, chart_id: str) -> None:
    """Wait until Plotly has drawn into the chart's element."""
    page.wait_for_selector(f"#{chart_id} .main-svg", timeout=30_000)


def test_every_analytics_page_draws(server: str, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))

    page.goto(f"{server}/w/shop/funnel")
    page.fill("input[name=username]", "vic")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/w/shop/funnel")

    # funnel: the five stages by default, its chart and the time to convert
    drawn(page, "chart-funnel")
    drawn(page, "chart-time")
    assert page.locator("main table.data tbody tr").count() == 5
    page.screenshot(path=ARTIFACTS / "21-funnel.png", full_page=True)

    # a breakdown by channel, chosen in the form
    page.select_option("select[name=by]", "channel")
    page.click("form.analytics-form button.primary")
    drawn(page, "chart-funnel")
    assert "by=channel" in page.url
    assert page.locator("h2", has_text="Breakdown").count() == 1
    page.screenshot(path=ARTIFACTS / "22-funnel-breakdown.png", full_page=True)

    # a bad window: the message, status 400, the form kept
    response = page.goto(f"{server}/w/shop/funnel?window=3x")
    assert response is not None and response.status == 400
    assert "Window:" in page.inner_text(".error")
    assert page.input_value("input[name=window]") == "3x"
    page.screenshot(path=ARTIFACTS / "23-funnel-bad-window.png")
    assert [p for p in problems if "400 (Bad Request)" not in p] == []
    problems.clear()  # the browser logs the 400 it was asked to fetch

    # paths: Sankey and the touchpoint map; the hostile name stays text
    page.click("nav >> text=Paths")
    drawn(page, "chart-sankey")
    drawn(page, "chart-touchpoints")
    assert HOSTILE in page.inner_text("main table.data")
    assert page.evaluate("window.hacked") is None
    assert page.locator("main img").count() == 0
    page.screenshot(path=ARTIFACTS / "24-paths.png", full_page=True)

    page.click("nav >> text=Discovered journey")
    drawn(page, "chart-graph")
    drawn(page, "chart-conformance")
    page.screenshot(path=ARTIFACTS / "25-journey-graph.png", full_page=True)

    page.click("nav >> text=Attribution")
    drawn(page, "chart-attribution")
    page.screenshot(path=ARTIFACTS / "26-attribution.png", full_page=True)

    page.click("nav >> text=Retention")
    drawn(page, "chart-rates")
    drawn(page, "chart-cohorts")
    drawn(page, "chart-segments")
    page.screenshot(path=ARTIFACTS / "27-retention.png", full_page=True)

    # in Russian: labels, numbers and charts
    page.click("nav button[value=ru]")
    page.wait_for_selector("html[lang=ru]")
    page.click("nav >> text=Воронка")
    drawn(page, "chart-funnel")
    assert page.inner_text("main h1") == "Воронка"
    assert "Осознание потребности" in page.inner_text("main table.data")
    page.screenshot(path=ARTIFACTS / "28-funnel-ru.png", full_page=True)
    page.click("nav >> text=Удержание")
    drawn(page, "chart-cohorts")
    page.screenshot(path=ARTIFACTS / "29-retention-ru.png", full_page=True)

    assert page.evaluate("window.hacked") is None
    assert problems == []
    context.close()
