"""Feedback import: idempotent, bad rows quarantined with file/line/field, nothing lost."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from touchpath.store.feedback import (
    FeedbackImportRow,
    FeedbackQuarantineRow,
    FeedbackRow,
    InvitationRow,
)
from touchpath.voc.importer import FeedbackImportError, import_feedback
from touchpath.voc.mapping import MappingError, parse_mapping
from touchpath.voc.records import Known, reaction_from_rating


def fake_classify(
    texts: Sequence[str], languages: Sequence[str | None]
) -> list[tuple[str, str | None]]:
    return [
        ("negative" if "bad" in t else "neutral", lang or "en")
        for t, lang in zip(texts, languages, strict=True)
    ]


KNOWN = Known(
    touchpoints={"chat": ("purchase", "online_chat"), "site": ("search", "site")},
    stages=frozenset({"purchase", "search", "after"}),
)

GOOD = """feedback_id,customer_id,ts,touchpoint,kind,score,text,language
a1,c1,2025-03-01T10:00:00+03:00,chat,nps,9,,
a2,c2,2025-03-01 12:00:00,site,csat,2,slow,en
a3,,2025-03-02T10:00:00Z,chat,text,,"bad, very bad
on two lines",
a4,c4,1740900000,,ces,6,,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(session: Session, table: type) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_a_good_file_goes_in_whole_with_catalogue_defaults(
    session: Session, tmp_path: Path
) -> None:
    path = write(tmp_path, "answers.csv", GOOD)
    report = import_feedback(path, session=session, known=KNOWN, classify=fake_classify)
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (4, 4, 0)
    rows = {r.feedback_id: r for r in session.scalars(select(FeedbackRow))}
    assert rows["a1"].reaction == "positive" and rows["a1"].reaction_source == "rating"
    assert rows["a1"].stage == "purchase" and rows["a1"].channel == "online_chat"
    # a naive time is read in the mapping's zone (UTC by default)
    assert rows["a2"].ts.replace(tzinfo=UTC) == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert rows["a1"].ts.replace(tzinfo=UTC) == datetime(2025, 3, 1, 7, tzinfo=UTC)
    assert rows["a3"].text == "bad, very bad\non two lines"
    assert (rows["a3"].reaction, rows["a3"].reaction_source) == ("negative", "text")
    assert rows["a4"].ts.replace(tzinfo=UTC) == datetime.fromtimestamp(1740900000, UTC)
    assert rows["a4"].reaction == "positive"  # CES 6 of 7


def test_a_second_import_adds_nothing(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "answers.csv", GOOD)
    import_feedback(path, session=session, known=KNOWN, classify=fake_classify)
    again = import_feedback(path, session=session, known=KNOWN, classify=fake_classify)
    assert (again.rows_inserted, again.rows_duplicate) == (0, 4)
    assert count(session, FeedbackRow) == 4
    assert count(session, FeedbackImportRow) == 2


def test_bad_rows_are_quarantined_with_line_and_field(session: Session, tmp_path: Path) -> None:
    text = (
        "feedback_id,ts,touchpoint,kind,score,text\n"
        "b1,2025-03-01T10:00:00Z,chat,nps,11,\n"  # line 2: out of scale
        "b2,yesterday,chat,nps,5,\n"  # line 3: not a time
        "b3,2025-03-01T10:00:00Z,lobby,csat,4,\n"  # line 4: unknown touchpoint
        "b4,2025-03-01T10:00:00Z,chat,csat,4\n"  # line 5: a column short
        "b5,2025-03-01T10:00:00Z,chat,survey,4,\n"  # line 6: unknown kind
        ",2025-03-01T10:00:00Z,chat,csat,4,\n"  # line 7: empty id
        "b7,2025-03-01T10:00:00Z,chat,csat,4,\n"  # line 8: good
    )
    path = write(tmp_path, "bad.csv", text)
    report = import_feedback(path, session=session, known=KNOWN, classify=fake_classify)
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (7, 1, 6)
    bad = {
        q.line: q
        for q in session.scalars(select(FeedbackQuarantineRow).order_by(FeedbackQuarantineRow.line))
    }
    assert sorted(bad) == [2, 3, 4, 5, 6, 7]
    assert (bad[2].field, bad[3].field, bad[4].field, bad[5].field) == (
        "score",
        "ts",
        "touchpoint",
        None,
    )
    assert (bad[6].field, bad[7].field) == ("kind", "feedback_id")
    assert "0–10" in bad[2].reason and "lobby" in bad[4].reason
    assert bad[5].raw == "b4,2025-03-01T10:00:00Z,chat,csat,4"
    assert all(q.file == str(path) for q in bad.values())
    # nothing lost: every data line is either stored or quarantined
    assert count(session, FeedbackRow) + count(session, FeedbackQuarantineRow) == 7


def test_invalid_bytes_are_quarantined_not_dropped(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"feedback_id,ts,kind,score\nx1,2025-01-01,nps,9\nx2,2025-01-01,nps,\xe99\n")
    report = import_feedback(path, session=session, classify=fake_classify)
    assert (report.rows_inserted, report.rows_quarantined) == (1, 1)
    [q] = session.scalars(select(FeedbackQuarantineRow))
    assert q.line == 3 and "bytes" in q.reason and q.raw.startswith("x2,")


def test_json_lines_with_a_mapping_of_a_survey_export(session: Session, tmp_path: Path) -> None:
    mapping = parse_mapping(
        "columns: {feedback_id: 'Response ID', ts: 'Submitted', score: 'Q1', text: 'Comment',"
        " touchpoint: 'Where'}\n"
        "defaults: {kind: nps, language: ru}\n"
        "values: {touchpoint: {'Чат на сайте': chat}}\n"
        "timestamp_format: '%d.%m.%Y %H:%M'\ntimezone: Europe/Moscow\n"
    )
    lines = [
        {
            "Response ID": 17,
            "Submitted": "01.03.2025 10:00",
            "Q1": 3,
            "Comment": "ждал час",
            "Where": "Чат на сайте",
        },
        {"Response ID": 18, "Submitted": "01.03.2025 11:00", "Q1": 10, "Where": "Чат на сайте"},
        "not an object",
    ]
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{broken\n"
    path = write(tmp_path, "export.jsonl", text)
    report = import_feedback(
        path, session=session, mapping=mapping, known=KNOWN, classify=fake_classify
    )
    assert (report.rows_inserted, report.rows_quarantined) == (2, 2)
    row = session.scalars(select(FeedbackRow).where(FeedbackRow.feedback_id == "17")).one()
    assert (row.touchpoint, row.kind, row.score, row.language, row.reaction) == (
        "chat",
        "nps",
        3,
        "ru",
        "negative",
    )
    assert row.ts.replace(tzinfo=UTC) == datetime(2025, 3, 1, 7, tzinfo=UTC)
    lines_bad = sorted(q.line for q in session.scalars(select(FeedbackQuarantineRow)))
    assert lines_bad == [3, 4]


def test_rows_without_ids_get_a_stable_derived_id(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "noid.csv", "ts,kind,score\n2025-01-01,csat,5\n2025-01-02,csat,1\n")
    import_feedback(path, session=session, classify=fake_classify)
    again = import_feedback(path, session=session, classify=fake_classify)
    assert again.rows_duplicate == 2 and count(session, FeedbackRow) == 2


def test_invitations_are_their_own_table(session: Session, tmp_path: Path) -> None:
    mapping = parse_mapping("invitations: true\n")
    path = write(
        tmp_path,
        "sent.csv",
        "invitation_id,ts,touchpoint\ni1,2025-01-01,chat\ni2,2025-01-01,chat\n",
    )
    report = import_feedback(path, session=session, mapping=mapping, known=KNOWN)
    assert report.rows_inserted == 2 and count(session, InvitationRow) == 2
    assert count(session, FeedbackRow) == 0


def test_unreadable_inputs_fail_in_one_line(session: Session, tmp_path: Path) -> None:
    with pytest.raises(FeedbackImportError, match="no such file"):
        import_feedback(tmp_path / "missing.csv", session=session)
    with pytest.raises(FeedbackImportError, match="format"):
        import_feedback(write(tmp_path, "x.xlsx", "a"), session=session)
    with pytest.raises(MappingError, match="timezone"):
        parse_mapping("timezone: Mars/Olympus\n")
    assert count(session, FeedbackImportRow) == 0


@pytest.mark.parametrize(
    ("kind", "score", "expected"),
    [
        ("nps", 6, "negative"),
        ("nps", 7, "neutral"),
        ("nps", 8, "neutral"),
        ("nps", 9, "positive"),
        ("csat", 2, "negative"),
        ("csat", 3, "neutral"),
        ("csat", 4, "positive"),
        ("ces", 3, "negative"),
        ("ces", 4, "neutral"),
        ("ces", 5, "positive"),
        ("stars", 1, "negative"),
    ],
)
def test_rating_thresholds(kind: str, score: int, expected: str) -> None:
    assert reaction_from_rating(kind, score) == expected


def test_a_hundred_thousand_rows_in_bulk(session: Session, tmp_path: Path, db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("one size check is enough")
    n = 100_000
    lines = ["feedback_id,ts,touchpoint,kind,score"]
    lines += [f"r{i},2025-01-{1 + i % 28:02d}T10:00:00Z,chat,nps,{i % 11}" for i in range(n)]
    path = write(tmp_path, "big.csv", "\n".join(lines) + "\n")
    import time

    start = time.perf_counter()
    report = import_feedback(path, session=session, known=KNOWN, classify=fake_classify)
    elapsed = time.perf_counter() - start
    print(f"\n100,000 feedback rows imported in {elapsed:.1f} s")
    assert report.rows_inserted == n and count(session, FeedbackRow) == n
    assert elapsed < 60


def test_a_google_forms_export_with_its_mapping(session: Session) -> None:
    from touchpath.voc.mapping import load_mapping

    folder = Path(__file__).parent / "data" / "exports"
    known = Known(
        touchpoints={"support_chat": (None, "online_chat"), "delivery": (None, "delivery")}
    )
    mapping = load_mapping(folder / "google_forms.yaml")
    report = import_feedback(
        folder / "google_forms.csv", session=session, mapping=mapping, known=known
    )
    # line 5 has no score; line 6 names a place the catalogue does not have
    assert (report.rows_read, report.rows_inserted, report.rows_quarantined) == (5, 3, 2)
    bad = {q.line: q for q in session.scalars(select(FeedbackQuarantineRow))}
    assert bad[5].field == "Насколько вероятно, что вы порекомендуете нас друзьям? (0–10)"
    assert bad[6].field == "Где вы с нами общались?" and "'phone'" in bad[6].reason
    rows = {r.customer_id: r for r in session.scalars(select(FeedbackRow))}
    ivan = rows["ivan@example.com"]
    assert (ivan.touchpoint, ivan.score, ivan.reaction, ivan.channel) == (
        "support_chat",
        3,
        "negative",
        "online_chat",
    )
    assert ivan.ts.replace(tzinfo=UTC) == datetime(
        2025, 11, 23, 8, 40, 17, tzinfo=UTC
    )  # MSK = UTC+3
    assert ivan.text == "Ждал ответа 40 минут, так и не дождался"
    assert all(r.feedback_id.startswith("h:") for r in rows.values())
    again = import_feedback(
        folder / "google_forms.csv", session=session, mapping=mapping, known=known
    )
    assert again.rows_duplicate == 3 and again.rows_inserted == 0
