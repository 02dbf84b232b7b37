"""A real browser on a real server: log in, journey map, edit a touchpoint, go Russian.

Headless Chromium (Debian's, /usr/bin/chromium) driven by Playwright against uvicorn
serving the demo group in a thread of this process. Screenshots are kept in
``tests/web/artifacts/`` for people to look at. The page must run without a single
JavaScript error or Content-Security-Policy violation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ARTIFACTS, PASSWORD, SECRET, catalogue_of


@pytest.fixture
def server(live_server: str) -> str:
    return live_server


def test_a_marketer_walks_through_the_app(server: str, browser, people: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    # log in
    page.goto(f"{server}/w/shop/journey")
    assert page.url.startswith(f"{server}/login")
    page.screenshot(path=ARTIFACTS / "01-login.png")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/w/shop/journey")

    # the journey map: stages as columns, gaps dashed
    catalogue = catalogue_of(people, "shop")
    assert page.locator("section.stage").count() == len(catalogue.stages)
    missing = [tp for tp in catalogue.touchpoints if tp.status.value == "missing"]
    expected_gaps = sum(max(len(tp.stages), 1) for tp in missing)
    assert page.locator("article.tp-card.missing").count() == expected_gaps > 0
    border = page.locator("article.tp-card.missing").first.evaluate(
        "el => getComputedStyle(el).borderTopStyle"
    )
    assert border == "dashed"
    page.screenshot(path=ARTIFACTS / "02-journey-map.png", full_page=True)

    # the dashboard chart is drawn by the self-served plotly.js, within the CSP
    page.click("nav >> text=Dashboard")
    page.wait_for_selector("#chart-channels .main-svg")
    page.screenshot(path=ARTIFACTS / "03-dashboard.png", full_page=True)

    # edit a touchpoint from its card
    page.click("nav >> text=Journey map")
    page.click("article.tp-card >> text=Корзина")
    page.fill("input[name=owner]", "Олег Петров, менеджер сайта")
    page.check("input[name=wow]")
    page.click("form.form button.primary")
    page.wait_for_selector(".flash")
    assert "saved" in page.inner_text(".flash")
    saved = catalogue_of(people, "shop").touchpoint("cart")
    assert (saved.owner, saved.wow) == ("Олег Петров, менеджер сайта", True)
    page.screenshot(path=ARTIFACTS / "04-touchpoint-saved.png", full_page=True)

    # reorder a chain with the buttons (no script needed) and by dragging (with it)
    page.goto(f"{server}/w/shop/chains/online_delivery")
    steps = catalogue_of(people, "shop").chains[0].steps
    page.click("li.step:nth-child(3) button[value='up:2']")
    page.wait_for_selector("li.step")
    moved = next(c for c in catalogue_of(people, "shop").chains if c.id == "online_delivery")
    assert moved.steps == [steps[0], steps[2], steps[1], *steps[3:]]
    page.drag_and_drop("li.step:nth-child(1)", "li.step:nth-child(4)")
    page.wait_for_load_state("networkidle")
    dragged = next(c for c in catalogue_of(people, "shop").chains if c.id == "online_delivery")
    assert sorted(dragged.steps) == sorted(steps) and dragged.steps[0] != moved.steps[0]
    page.screenshot(path=ARTIFACTS / "05-chain-designer.png", full_page=True)

    # the funnel page draws the five stages; the audits page compares us with competitors
    page.click("nav >> text=Funnel")
    page.wait_for_selector("main table")
    assert "Not here yet" not in page.inner_text("main")
    page.screenshot(path=ARTIFACTS / "06-funnel.png", full_page=True)
    page.click("nav >> text=Audits and competitors")
    page.wait_for_selector("main table")
    assert "Not here yet" not in page.inner_text("main")
    page.screenshot(path=ARTIFACTS / "07-audits.png", full_page=True)

    # switch to Russian: the choice sticks across pages
    page.click("nav button[value=ru]")
    page.wait_for_selector("html[lang=ru]")
    page.click("nav >> text=Карта пути клиента")
    page.wait_for_selector("html[lang=ru]")
    assert "Осознание потребности" in page.inner_text("main")
    assert page.inner_text("main h1") == "Карта пути клиента"
    page.screenshot(path=ARTIFACTS / "07-journey-map-ru.png", full_page=True)
    page.goto(f"{server}/w/shop/")
    page.wait_for_selector("#chart-channels .main-svg")
    page.screenshot(path=ARTIFACTS / "08-dashboard-ru.png", full_page=True)

    assert problems == []
    context.close()


def test_the_login_is_the_only_page_without_a_session(server: str, browser) -> None:
    page = browser.new_page()
    response = page.goto(f"{server}/w/clinic/touchpoints")
    assert response is not None and page.url.startswith(f"{server}/login?next=")
    page.fill("input[name=username]", "vic")
    page.fill("input[name=password]", "wrong password")
    page.click("button.primary")
    assert "Wrong user name or password." in page.inner_text(".error")
    assert SECRET not in page.content()
    page.close()
