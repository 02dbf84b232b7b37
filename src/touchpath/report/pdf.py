"""The PDF of a report: the HTML report printed by headless Chromium.

Chromium draws the Plotly charts exactly as a browser shows them, so the PDF and the
HTML file are the same report. Playwright drives the system's Chromium (it never
downloads a browser); ``TOUCHPATH_CHROMIUM`` or ``chromium=`` names another binary. The
page is loaded from a file with every network request refused, and printed once the
charts report that they are drawn.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from touchpath.errors import TouchpathError
from touchpath.i18n import _

DEFAULT_CHROMIUM = "/usr/bin/chromium"
READY_TIMEOUT_MS = 120_000


class PdfError(TouchpathError):
    """The PDF cannot be made here (no Chromium, no Playwright) or printing failed."""


def find_chromium(chromium: str | Path | None = None) -> str:
    """The Chromium binary to print with: the argument, ``TOUCHPATH_CHROMIUM``, or the system's."""
    candidates = [
        str(chromium) if chromium else None,
        os.environ.get("TOUCHPATH_CHROMIUM"),
        DEFAULT_CHROMIUM,
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise PdfError(
        _(
            "a PDF needs Chromium: install it (apt-get install chromium) or set "
            "TOUCHPATH_CHROMIUM to its path; the HTML report needs nothing"
        )
    )


def html_to_pdf(html_file: Path, pdf_file: Path, *, chromium: str | Path | None = None) -> None:
    """Print ``html_file`` (a self-contained report) to ``pdf_file`` in A4."""
    binary = find_chromium(chromium)
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dependency
        raise PdfError(_("a PDF needs the playwright package: pip install playwright")) from None
    partial = pdf_file.with_name(pdf_file.name + ".partial")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=binary, args=["--no-sandbox"])
            try:
                page = browser.new_page()
                page.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith(("file:", "data:", "blob:"))
                        else route.abort()
                    ),
                )
                page.goto(html_file.resolve().as_uri())
                page.wait_for_selector("body[data-ready='1']", timeout=READY_TIMEOUT_MS)
                page.emulate_media(media="print")
                page.pdf(path=str(partial), format="A4", print_background=True)
            finally:
                browser.close()
    except PlaywrightError as exc:
        partial.unlink(missing_ok=True)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PdfError(
            _("Chromium could not print the report: {error}").format(error=first)
        ) from None
    partial.replace(pdf_file)
