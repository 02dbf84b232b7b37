"""Audit files people fill in a spreadsheet (CSV) or by hand (YAML), read and written.

CSV: one row per score, columns :data:`CSV_COLUMNS` (``date``, ``auditor``, ``subject``,
``touchpoint``, ``parameter`` required); rows with the same date, auditor and subject form
one audit. YAML: ``audits: [{date, auditor, subject, notes, scores: [{touchpoint,
parameter, value, evidence, link}]}]``.

Every row is checked against the catalogue and the checklists before anything is stored:
unknown touchpoints, subjects and parameters, values outside their scale, links that are not
``http(s)://`` and duplicate rows are errors naming the file, the row and the field. The
whole file is refused on the first error (:class:`AuditFileError`), so a file goes in whole
or not at all.

>>> from touchpath.demo.generate import load_catalogue
>>> cat = load_catalogue("shop")
>>> head = "date,auditor,subject,touchpoint,parameter,value\\n"
>>> read_audit_csv(head + "2026-09-01,Ann,ours,cart,convenience,9", catalogue=cat, filename="a.csv")
Traceback (most recent call last):
...
touchpath.audit.io.AuditFileError: a.csv: row 2: value: 9 is outside the scale 1..5
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from touchpath.audit.model import OURS, Audit, Score
from touchpath.catalogue.checklists import ChecklistError, Checklists, Parameter
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.model import Catalogue, Status
from touchpath.safe_yaml import load_bounded

CSV_COLUMNS = [
    "date",
    "auditor",
    "subject",
    "touchpoint",
    "parameter",
    "value",
    "evidence",
    "link",
    "notes",
]
REQUIRED = ("date", "auditor", "subject", "touchpoint", "parameter")
MAX_TEXT = 5000


class AuditFileError(TouchpathError):
    """A row of an audit file is wrong; ``str()`` is ``"<file>: row <n>: <field>: <message>"``."""

    def __init__(self, file: str, row: str, field: str, message: str) -> None:
        self.file, self.row, self.field, self.message = file, row, field, message
        super().__init__(f"{file}: {row}: {field}: {message}")


class _Checker:
    """Validates cells against the catalogue and checklists, remembering what it has seen."""

    def __init__(self, catalogue: Catalogue, checklists: Checklists, filename: str) -> None:
        self.catalogue = catalogue
        self.checklists = checklists
        self.file = filename
        self.touchpoints = {t.id: t for t in catalogue.touchpoints}
        self.subjects = {OURS} | {c.id for c in catalogue.competitors}
        self.seen: dict[tuple[dt.date, str, str, str, str], str] = {}

    def fail(self, row: str, field: str, message: str) -> AuditFileError:
        return AuditFileError(self.file, row, field, message)

    def text(self, row: str, field: str, raw: Any, *, required: bool) -> str | None:
        value = "" if raw is None else str(raw).strip()
        if not value:
            if required:
                raise self.fail(row, field, _("is empty"))
            return None
        if len(value) > MAX_TEXT:
            raise self.fail(row, field, _("longer than {n} characters").format(n=MAX_TEXT))
        return value

    def date(self, row: str, raw: Any) -> dt.date:
        if isinstance(raw, dt.date):
            return raw
        text = self.text(row, "date", raw, required=True)
        try:
            return dt.date.fromisoformat(str(text))
        except ValueError:
            raise self.fail(
                row, "date", _("{value!r} is not a date YYYY-MM-DD").format(value=text)
            ) from None

    def subject(self, row: str, raw: Any) -> str:
        value = str(self.text(row, "subject", raw, required=True))
        if value not in self.subjects:
            raise self.fail(
                row,
                "subject",
                _("unknown subject {value!r}: use ours or a competitor ({known})").format(
                    value=value, known=", ".join(sorted(self.subjects - {OURS})) or "—"
                ),
            )
        return value

    def score(self, row: str, subject: str, cells: Mapping[str, Any]) -> Score:
        tp_id = str(self.text(row, "touchpoint", cells.get("touchpoint"), required=True))
        touchpoint = self.touchpoints.get(tp_id)
        if touchpoint is None:
            raise self.fail(
                row, "touchpoint", _("unknown touchpoint {value!r}").format(value=tp_id)
            )
        if subject == OURS and touchpoint.status is Status.MISSING:
            raise self.fail(
                row,
                "touchpoint",
                _(
                    "we do not have {value!r} (its status is missing): audit it at a competitor"
                ).format(value=tp_id),
            )
        param_id = str(self.text(row, "parameter", cells.get("parameter"), required=True))
        parameter = self._parameter(row, touchpoint.channel.value, param_id)
        try:
            value = parameter.parse(cells.get("value"))
        except ChecklistError as exc:
            raise self.fail(row, "value", str(exc)) from None
        link = self.text(row, "link", cells.get("link"), required=False)
        if link is not None and not link.lower().startswith(("http://", "https://")):
            raise self.fail(row, "link", _("a link starts with http:// or https://"))
        return Score(
            touchpoint=tp_id,
            parameter=param_id,
            value=value,
            evidence=self.text(row, "evidence", cells.get("evidence"), required=False),
            link=link,
        )

    def unique(self, row: str, when: dt.date, auditor: str, subject: str, score: Score) -> None:
        key = (when, auditor, subject, score.touchpoint, score.parameter)
        if key in self.seen:
            raise self.fail(
                row,
                "parameter",
                _(
                    "duplicate of {other}: {touchpoint}/{parameter} scored twice in one audit"
                ).format(
                    other=self.seen[key], touchpoint=score.touchpoint, parameter=score.parameter
                ),
            )
        self.seen[key] = row

    def _parameter(self, row: str, channel: str, param_id: str) -> Parameter:
        try:
            return self.checklists.parameter(channel, param_id)
        except KeyError:
            known = ", ".join(p.id for p in self.checklists.for_channel(channel))
            raise self.fail(
                row,
                "parameter",
                _("{value!r} is not on the {channel} checklist ({known})").format(
                    value=param_id, channel=channel, known=known
                ),
            ) from None


def read_audit_csv(
    text: str, *, catalogue: Catalogue, checklists: Checklists | None = None, filename: str
) -> list[Audit]:
    """Audits from CSV text (comma or semicolon separated); see the module docstring."""
    checker = _Checker(catalogue, _lists(checklists), filename)
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    for column in REQUIRED:
        if column not in header:
            raise checker.fail(
                "row 1", column, _("the header has no column {column!r}").format(column=column)
            )
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise checker.fail(
            "row 1",
            unknown[0],
            _("unknown column; expected {columns}").format(columns=", ".join(CSV_COLUMNS)),
        )
    reader.fieldnames = header
    groups: dict[tuple[dt.date, str, str], list[Score]] = {}
    notes: dict[tuple[dt.date, str, str], str | None] = {}
    for number, cells in enumerate(reader, start=2):
        row = _("row {n}").format(n=number)
        if None in cells:
            raise checker.fail(row, "—", _("more cells than columns"))
        if not any((v or "").strip() for v in cells.values()):
            continue
        when = checker.date(row, cells.get("date"))
        auditor = str(checker.text(row, "auditor", cells.get("auditor"), required=True))
        subject = checker.subject(row, cells.get("subject"))
        score = checker.score(row, subject, cells)
        checker.unique(row, when, auditor, subject, score)
        key = (when, auditor, subject)
        groups.setdefault(key, []).append(score)
        note = checker.text(row, "notes", cells.get("notes"), required=False)
        if notes.get(key) is None:
            notes[key] = note
    if not groups:
        raise checker.fail("row 2", "—", _("the file has no scores"))
    return [Audit(k[0], k[1], k[2], notes.get(k), tuple(v)) for k, v in groups.items()]


def read_audit_yaml(
    text: str, *, catalogue: Catalogue, checklists: Checklists | None = None, filename: str
) -> list[Audit]:
    """Audits from YAML text; rows are named like ``audits[0].scores[3]``."""
    checker = _Checker(catalogue, _lists(checklists), filename)
    try:
        doc = load_bounded(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line {n}").format(n=mark.line + 1) if mark is not None else "—"
        raise checker.fail(where, "—", _("not valid YAML")) from None
    items = doc.get("audits") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise checker.fail("document", "audits", _("expected a list of audits"))
    audits: list[Audit] = []
    for i, item in enumerate(items):
        row = f"audits[{i}]"
        if not isinstance(item, dict):
            raise checker.fail(row, "—", _("expected a mapping"))
        extra = set(item) - {"date", "auditor", "subject", "notes", "scores"}
        if extra:
            raise checker.fail(row, sorted(map(str, extra))[0], _("unknown field"))
        when = checker.date(row, item.get("date"))
        auditor = str(checker.text(row, "auditor", item.get("auditor"), required=True))
        subject = checker.subject(row, item.get("subject"))
        raw_scores = item.get("scores")
        if not isinstance(raw_scores, list) or not raw_scores:
            raise checker.fail(row, "scores", _("expected a list of scores"))
        scores: list[Score] = []
        for j, cells in enumerate(raw_scores):
            srow = f"{row}.scores[{j}]"
            if not isinstance(cells, dict):
                raise checker.fail(srow, "—", _("expected a mapping"))
            extra = set(cells) - {"touchpoint", "parameter", "value", "evidence", "link"}
            if extra:
                raise checker.fail(srow, sorted(map(str, extra))[0], _("unknown field"))
            score = checker.score(srow, subject, cells)
            checker.unique(srow, when, auditor, subject, score)
            scores.append(score)
        notes = checker.text(row, "notes", item.get("notes"), required=False)
        audits.append(Audit(when, auditor, subject, notes, tuple(scores)))
    return audits


def read_audit_file(
    name: str, data: bytes, *, catalogue: Catalogue, checklists: Checklists | None = None
) -> list[Audit]:
    """A file by its extension: ``.csv``, or ``.yaml``/``.yml``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AuditFileError(name, "—", "—", _("not UTF-8 text")) from None
    lower = name.lower()
    if lower.endswith(".csv"):
        return read_audit_csv(text, catalogue=catalogue, checklists=checklists, filename=name)
    if lower.endswith((".yaml", ".yml")):
        return read_audit_yaml(text, catalogue=catalogue, checklists=checklists, filename=name)
    raise AuditFileError(name, "—", "—", _("expected a .csv, .yaml or .yml file"))


def write_audit_csv(
    audits: Iterable[Audit], *, catalogue: Catalogue, checklists: Checklists | None = None
) -> str:
    """CSV that :func:`read_audit_csv` reads back to the same audits."""
    lists = _lists(checklists)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for audit in audits:
        for i, s in enumerate(audit.scores):
            writer.writerow(
                [
                    audit.date.isoformat(),
                    audit.auditor,
                    audit.subject,
                    s.touchpoint,
                    s.parameter,
                    _cell(s, catalogue, lists),
                    s.evidence or "",
                    s.link or "",
                    (audit.notes or "") if i == 0 else "",
                ]
            )
    return buffer.getvalue()


def write_audit_yaml(
    audits: Iterable[Audit], *, catalogue: Catalogue, checklists: Checklists | None = None
) -> str:
    """YAML that :func:`read_audit_yaml` reads back to the same audits."""
    lists = _lists(checklists)
    doc: dict[str, Any] = {"audits": []}
    for audit in audits:
        item: dict[str, Any] = {
            "date": audit.date.isoformat(),
            "auditor": audit.auditor,
            "subject": audit.subject,
        }
        if audit.notes:
            item["notes"] = audit.notes
        scores: list[dict[str, Any]] = []
        for s in audit.scores:
            cell: dict[str, Any] = {"touchpoint": s.touchpoint, "parameter": s.parameter}
            value = _cell(s, catalogue, lists)
            cell["value"] = value if value == "" or not _is_number(value) else float(value)
            if cell["value"] == "":
                cell["value"] = None
            if s.evidence:
                cell["evidence"] = s.evidence
            if s.link:
                cell["link"] = s.link
            scores.append(cell)
        item["scores"] = scores
        doc["audits"].append(item)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def _cell(score: Score, catalogue: Catalogue, checklists: Checklists) -> str:
    if score.value is None:
        return ""
    try:
        channel = catalogue.touchpoint(score.touchpoint).channel
        scale = checklists.parameter(channel, score.parameter).scale
    except KeyError:
        scale = "measured"
    if scale == "yes_no":
        return "yes" if score.value >= 0.5 else "no"
    return f"{score.value:g}" if abs(score.value) < 1e15 else repr(score.value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _lists(checklists: Checklists | None) -> Checklists:
    if checklists is not None:
        return checklists
    from touchpath.catalogue.checklists import default_checklists

    return default_checklists()
