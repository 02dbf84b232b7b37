"""The metadata store on SQLite and PostgreSQL: migrations, the catalogue, single items."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.orm import Session

from touchpath.model import (
    DEFAULT_STAGES,
    Catalogue,
    Chain,
    Channel,
    Competitor,
    Stage,
    StageGroup,
    Touchpoint,
)
from touchpath.store import convert, crud, migrate
from touchpath.store.db import create_engine
from touchpath.store.tables import Base


def clinic() -> Catalogue:
    """A catalogue whose list orders differ from id order, so sorting would show."""
    return Catalogue(
        business="Клиника «Здоровье»",
        language="ru",
        currency="RUB",
        stages=[
            Stage(id="search", name="Поиск", name_ru="Поиск информации", group="before", order=1),
            Stage(id="awareness", name="Осознание", group="before", order=0),
            Stage(id="visit", name="Приём", group="during", order=2),
        ],
        touchpoints=[
            Touchpoint(
                id="yandex_ads",
                name="Контекстная реклама",
                description="Объявления в поиске\nи в сети",
                channel="context_ads",
                stages=["search", "awareness"],
                attention="short",
                lifetime="momentary",
                tags=["платно", "онлайн"],
            ),
            Touchpoint(
                id="site",
                name="Сайт клиники",
                channel="site",
                stages=["search"],
                role="capture",
                owner="Анна",
                attention="long",
                lifetime="repetitive",
            ),
            Touchpoint(
                id="reception",
                name="Регистратура",
                channel="office",
                mode="offline",
                stages=["visit"],
                wow=True,
                automated=True,
                status="planned",
            ),
            Touchpoint(id="app", name="Приложение", channel="mobile_app", status="missing"),
        ],
        chains=[
            Chain(
                id="first_visit",
                name="Первый визит",
                steps=["yandex_ads", "site", "reception", "site"],
                next_chain="repeat",
            ),
            Chain(id="repeat", name="Повторный визит", steps=["site", "reception"]),
        ],
        competitors=[
            Competitor(
                id="medsi", name="Медси", website="https://medsi.example", touchpoints=["app"]
            ),
            Competitor(
                id="invitro", name="Инвитро", notes="сильный сайт", touchpoints=["site", "app"]
            ),
        ],
        audience_channels=[Channel.MESSENGER, Channel.SOCIAL, Channel.SITE],
    )


def count(session: Session, table: str) -> int:
    return int(session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


# -- migrations ---------------------------------------------------------------------------


def test_a_new_database_has_no_revision(db_url: str) -> None:
    assert migrate.current(db_url) is None


def test_upgrade_reaches_the_newest_revision(db_url: str) -> None:
    # revisions are numbered files, each revising the one before: the last file is the head
    newest = max(p.name[:4] for p in (migrate.MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))
    migrate.upgrade(db_url)
    assert migrate.current(db_url) == migrate.head() == newest


def test_migrations_produce_exactly_the_orm_schema(engine: sa.Engine) -> None:
    with engine.connect() as con:
        context = MigrationContext.configure(
            con, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_constraints_are_named_by_the_convention(engine: sa.Engine) -> None:
    inspector = sa.inspect(engine)
    for table in Base.metadata.sorted_tables:
        assert inspector.get_pk_constraint(table.name)["name"] == table.primary_key.name
        assert {fk["name"] for fk in inspector.get_foreign_keys(table.name)} == {
            fk.name for fk in table.foreign_key_constraints
        }
        assert {ix["name"] for ix in inspector.get_indexes(table.name)} == {
            ix.name for ix in table.indexes
        }


def test_downgrade_to_base_then_upgrade_again(db_url: str) -> None:
    migrate.upgrade(db_url)
    migrate.downgrade(db_url, "base")
    assert migrate.current(db_url) is None
    engine = create_engine(db_url)
    try:
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(db_url)
        assert migrate.current(db_url) == migrate.head()
        with engine.connect() as con:
            assert compare_metadata(MigrationContext.configure(con), Base.metadata) == []
        with Session(engine) as session:
            crud.save_catalogue(session=session, catalogue=clinic())
            assert crud.load_catalogue(session=session) == clinic()
    finally:
        engine.dispose()


def test_processes_starting_together_all_find_the_database_at_head(db_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=4, mp_context=spawn) as pool:
        results = list(pool.map(migrate.upgrade, [db_url] * 4))
    assert results == [None] * 4
    assert migrate.current(db_url) == migrate.head()


def test_a_failed_upgrade_leaves_nothing_behind(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as con:  # in the way of the migration's fourth table
            con.execute(sa.text("CREATE TABLE touchpoint_stages (x INTEGER)"))
        with pytest.raises(sa.exc.DatabaseError):
            migrate.upgrade(db_url)
        assert migrate.current(db_url) is None
        assert sa.inspect(engine).get_table_names() == ["touchpoint_stages"]
    finally:
        engine.dispose()


def test_upgrade_takes_an_engine_too(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        migrate.upgrade(engine)
        assert migrate.current(engine) == migrate.head()
    finally:
        engine.dispose()


# -- what the database itself enforces -----------------------------------------------------


def test_foreign_keys_are_enforced(session: Session) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(
            sa.text(
                "INSERT INTO chain_steps (chain_id, position, touchpoint_id) VALUES ('x', 0, 'y')"
            )
        )
        session.flush()
    session.rollback()


def test_on_delete_rules(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    with pytest.raises(sa.exc.IntegrityError):  # RESTRICT: a chain step uses it
        session.execute(sa.text("DELETE FROM touchpoints WHERE id = 'reception'"))
    session.rollback()
    session.execute(sa.text("DELETE FROM chains WHERE id = 'repeat'"))
    session.commit()
    assert count(session, "chain_steps") == 4  # CASCADE took the deleted chain's steps
    next_chain = session.execute(sa.text("SELECT next_chain_id FROM chains")).scalar_one()
    assert next_chain is None  # SET NULL on the chain that led into it


def test_settings_table_holds_one_row(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(
            sa.text(
                "INSERT INTO catalogue_settings (id, business, language, currency) "
                "VALUES (2, 'b', 'en', 'EUR')"
            )
        )
    session.rollback()


# -- the whole catalogue -------------------------------------------------------------------


def test_an_empty_store_loads_the_default_catalogue(session: Session) -> None:
    loaded = crud.load_catalogue(session=session)
    assert loaded == Catalogue(business="touchpath workspace")
    assert [s.id for s in loaded.stages] == [s.id for s in DEFAULT_STAGES]
    assert count(session, "catalogue_settings") == 0  # reading writes nothing


def test_save_then_load_gives_the_same_catalogue(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    session.expunge_all()
    loaded = crud.load_catalogue(session=session)
    assert loaded == clinic()
    assert [t.id for t in loaded.touchpoints] == ["yandex_ads", "site", "reception", "app"]
    assert loaded.touchpoints[0].stages == ["search", "awareness"]


def test_save_replaces_the_stored_catalogue(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    second = clinic()
    second.business = "Клиника-2"
    second.stages = [second.stages[2], second.stages[0]]  # "awareness" is gone
    second.touchpoints = [second.touchpoints[2], second.touchpoints[1]]
    second.touchpoints[1].stages = []
    second.touchpoints[1].tags = ["новый"]
    second.touchpoints[0].tags = ["a", "b", "c"]
    second.chains = [Chain(id="repeat", name="Повтор", steps=["reception", "site"])]
    second.competitors = [Competitor(id="invitro", name="Инвитро", touchpoints=["site"])]
    second.audience_channels = [Channel.SITE]
    crud.save_catalogue(session=session, catalogue=second)
    session.expunge_all()
    assert crud.load_catalogue(session=session) == second
    assert count(session, "chain_steps") == 2
    assert count(session, "touchpoint_stages") == 1
    assert count(session, "competitor_touchpoints") == 1
    assert count(session, "audience_channels") == 1


def test_a_chain_may_lead_into_a_chain_saved_after_it(session: Session) -> None:
    catalogue = clinic()
    catalogue.chains.reverse()
    catalogue.chains[0].next_chain = "first_visit"
    crud.save_catalogue(session=session, catalogue=catalogue)
    crud.save_catalogue(session=session, catalogue=clinic())  # and both links change
    assert crud.load_catalogue(session=session) == clinic()


def test_an_inconsistent_catalogue_is_refused_and_nothing_changes(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    bad = clinic()
    bad.business = "changed"
    bad.chains[1].steps = ["site", "ghost"]
    with pytest.raises(
        crud.CatalogueError, match=r"chains\.1\.steps\.1: unknown touchpoint 'ghost'"
    ):
        crud.save_catalogue(session=session, catalogue=bad)
    assert crud.load_catalogue(session=session) == clinic()


def test_a_failing_save_rolls_back_everything(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())

    def broken(row: object, competitor: Competitor) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(convert, "competitor_to_row", broken)
    changed = clinic()
    changed.business = "changed"
    changed.touchpoints[0].name = "changed"
    with pytest.raises(RuntimeError, match="disk on fire"):
        crud.save_catalogue(session=session, catalogue=changed)
    monkeypatch.undo()
    assert crud.load_catalogue(session=session) == clinic()


def test_save_joins_the_callers_transaction(session: Session) -> None:
    with pytest.raises(RuntimeError), session.begin():
        crud.save_catalogue(session=session, catalogue=clinic())
        raise RuntimeError("the caller changes its mind")
    assert crud.load_catalogue(session=session).business == "touchpath workspace"
    session.rollback()  # end the read's transaction before beginning one explicitly
    with session.begin():
        crud.save_catalogue(session=session, catalogue=clinic())
    assert crud.load_catalogue(session=session) == clinic()


def test_an_object_changed_after_validation_is_checked_again(session: Session) -> None:
    catalogue = clinic()
    catalogue.touchpoints[0].channel = "telepathy"  # type: ignore[assignment]
    with pytest.raises(crud.CatalogueError, match=r"touchpoints\.0\.channel"):
        crud.save_catalogue(session=session, catalogue=catalogue)


# -- single items ----------------------------------------------------------------------------


def test_list_and_get_touchpoints(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    assert crud.list_touchpoints(session=session) == clinic().touchpoints
    assert crud.get_touchpoint(session=session, touchpoint_id="site") == clinic().touchpoints[1]
    assert crud.get_touchpoint(session=session, touchpoint_id="nope") is None


def test_upsert_touchpoint_appends_new_and_updates_in_place(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    new = Touchpoint(id="sms", name="СМС-напоминание", channel="sms", stages=["visit"])
    crud.upsert_touchpoint(session=session, touchpoint=new)
    changed = clinic().touchpoints[0].model_copy(update={"name": "Реклама", "stages": ["search"]})
    crud.upsert_touchpoint(session=session, touchpoint=changed)
    session.expunge_all()
    listed = crud.list_touchpoints(session=session)
    assert [t.id for t in listed] == ["yandex_ads", "site", "reception", "app", "sms"]
    assert listed[0] == changed
    assert listed[4] == new


def test_the_first_single_write_stores_the_default_stages(session: Session) -> None:
    tp = Touchpoint(id="form", name="Форма заказа", channel="site", stages=["purchase"])
    crud.upsert_touchpoint(session=session, touchpoint=tp)
    loaded = crud.load_catalogue(session=session)
    assert loaded == Catalogue(business="touchpath workspace", touchpoints=[tp])
    assert count(session, "stages") == len(DEFAULT_STAGES)


def test_upsert_touchpoint_with_an_unknown_stage_fails(session: Session) -> None:
    tp = Touchpoint(id="form", name="Форма", channel="site", stages=["purchase", "limbo"])
    with pytest.raises(crud.CatalogueError, match=r"touchpoint 'form': unknown stage 'limbo'"):
        crud.upsert_touchpoint(session=session, touchpoint=tp)
    assert crud.list_touchpoints(session=session) == []


def test_delete_touchpoint(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    with pytest.raises(crud.CatalogueError, match=r"step of chain 'first_visit', 'repeat'"):
        crud.delete_touchpoint(session=session, touchpoint_id="reception")
    with pytest.raises(crud.CatalogueError, match=r"offered by competitor 'medsi', 'invitro'"):
        crud.delete_touchpoint(session=session, touchpoint_id="app")
    with pytest.raises(crud.NotFoundError, match="there is no touchpoint 'ghost'"):
        crud.delete_touchpoint(session=session, touchpoint_id="ghost")
    catalogue = clinic()
    catalogue.competitors = []
    crud.save_catalogue(session=session, catalogue=catalogue)
    crud.delete_touchpoint(session=session, touchpoint_id="app")
    assert [t.id for t in crud.list_touchpoints(session=session)] == [
        "yandex_ads",
        "site",
        "reception",
    ]


def test_upsert_chain_checks_its_references(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    with pytest.raises(crud.CatalogueError, match=r"chain 'x': unknown touchpoint 'ghost'"):
        crud.upsert_chain(session=session, chain=Chain(id="x", name="X", steps=["site", "ghost"]))
    with pytest.raises(crud.CatalogueError, match=r"chain 'x': unknown next chain 'nowhere'"):
        crud.upsert_chain(
            session=session, chain=Chain(id="x", name="X", steps=["site"], next_chain="nowhere")
        )
    loop = Chain(id="loop", name="Петля", steps=["site", "reception"], next_chain="loop")
    crud.upsert_chain(session=session, chain=loop)
    shorter = Chain(id="first_visit", name="Короче", steps=["site"], next_chain="loop")
    crud.upsert_chain(session=session, chain=shorter)
    session.expunge_all()
    assert crud.load_catalogue(session=session).chains == [shorter, clinic().chains[1], loop]
    assert count(session, "chain_steps") == 1 + 2 + 2


def test_delete_chain(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    with pytest.raises(crud.CatalogueError, match=r"next chain of chain 'first_visit'"):
        crud.delete_chain(session=session, chain_id="repeat")
    crud.delete_chain(session=session, chain_id="first_visit")
    crud.delete_chain(session=session, chain_id="repeat")
    assert crud.load_catalogue(session=session).chains == []
    assert count(session, "chain_steps") == 0
    with pytest.raises(crud.NotFoundError):
        crud.delete_chain(session=session, chain_id="repeat")


def test_competitors(session: Session) -> None:
    crud.save_catalogue(session=session, catalogue=clinic())
    ghost = Competitor(id="sber", name="СберЗдоровье", touchpoints=["app", "ghost"])
    with pytest.raises(crud.CatalogueError, match=r"competitor 'sber': unknown touchpoint 'ghost'"):
        crud.upsert_competitor(session=session, competitor=ghost)
    real = Competitor(id="sber", name="СберЗдоровье", touchpoints=["app", "site", "app"])
    crud.upsert_competitor(session=session, competitor=real)
    crud.delete_competitor(session=session, competitor_id="medsi")
    assert crud.load_catalogue(session=session).competitors == [clinic().competitors[1], real]
    assert count(session, "competitor_touchpoints") == 2 + 3
    with pytest.raises(crud.NotFoundError, match="there is no competitor 'medsi'"):
        crud.delete_competitor(session=session, competitor_id="medsi")


def test_upsert_stage(session: Session) -> None:
    loyalty = Stage(id="loyalty", name="Loyalty", name_ru="Лояльность", group="after", order=5)
    crud.upsert_stage(session=session, stage=loyalty)
    renamed = DEFAULT_STAGES[0].model_copy(update={"name_ru": "Осознание", "order": 9})
    crud.upsert_stage(session=session, stage=renamed)
    stages = crud.load_catalogue(session=session).stages
    assert stages == [renamed, *DEFAULT_STAGES[1:], loyalty]
    assert stages[-1].group is StageGroup.AFTER
