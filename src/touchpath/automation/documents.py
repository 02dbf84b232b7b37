"""Documents (invoices, acts, letters) from templates: HTML, and a PDF of it via WeasyPrint.

The HTML comes out of the template sandbox with every data value escaped; WeasyPrint then
renders it with a URL fetcher that refuses everything, so a document can never pull in a
file or a URL (``<img src="file:///etc/passwd">`` renders as a missing image).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.orm import Session

from touchpath.store.automation import DocumentRow

PAGE_CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 11pt; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #999; padding: 4px 6px; text-align: left; }
"""


class DocumentError(Exception):
    pass


def wrap_html(body: str, *, title: str, language: str) -> str:
    """A complete HTML page around a rendered fragment (left as is when it is one)."""
    if "<html" in body[:500].lower():
        return body
    from html import escape

    return (
        f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{PAGE_CSS}</style></head>"
        f"<body>{body}</body></html>"
    )


def html_to_pdf(html: str) -> bytes:
    """The PDF of a page; nothing outside the page is fetched."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: loaded when used
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class NoFetch(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            raise ValueError(f"documents may not load {url[:80]}")

    fetcher = NoFetch(allowed_protocols=(), fail_on_errors=False)
    pdf = HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()
    if pdf is None:
        raise DocumentError("WeasyPrint produced no PDF")
    return bytes(pdf)


def list_documents(*, session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """The newest generated documents (without their bodies)."""
    rows = session.execute(
        sa.select(
            DocumentRow.id,
            DocumentRow.name,
            DocumentRow.customer_id,
            DocumentRow.created_at,
            DocumentRow.pdf.is_not(None).label("has_pdf"),
        )
        .order_by(DocumentRow.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "id": r.id,
            "name": r.name,
            "customer_id": r.customer_id,
            "created_at": (
                r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)
            ),
            "has_pdf": bool(r.has_pdf),
        }
        for r in rows
    ]


def get_document(*, session: Session, document_id: int) -> DocumentRow | None:
    return session.get(DocumentRow, document_id)


def file_name(row: DocumentRow, suffix: str) -> str:
    """A safe ASCII file name: ``document-<id>.<suffix>`` (names may be Cyrillic)."""
    return f"document-{row.id}.{suffix}"
