"""The report page offers the report as HTML and PDF, in English and Russian, to viewers."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CHROMIUM


def test_viewer_downloads_the_html_report_in_russian(client_for) -> None:
    viewer = client_for("vic")
    page = viewer.get("/w/shop/report")
    assert page.status_code == 200
    assert 'href="/w/shop/report.pdf?lang=ru"' in page.text
    got = viewer.get("/w/shop/report.html?lang=ru")
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="touchpath-shop-ru.html"'
    assert "Карта пути клиента" in got.text and "Воронка по этапам пути" in got.text
    # the other workspace of the group stays closed to a user who has no account there
    assert client_for("alice").get("/w/clinic/report.html").status_code == 404
    assert client_for().get("/w/shop/report.html", follow_redirects=False).status_code == 303
    assert viewer.get("/w/shop/report.docx").status_code == 404


def test_the_pdf_download_is_a_pdf(client_for) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed")
    got = client_for("vic").get("/w/shop/report.pdf?lang=en")
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF")


def test_a_missing_chromium_is_explained(
    client_for, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("touchpath.report.pdf.DEFAULT_CHROMIUM", str(tmp_path / "none"))
    monkeypatch.setattr("touchpath.report.pdf.shutil.which", lambda _name: None)
    monkeypatch.delenv("TOUCHPATH_CHROMIUM", raising=False)
    got = client_for("vic").get("/w/shop/report.pdf")
    assert got.status_code == 503
    assert "a PDF needs Chromium" in got.text
