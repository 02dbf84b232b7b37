"""Audit files in and out, and the audit tables on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.orm import Session

from touchpath.audit.io import (
    AuditFileError,
    read_audit_csv,
    read_audit_file,
    read_audit_yaml,
    write_audit_csv,
    write_audit_yaml,
)
from touchpath.store import audits as store
from touchpath.store import migrate
from touchpath.store.db import create_engine
from touchpath.store.tables import Base

from .conftest import AUDIT_CSV, tiny_catalogue, tiny_checklists

HEADER = "date,auditor,subject,touchpoint,parameter,value,evidence,link,notes\n"


def read(text: str, name: str = "a.csv") -> list:  # type: ignore[type-arg]
    return read_audit_file(
        name, text.encode(), catalogue=tiny_catalogue(), checklists=tiny_checklists()
    )


def test_csv_groups_rows_into_audits() -> None:
    audits = read(AUDIT_CSV)
    assert [(a.date, a.auditor, a.subject, len(a.scores)) for a in audits] == [
        (date(2026, 1, 10), "Ann", "ours", 3),
        (date(2026, 3, 1), "Ann", "ours", 3),
        (date(2026, 2, 1), "Bob", "rival", 6),
    ]
    assert audits[0].notes == "first walk"
    assert audits[0].scores[2].value == 0.0  # "no"
    assert audits[1].scores[1].value is None  # left empty: not checked


def test_csv_and_yaml_round_trip() -> None:
    cat, lists = tiny_catalogue(), tiny_checklists()
    audits = read(AUDIT_CSV)
    csv_text = write_audit_csv(audits, catalogue=cat, checklists=lists)
    assert read_audit_csv(csv_text, catalogue=cat, checklists=lists, filename="b.csv") == audits
    yaml_text = write_audit_yaml(audits, catalogue=cat, checklists=lists)
    assert read_audit_yaml(yaml_text, catalogue=cat, checklists=lists, filename="b.yaml") == audits


def test_semicolons_and_a_bom_are_read() -> None:
    text = "\ufeff" + HEADER.replace(",", ";") + "2026-01-01;Ann;ours;site;conv;4;;;\n"
    assert read(text)[0].scores[0].value == 4.0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "2026-01-01,Ann,ours,nowhere,conv,4,,,\n",
            "a.csv: row 2: touchpoint: unknown touchpoint 'nowhere'",
        ),
        (
            "2026-01-01,Ann,ours,site,conv,4,,,\n2026-01-01,Ann,ours,site,conv,6,,,\n",
            "a.csv: row 3: value: 6 is outside the scale 1..5",
        ),
        (
            "2026-01-01,Ann,ours,site,conv,4,,,\n2026-01-01,Ann,ours,site,conv,3,,,\n",
            "a.csv: row 3: parameter: duplicate of row 2",
        ),
        (
            "2026-01-01,Ann,ours,site,colour,4,,,\n",
            "a.csv: row 2: parameter: 'colour' is not on the site checklist",
        ),
        ("2026-13-01,Ann,ours,site,conv,4,,,\n", "a.csv: row 2: date:"),
        ("2026-01-01,Ann,acme,site,conv,4,,,\n", "a.csv: row 2: subject: unknown subject 'acme'"),
        (
            "2026-01-01,Ann,ours,bot,reply_speed,4,,,\n",
            "a.csv: row 2: touchpoint: we do not have 'bot'",
        ),
        (
            "2026-01-01,Ann,ours,site,chat,perhaps,,,\n",
            "a.csv: row 2: value: 'perhaps' is not yes or no",
        ),
        (
            "2026-01-01,Ann,ours,site,conv,4,,javascript:alert(1),\n",
            "a.csv: row 2: link: a link starts with http",
        ),
        ("2026-01-01,,ours,site,conv,4,,,\n", "a.csv: row 2: auditor: is empty"),
    ],
)
def test_bad_rows_name_file_row_and_field(body: str, message: str) -> None:
    with pytest.raises(AuditFileError) as info:
        read(HEADER + body)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_bad_headers_and_files() -> None:
    with pytest.raises(AuditFileError, match="row 1: touchpoint: the header has no column"):
        read("date,auditor,subject,parameter,value\n2026-01-01,A,ours,conv,4\n")
    with pytest.raises(AuditFileError, match="row 1: valeu: unknown column"):
        read(HEADER.replace("value", "valeu"))
    with pytest.raises(AuditFileError, match=r"expected a \.csv"):
        read("x", name="a.txt")
    with pytest.raises(AuditFileError, match="not UTF-8"):
        read_audit_file("a.csv", b"\xff\xfe\x00", catalogue=tiny_catalogue())


def test_yaml_errors_name_the_item() -> None:
    text = """audits:
  - {date: 2026-01-01, auditor: Ann, subject: ours, scores: [
      {touchpoint: site, parameter: conv, value: 4},
      {touchpoint: phone, parameter: rings, value: -1}]}
"""
    with pytest.raises(AuditFileError) as info:
        read(text, "a.yaml")
    assert str(info.value).startswith("a.yaml: audits[0].scores[1]: value: -1 is outside")
    with pytest.raises(AuditFileError, match=r"a\.yaml: line 2: —: not valid YAML"):
        read("audits: [\n", "a.yaml")
    with pytest.raises(AuditFileError, match="audits\\[0\\]: colour: unknown field"):
        read(
            "audits: [{date: 2026-01-01, auditor: A, subject: ours, colour: red, scores: []}]",
            "a.yaml",
        )


# -- the store ---------------------------------------------------------------------------


def test_saved_audits_come_back(session: Session) -> None:
    audits = read(AUDIT_CSV)
    ids = store.save_audits(session=session, audits=audits, source="a.csv")
    assert len(ids) == 3
    loaded = store.load_audits(session=session)
    assert [a.key for a in loaded] == sorted(a.key for a in audits)
    assert {a.key: a.scores for a in loaded} == {a.key: a.scores for a in audits}
    frame = store.scores_frame(session=session)
    assert len(frame) == 12
    assert frame["value"].isna().sum() == 1
    info = store.list_audits(session=session)
    assert [i.date for i in info] == [date(2026, 3, 1), date(2026, 2, 1), date(2026, 1, 10)]
    assert (info[0].scores, info[0].missing) == (3, 1)


def test_a_second_import_is_refused_whole_and_nothing_is_lost(session: Session) -> None:
    first = read(AUDIT_CSV)
    store.save_audits(session=session, audits=first)
    before = store.scores_frame(session=session)
    # a file with one new audit and one already stored: nothing of it goes in
    again = read(
        HEADER + "2026-05-01,Cid,ours,site,conv,2,,,\n2026-01-10,Ann,ours,site,conv,1,,,\n"
    )
    with pytest.raises(store.AuditStoreError, match="already stored"):
        store.save_audits(session=session, audits=again)
    after = store.scores_frame(session=session)
    assert after.equals(before)
    assert len(store.list_audits(session=session)) == 3
    # with replace, the old audit's scores are replaced and the new one added
    store.save_audits(session=session, audits=again, replace=True)
    frame = store.scores_frame(session=session)
    jan = frame[(frame.date == date(2026, 1, 10))]
    assert jan[["parameter", "value"]].values.tolist() == [["conv", 1.0]]
    assert len(store.list_audits(session=session)) == 4


def test_delete_audit_and_checklists_and_plan_items(session: Session) -> None:
    ids = store.save_audits(session=session, audits=read(AUDIT_CSV))
    store.delete_audit(session=session, audit_id=ids[0])
    assert len(store.list_audits(session=session)) == 2
    with pytest.raises(store.AuditStoreError):
        store.delete_audit(session=session, audit_id=ids[0])
    assert store.load_checklists(session=session).parameter("site", "load_speed").target == 2
    store.save_checklists(session=session, checklists=tiny_checklists())
    assert store.load_checklists(session=session) == tiny_checklists()
    store.save_checklists(session=session, checklists=None)
    assert "load_speed" in [
        p.id for p in store.load_checklists(session=session).for_channel("site")
    ]
    state = store.set_plan_item(
        session=session,
        key="improve:site",
        owner="Анна",
        due=date(2026, 12, 1),
        status="in_progress",
    )
    assert (state.owner, state.due, state.status) == ("Анна", date(2026, 12, 1), "in_progress")
    with pytest.raises(store.AuditStoreError, match="unknown status"):
        store.set_plan_item(
            session=session, key="improve:site", owner=None, due=None, status="late"
        )
    assert store.plan_states(session=session)["improve:site"].status == "in_progress"


def test_migration_creates_exactly_the_audit_tables(db_url: str) -> None:
    migrate.upgrade(db_url)
    engine = create_engine(db_url)
    try:
        names = set(sa.inspect(engine).get_table_names())
        assert {"audits", "audit_scores", "audit_checklists", "plan_items"} <= names
        with engine.connect() as con:
            ctx = MigrationContext.configure(con, opts={"compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
        migrate.downgrade(db_url, "0002")
        names = set(sa.inspect(engine).get_table_names())
        assert not {"audits", "audit_scores", "audit_checklists", "plan_items"} & names
        migrate.upgrade(db_url)
        assert "audits" in set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_service_latest_scores_and_negativity_from_voc(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import touchpath.voc
    from touchpath.audit import latest_scores, plan
    from touchpath.audit.signals import negative_shares

    store.save_checklists(session=session, checklists=tiny_checklists())
    store.save_audits(session=session, audits=read(AUDIT_CSV))
    scores = latest_scores(session=session)
    assert scores == pytest.approx({"site": 2 / 3, "phone": 0.6})  # ours only, 0..1
    monkeypatch.setattr(touchpath.voc, "negative_shares", lambda *, session: {"phone": 0.5})
    assert negative_shares(session=session) == {"phone": 0.5}
    items = {i.key: i for i in plan(session=session)}
    assert items["improve:phone"].negativity == pytest.approx(1.5)
    assert items["improve:phone"].impact == pytest.approx(1.0 * 0.3 * 1.5)
    assert items["improve:site"].negativity == 1.0
    # a voc without the function (or without feedback) leaves negativity neutral
    monkeypatch.delattr(touchpath.voc, "negative_shares")
    assert negative_shares(session=session) is None
    assert {i.key: i for i in plan(session=session)}["improve:phone"].negativity == 1.0


def test_a_yaml_alias_bomb_is_refused_quickly() -> None:
    """A "billion laughs" audit file is a one-line error, not a hang."""
    import time

    from touchpath.audit.io import read_audit_yaml
    from touchpath.errors import TouchpathError
    from touchpath.model import Catalogue

    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    text = bomb + "audits:\n  - {date: 2026-01-01, auditor: *i, subject: ours, scores: []}\n"
    started = time.perf_counter()
    with pytest.raises(TouchpathError) as caught:
        read_audit_yaml(text, catalogue=Catalogue(business="b"), filename="bomb.yaml")
    # not a speed target: without the guard this takes minutes (the error formats the
    # whole expansion), so a generous bound tells a refusal from a hang
    assert time.perf_counter() - started < 15
    assert "bomb.yaml" in str(caught.value) and "\n" not in str(caught.value)
