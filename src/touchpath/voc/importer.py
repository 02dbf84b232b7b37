"""Import survey answers and reviews (CSV, JSON Lines) into the metadata DB.

The same guarantees as the events' import (docs/import.md), in the relational store:

* **idempotent**: ``feedback_id`` is unique; a row whose id is stored already is counted as
  a duplicate and skipped, so importing a file twice adds nothing;
* **nothing lost**: a row that fails a check goes to ``feedback_quarantine`` with the file,
  its line, the source column and the reason, and its raw text;
* **one transaction**: the ledger row, the feedback and the quarantine commit together;
* **bulk**: rows are checked in Python and inserted in batches of :data:`BATCH` with one
  multi-row ``INSERT`` each (``executemany``), ids looked up per batch.

Texts without a rating get their reaction from a sentiment model
(:mod:`touchpath.voc.sentiment`) at import time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.store.feedback import (
    FeedbackImportRow,
    FeedbackQuarantineRow,
    FeedbackRow,
    InvitationRow,
)
from touchpath.store.tables import Base
from touchpath.voc.mapping import FeedbackMapping
from touchpath.voc.records import Known, RowError, check_invitation, check_row

BATCH = 5_000
"""Rows checked, classified and inserted together."""

Classify = Callable[[Sequence[str], Sequence[str | None]], Sequence[tuple[str, str | None]]]
"""Texts and their languages (None: unknown) → (reaction, detected language) per text."""


class FeedbackImportError(TouchpathError):
    """A file that cannot be read at all (missing, not CSV/JSON Lines, no header)."""


@dataclass
class Quarantined:
    line: int
    field: str | None
    reason: str
    raw: str


@dataclass
class ImportReport:
    """What one import did; ``sample`` holds the first quarantined rows."""

    import_id: int
    file: str
    format: str
    rows_read: int = 0
    rows_inserted: int = 0
    rows_duplicate: int = 0
    rows_quarantined: int = 0
    invitations: bool = False
    sample: list[Quarantined] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["sample"] = [asdict(q) for q in self.sample]
        return doc


def detect_format(path: Path, mapping: FeedbackMapping) -> str:
    if mapping.format is not None:
        return mapping.format
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    raise FeedbackImportError(
        _(
            "{file}: cannot tell the format from the name; set format: csv or jsonl in a mapping"
        ).format(file=path)
    )


def read_rows(path: Path, mapping: FeedbackMapping, fmt: str) -> Iterator[tuple[int, str, Any]]:
    """(line, raw text, dict or an error :class:`Problem`-like string) per source row."""
    raw_bytes = path.read_bytes()
    # undecodable bytes survive as surrogates: the row is quarantined, never dropped
    text = raw_bytes.decode(mapping.encoding, errors="surrogateescape")
    if text.startswith("\ufeff"):
        text = text[1:]
    if fmt == "jsonl":
        yield from _jsonl(text)
    else:
        yield from _csv(path, text, mapping.delimiter)


def _safe(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def _jsonl(text: str) -> Iterator[tuple[int, str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if _has_surrogates(line):
            yield number, _safe(line), RowError(None, _("invalid bytes for the file's encoding"))
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, line, RowError(None, _("not valid JSON: {msg}").format(msg=exc.msg))
            continue
        if not isinstance(value, dict):
            yield number, line, RowError(None, _("a line must be a JSON object"))
            continue
        yield number, line, {k: _flat(v) for k, v in value.items()}


def _flat(value: object) -> object:
    if isinstance(value, bool | dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _csv(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise FeedbackImportError(_("{file}: the file is empty").format(file=path)) from None
    except csv.Error as exc:
        raise FeedbackImportError(f"{path}:1: {exc}") from None
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        raise FeedbackImportError(_("{file}:1: repeated column names").format(file=path))
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, "", RowError(None, str(exc))
            start = reader.line_num + 1
            continue
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="").writerow(row)
        raw = out.getvalue()
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if _has_surrogates(raw):
            yield line, _safe(raw), RowError(None, _("invalid bytes for the file's encoding"))
        elif len(row) != len(header):
            yield (
                line,
                raw,
                RowError(
                    None,
                    _("wrong number of columns: {n} instead of {m}").format(
                        n=len(row), m=len(header)
                    ),
                ),
            )
        else:
            yield line, raw, dict(zip(header, row, strict=True))


def import_feedback(
    path: Path,
    *,
    session: Session,
    mapping: FeedbackMapping | None = None,
    known: Known | None = None,
    classify: Classify | None = None,
    imported_by: str | None = None,
    sample: int = 5,
    name: str | None = None,
) -> ImportReport:
    """Import one file of answers (or invitations, ``mapping.invitations``); commits.

    ``classify`` gives texts without a rating their reaction (default: the lexicon
    model of :mod:`touchpath.voc.sentiment`); ``name`` is the file name recorded in the
    ledger and quarantine (default: the path), e.g. an uploaded file's own name.
    """
    mapping = mapping or FeedbackMapping()
    known = known or Known()
    if classify is None and not mapping.invitations:
        from touchpath.voc.sentiment import classify_texts

        classify = classify_texts
    if not path.is_file():
        raise FeedbackImportError(_("{file}: no such file").format(file=path))
    fmt = detect_format(path, mapping)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    now = datetime.now(UTC)
    shown = name or str(path)
    ledger = FeedbackImportRow(
        file=shown,
        sha256=digest,
        format=fmt,
        status="running",
        rows_read=0,
        rows_inserted=0,
        rows_duplicate=0,
        rows_quarantined=0,
        mapping=mapping.model_dump_json(exclude_defaults=True),
        imported_by=imported_by,
        started_at=now,
    )
    try:
        session.add(ledger)
        session.flush()
        report = ImportReport(
            import_id=ledger.id, file=shown, format=fmt, invitations=mapping.invitations
        )
        check = check_invitation if mapping.invitations else check_row
        table = InvitationRow if mapping.invitations else FeedbackRow
        good: list[dict[str, object]] = []
        bad: list[Quarantined] = []
        seen: set[str] = set()
        for line, raw, parsed in read_rows(path, mapping, fmt):
            report.rows_read += 1
            if isinstance(parsed, RowError):
                bad.append(Quarantined(line, parsed.problem.field, parsed.problem.reason, raw))
            else:
                try:
                    record = check(parsed, mapping, known)
                except RowError as exc:
                    bad.append(Quarantined(line, exc.problem.field, exc.problem.reason, raw))
                else:
                    good.append(record)
            if len(good) >= BATCH:
                _flush(session, table, good, seen, report, ledger.id, classify, now)
                good = []
            if len(bad) >= BATCH:
                _quarantine(session, bad, report, ledger.id, shown, now, sample)
                bad = []
        _flush(session, table, good, seen, report, ledger.id, classify, now)
        _quarantine(session, bad, report, ledger.id, shown, now, sample)
        ledger.rows_read = report.rows_read
        ledger.rows_inserted = report.rows_inserted
        ledger.rows_duplicate = report.rows_duplicate
        ledger.rows_quarantined = report.rows_quarantined
        ledger.status = "done"
        ledger.finished_at = datetime.now(UTC)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report


def _flush(
    session: Session,
    table: type[FeedbackRow] | type[InvitationRow],
    records: list[dict[str, object]],
    seen: set[str],
    report: ImportReport,
    import_id: int,
    classify: Classify | None,
    now: datetime,
) -> None:
    """Insert the records whose id is new (in the DB and earlier in this file)."""
    if not records:
        return
    key = "invitation_id" if table is InvitationRow else "feedback_id"
    column = getattr(table, key)
    ids = [str(r[key]) for r in records]
    stored: set[str] = set()
    for i in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        chunk = ids[i : i + 900]
        stored.update(session.scalars(select(column).where(column.in_(chunk))))
    fresh: list[dict[str, object]] = []
    for record, rid in zip(records, ids, strict=True):
        if rid in stored or rid in seen:
            report.rows_duplicate += 1
            continue
        seen.add(rid)
        record["import_id"] = import_id
        record["created_at"] = now
        fresh.append(record)
    if table is FeedbackRow and classify is not None:
        _classify(fresh, classify)
    _insert(session, table, fresh)
    report.rows_inserted += len(fresh)


def _insert(session: Session, model: type[Base], rows: list[dict[str, object]]) -> None:
    """A Core ``executemany`` (the driver's batch insert).

    Not the ORM's bulk insert: it leaves None values out and splits a batch into one
    statement per set of present keys — thousands of round trips on PostgreSQL.
    """
    if rows:
        session.connection().execute(insert(model), rows)  # on the Connection: Core


def _classify(records: list[dict[str, object]], classify: Classify) -> None:
    todo = [r for r in records if r["reaction"] is None and r["text"]]
    if not todo:
        return
    languages = [None if r["language"] is None else str(r["language"]) for r in todo]
    results = classify([str(r["text"]) for r in todo], languages)
    for record, (reaction, language) in zip(todo, results, strict=True):
        record["reaction"] = reaction
        record["reaction_source"] = "text"
        record["language"] = record["language"] or language


def _quarantine(
    session: Session,
    rows: list[Quarantined],
    report: ImportReport,
    import_id: int,
    file: str,
    now: datetime,
    sample: int,
) -> None:
    if not rows:
        return
    _insert(
        session,
        FeedbackQuarantineRow,
        [
            {
                "import_id": import_id,
                "file": file,
                "line": q.line,
                "field": q.field,
                "reason": q.reason,
                "raw": q.raw,
                "created_at": now,
            }
            for q in rows
        ],
    )
    report.rows_quarantined += len(rows)
    room = sample - len(report.sample)
    if room > 0:
        report.sample.extend(rows[:room])
