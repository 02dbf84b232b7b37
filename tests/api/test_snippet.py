"""The JavaScript snippet in headless Chromium: a page on another origin sends its events.

The test page is served by a plain HTTP server on one port, touchpath (web app + API) by
uvicorn on another, so the snippet's requests are cross-origin as on a real site.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from touchpath.ingest import staging
from touchpath.web import create_app
from touchpath.web.api import mount_api

from .conftest import SECRET, Keys

CHROMIUM = Path("/usr/bin/chromium")

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Shop — home</title></head>
<body>
  <a id="promo" href="#promo" data-tp-touchpoint="banner_ad">Spring sale</a>
  <button id="ignored" data-tp-ignore>Not tracked</button>
  <form id="order" action="/thanks.html" method="get" data-tp-conversion
        data-tp-touchpoint="checkout">
    <input name="phone" value="+7 900 000-00-00"><button id="send">Order</button>
  </form>
  <script src="{api}/static/collector.js" data-endpoint="{api}/api/v1/w/shop/collect"
          data-key="{key}" data-touchpoint="product_page" data-flush-ms="300"></script>
</body></html>
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def touchpath_server(site: tuple[Path, Keys]) -> Iterator[str]:
    app = create_app(site[0], secret=SECRET)
    mount_api(app, merger=False)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "touchpath did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def site_server(tmp_path: Path, touchpath_server: str, keys: Keys) -> Iterator[str]:
    folder = tmp_path / "www"
    folder.mkdir()
    page = PAGE.format(api=touchpath_server, key=keys[("shop", "collector")])
    (folder / "index.html").write_text(page, encoding="utf-8")
    (folder / "thanks.html").write_text("<!doctype html><title>Thanks</title>ok", "utf-8")
    (folder / "favicon.ico").write_bytes(b"")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def staged(root: Path) -> list[dict[str, Any]]:
    path = staging.staging_path(root / "shop")
    if not path.exists():
        return []
    con = staging.connect(path)
    try:
        rows = con.execute("SELECT payload FROM staged ORDER BY seq").fetchall()
        return [json.loads(line) for (payload,) in rows for line in payload.splitlines()]
    finally:
        con.close()


def wait_for(root: Path, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        found = staged(root)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_page_views_clicks_and_form_submissions_reach_the_collector(
    site: tuple[Path, Keys], site_server: str
) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed")
        pytest.skip("Chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    root = site[0]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{site_server}/index.html?utm_source=newsletter&utm_medium=email")
            first = wait_for(root, 1)
            assert [e["event_name"] for e in first] == ["page_view"]
            page.click("#promo")
            page.click("#ignored")
            page.click("#send")  # submits the form: the page goes to thanks.html
            page.wait_for_url("**/thanks.html**")
            events = wait_for(root, 4)
            cookie = {c["name"]: c["value"] for c in page.context.cookies()}["tp_cid"]
        finally:
            browser.close()
    assert not errors, errors
    names = [e["event_name"] for e in events]
    assert sorted(names) == ["click", "click", "form_submit", "page_view"]  # button #send too
    assert {e["customer_id"] for e in events} == {cookie}
    assert len({e["event_id"] for e in events}) == 4
    view = next(e for e in events if e["event_name"] == "page_view")
    assert (view["source"], view["medium"]) == ("newsletter", "email")
    assert view["touchpoint"] == "product_page"
    assert view["attributes"]["page_title"] == "Shop — home"
    promo = next(e for e in events if e["attributes"].get("element_id") == "promo")
    assert promo["touchpoint"] == "banner_ad" and promo["attributes"]["text"] == "Spring sale"
    form = next(e for e in events if e["event_name"] == "form_submit")
    assert form["is_conversion"] is True and form["touchpoint"] == "checkout"
    assert "+7 900" not in json.dumps(events)  # typed values are never sent
