"""Results cached per data version: computed once, recomputed after the events change."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path

import duckdb

from touchpath.store import auth, crud
from touchpath.store.db import WriteCounter, create_engine, session_factory
from touchpath.store.tables import TouchpointRow
from touchpath.web.cache import ResultCache, data_version
from touchpath.workspace import find_workspace

from .conftest import catalogue_of, metadata_url, post


def test_lru_keeps_the_most_recent_entries() -> None:
    cache = ResultCache(maxsize=2)
    calls: list[str] = []

    def compute(key: str) -> str:
        calls.append(key)
        return key.upper()

    for key in ["a", "b", "a", "c", "b", "a"]:
        assert cache.get(key, lambda k=key: compute(k)) == key.upper()
    # a, b computed; a hit; c evicts b (least recently used); b evicts a; a recomputed
    assert calls == ["a", "b", "c", "b", "a"]
    assert (cache.hits, cache.misses, len(cache)) == (1, 5, 2)


def test_an_error_is_not_cached() -> None:
    cache = ResultCache()
    attempts = []

    def failing() -> int:
        attempts.append(1)
        raise RuntimeError("store busy")

    for _ in range(2):
        with contextlib.suppress(RuntimeError):
            cache.get("k", failing)
    assert len(attempts) == 2 and len(cache) == 0


def append_events(events_file: Path, n: int) -> None:
    """Another process's import: ``n`` copies of existing events under new ids."""
    with duckdb.connect(str(events_file)) as con:
        con.execute(
            "INSERT INTO events SELECT event_id || '-copy', customer_id, ts, event_name, "
            "touchpoint, channel, campaign, source, medium, is_conversion, value, currency, "
            "attributes, import_id, seq + 1000000 FROM events ORDER BY seq LIMIT ?",
            [n],
        )


def test_data_version_changes_with_the_events_only(people: Path) -> None:
    ws = find_workspace(people / "shop")
    before = data_version(ws)
    with duckdb.connect(str(people / "shop" / "events.duckdb"), read_only=True) as con:
        con.execute("SELECT count(*) FROM events").fetchall()
    assert data_version(ws) == before  # reading changes nothing
    append_events(people / "shop" / "events.duckdb", 3)
    assert data_version(ws) != before
    assert data_version(find_workspace(people / "clinic")) != before


def events_shown(page: str) -> int:
    found = re.search(r'<div class="value">([\d,]+)</div><div class="name">Touches', page)
    assert found
    return int(found.group(1).replace(",", ""))


def test_pages_reuse_results_until_an_import(app, people: Path, client_for) -> None:
    client = client_for("vic")
    cache = app.state.cache
    with duckdb.connect(str(people / "shop" / "events.duckdb"), read_only=True) as con:
        [(count,)] = con.execute("SELECT count(*) FROM events").fetchall()
    assert events_shown(client.get("/w/shop/").text) == count
    pages = ("/w/shop/", "/w/shop/journey", "/w/shop/touchpoints")
    for page in pages:
        client.get(page)
    misses = cache.misses
    for page in pages:  # a second round computes nothing: all results are cached
        client.get(page)
    assert cache.misses == misses
    append_events(people / "shop" / "events.duckdb", 5)
    assert events_shown(client.get("/w/shop/").text) == count + 5
    assert cache.misses > misses  # the import made a new data version
    misses = cache.misses
    client.get("/w/shop/")
    assert cache.misses == misses
    # the clinic has its own entry: never the shop's numbers
    with duckdb.connect(str(people / "clinic" / "events.duckdb"), read_only=True) as con:
        [(clinic_count,)] = con.execute("SELECT count(*) FROM events").fetchall()
    assert events_shown(client.get("/w/clinic/").text) == clinic_count


def test_the_write_counter_moves_only_after_commits_that_changed_something(
    people: Path,
) -> None:
    engine = create_engine(metadata_url(people, "shop"))
    factory = session_factory(engine)
    writes = WriteCounter(factory)
    try:
        with factory() as db:
            catalogue = crud.load_catalogue(session=db)
            db.commit()
            assert writes.count == 0  # reading changes nothing
            touchpoint = catalogue.touchpoints[0]
            crud.upsert_touchpoint(
                session=db, touchpoint=touchpoint.model_copy(update={"name": "Renamed"})
            )
            assert writes.count == 1  # an ORM change, flushed and committed
            auth.close_session(session=db, token="no-such-token")
            assert writes.count == 2  # a bulk DELETE counts even when it matched nothing
            row = db.get(TouchpointRow, touchpoint.id)
            assert row is not None
            row.name = "Never saved"
            db.flush()
            db.rollback()
            assert writes.count == 2  # a change rolled back is no change
            db.commit()
            assert writes.count == 2
    finally:
        engine.dispose()


def test_metadata_pages_reuse_results_until_the_metadata_changes(
    app, people: Path, client_for
) -> None:
    client = client_for("ann")
    cache = app.state.cache
    pages = ("/w/shop/", "/w/shop/journey", "/w/shop/audits", "/w/shop/voice", "/w/shop/plan")
    for page in pages:
        assert client.get(page).status_code == 200
    misses = cache.misses
    for page in pages:  # a second round draws nothing afresh
        client.get(page)
    assert cache.misses == misses

    # another process (the CLI) renames a touchpoint: the pages are drawn again
    touchpoint = catalogue_of(people, "shop").touchpoints[0]
    engine = create_engine(metadata_url(people, "shop"))
    try:
        with session_factory(engine)() as db:
            crud.upsert_touchpoint(
                session=db,
                touchpoint=touchpoint.model_copy(update={"name": "Renamed by the CLI"}),
            )
    finally:
        engine.dispose()
    assert "Renamed by the CLI" in client.get("/w/shop/journey").text
    assert cache.misses > misses

    # a change made in the app shows at once on the next page
    plan = list(csv.reader(io.StringIO(client.get("/w/shop/plan/plan.csv").text)))
    key = plan[1][plan[0].index("key")]
    response = post(
        client, "/w/shop/plan/item", {"key": key, "owner": "Owner set in the app", "status": "open"}
    )
    assert response.status_code == 303, response.text
    assert "Owner set in the app" in client.get("/w/shop/plan").text
