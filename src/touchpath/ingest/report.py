"""What one import did: counts, and the first quarantined rows' reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ImportReport", "QuarantinedRow"]


@dataclass(frozen=True)
class QuarantinedRow:
    """One quarantined row, as shown in the report: where, which field, why."""

    line: int | None
    field: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class ImportReport:
    """The outcome of :func:`touchpath.ingest.import_events`.

    ``imported + duplicates + quarantined == rows_read`` always holds: every source row
    is either stored, recognised as already stored, or kept in quarantine with its reason.

    >>> r = ImportReport(1, "a.csv", "csv", rows_read=3, imported=2, duplicates=0, quarantined=1)
    >>> r.to_json()["imported"]
    2
    """

    import_id: int
    source: str
    format: str
    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    quarantined: int = 0
    quarantine_sample: list[QuarantinedRow] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The documented JSON of ``touchpath import --json`` (docs/import.md)."""
        return {
            "import_id": self.import_id,
            "source": self.source,
            "format": self.format,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "quarantine_sample": [row.to_json() for row in self.quarantine_sample],
            "seconds": round(self.seconds, 3),
        }
