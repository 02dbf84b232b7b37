"""The report: its numbers against independent counts, escaping, offline HTML, a real PDF."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from cli_support import demo_shop, run
from touchpath.bootstrap import init_workspace, load_catalogue
from touchpath.model import Catalogue
from touchpath.report import make_report
from touchpath.workspace import find_workspace

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "web" / "artifacts"


def need(tool: str) -> str:
    """A system program the test drives; CI installs it (Makefile), so there it must exist."""
    found = shutil.which(tool) or (
        str(CHROMIUM) if tool == "chromium" and CHROMIUM.exists() else None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed (make test installs it)")
        pytest.skip(f"{tool} is not installed")
    return found


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_shop(tmp_path_factory.mktemp("report"), customers=600, seed=5)


@pytest.fixture(scope="module")
def html_report(shop: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    code, _out, err = run("--workspace", str(shop), "report", "-o", str(out))
    assert code == 0, err
    return out


def counts(shop: Path) -> dict[str, int]:
    """The headline figures straight from the events file, without touchpath."""
    with duckdb.connect(str(shop / "events.duckdb"), read_only=True) as con:
        row = con.execute(
            "SELECT count(*), count(DISTINCT customer_id), "
            "count(DISTINCT customer_id) FILTER (WHERE is_conversion) FROM events"
        ).fetchone()
    assert row is not None
    return {"events": row[0], "customers": row[1], "converted": row[2]}


def text_of(html: str) -> str:
    body = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("\xa0", " ")


def test_html_report_holds_every_section_with_the_right_numbers(
    shop: Path, html_report: Path
) -> None:
    html = html_report.read_text(encoding="utf-8")
    text = text_of(html)
    catalogue = load_catalogue(find_workspace(shop))
    assert catalogue.business in text
    for title in (
        "At a glance",
        "Touchpoint catalogue",
        "Journey map",
        "Funnel by journey stage",
        "Discovered journey",
        "Attribution: which channels earn the conversions",
        "Audits against competitors",
        "Customer feedback",
        "Improvement plan",
    ):
        assert f">{title}</h2>" in html, title
    c = counts(shop)
    for figure in (c["events"], c["customers"], c["converted"]):
        assert f"{figure:,}" in text
    # every touchpoint of the catalogue is in the catalogue table and on the map
    for tp in catalogue.touchpoints:
        assert html.count(f">{tp.name}") >= 2 or html.count(tp.name) >= 2, tp.name
    # the demo shop was built with a weak support chat and checkout: both lead the plan's
    # touchpoint items, and the missing trade-in (competitors have it) is proposed
    plan = text.split("Improvement plan", 1)[1]
    assert "Трейд-ин старой техники" in plan
    assert "Онлайн-чат поддержки" in plan and "Оформление и оплата заказа" in plan


def test_attribution_shares_sum_to_one_per_model(html_report: Path) -> None:
    html = html_report.read_text(encoding="utf-8")
    section = html.split('id="attribution"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>[^<]*</td>(.*?)</tr>", section, flags=re.S)
    cells = [re.findall(r'<td class="n">([\d.,]+)%</td>', r) for r in rows]
    assert cells and all(len(r) == 4 for r in cells)
    for model in range(4):
        total = sum(float(r[model].replace(",", "")) for r in cells)
        assert total == pytest.approx(100.0, abs=0.1 * len(cells))


def test_user_text_is_escaped(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    ws = init_workspace(tmp_path / "ws", catalogue=Catalogue(business=hostile))
    html = make_report(ws)
    assert hostile not in html
    assert "&lt;script&gt;alert(" in html
    # no events: the data sections say so instead of leaving a hole
    assert html.count("No events in this workspace yet") >= 3


def test_bad_output_and_language_are_one_line_errors(shop: Path, tmp_path: Path) -> None:
    code, out, err = run("--workspace", str(shop), "report", "-o", str(tmp_path / "r.docx"))
    assert code != 0 and "r.docx" in err and "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1
    code, _out, err = run(
        "--workspace", str(shop), "report", "-o", str(tmp_path / "r.html"), "--lang", "de"
    )
    assert code != 0 and "'de'" in err
    assert not (tmp_path / "r.html").exists()


def test_html_report_opens_offline_in_chromium(html_report: Path) -> None:
    need("chromium")
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda r: requested.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(html_report.as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=60_000)
            drawn = page.locator(".js-plotly-plot").count()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report-en.png"), full_page=True)
        finally:
            browser.close()
    blocks = html_report.read_text(encoding="utf-8").count('<script type="application/json"')
    assert errors == []
    assert drawn == blocks >= 6  # funnel, journey, attribution, radar, heatmap, reactions
    assert requested and all(u.startswith("file:") for u in requested), requested


def test_pdf_report_in_russian_has_content_on_every_page(shop: Path, tmp_path: Path) -> None:
    need("chromium")
    need("pdftoppm")
    out = tmp_path / "отчёт.pdf"
    code, stdout, err = run(
        "--workspace", str(shop), "report", "-o", str(out), "--lang", "ru", "--json"
    )
    assert code == 0, err
    assert json.loads(stdout) == {"output": str(out), "format": "pdf", "language": "ru"}
    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    from PIL import Image

    for png in pages:
        gray = Image.open(png).convert("L")
        dark = sum(gray.histogram()[:200])
        assert dark / (gray.width * gray.height) > 0.01, f"{png.name} is blank"
    text = subprocess.run(
        ["pdftotext", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Карта пути клиента" in text
    assert "Атрибуция" in text


def test_the_report_works_on_a_spark_workspace_too(tmp_path: Path, spark_session: object) -> None:
    from touchpath.bootstrap import build_demo

    (ws,) = build_demo(
        tmp_path / "demo", customers=150, seed=3, businesses=["shop"], engine="spark"
    )
    html = make_report(ws)
    assert "Funnel by journey stage" in html
    assert "No events in this workspace yet" not in html
