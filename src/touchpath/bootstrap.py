"""Making workspaces: an empty one (``init``) or the demo group (``demo``).

Both write the same three things — ``touchpath.toml``, the metadata DB (migrated to the
latest schema, holding the catalogue) and the events DB — so the demo is an ordinary
workspace users can import into and edit.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from touchpath.engines.duckdb import DuckDBEngine
from touchpath.engines.schema import CUSTOMER_COLUMNS, EVENT_COLUMNS
from touchpath.engines.spark import SparkEngine
from touchpath.errors import TouchpathError
from touchpath.model import Catalogue
from touchpath.store import crud, migrate
from touchpath.store.db import create_engine, session_factory
from touchpath.workspace import (
    CONFIG_FILE,
    EventsSection,
    GroupSection,
    MetadataSection,
    Workspace,
    WorkspaceConfig,
    WorkspaceSection,
    find_workspace,
    read_config,
    write_config,
)

Progress = Callable[[str, float], None]
DEMO_BUSINESSES: tuple[str, ...] = ("shop", "clinic")


class WorkspaceExistsError(TouchpathError):
    pass


def init_workspace(
    root: Path,
    *,
    catalogue: Catalogue | None = None,
    timezone: str = "UTC",
    metadata_url: str | None = None,
    engine: str = "duckdb",
) -> Workspace:
    """Create a workspace in ``root`` (made if absent) and store ``catalogue`` in it.

    ``engine`` names the events store: ``duckdb`` (a file) or ``spark`` (a Parquet folder).
    """
    if (root / CONFIG_FILE).exists():
        raise WorkspaceExistsError(f"{root / CONFIG_FILE}: a workspace is already here")
    catalogue = catalogue or Catalogue(business=root.resolve().name or "touchpath workspace")
    config = WorkspaceConfig(
        workspace=WorkspaceSection(
            name=catalogue.business, timezone=timezone, currency=catalogue.currency
        ),
        metadata=MetadataSection(url=metadata_url) if metadata_url else MetadataSection(),
        events=EventsSection(engine=engine, path="events")
        if engine == "spark"
        else EventsSection(engine=engine),
    )
    write_config(root, config)
    ws = find_workspace(root)
    store_catalogue(ws, catalogue)
    create_events_store(ws)
    return ws


def store_catalogue(ws: Workspace, catalogue: Catalogue) -> None:
    """Migrate the metadata DB to the latest schema and replace its catalogue."""
    migrate.upgrade(ws.metadata_url)
    engine = create_engine(ws.metadata_url)
    try:
        with session_factory(engine)() as session, session.begin():
            crud.save_catalogue(session=session, catalogue=catalogue)
    finally:
        engine.dispose()


def load_catalogue(ws: Workspace) -> Catalogue:
    engine = create_engine(ws.metadata_url)
    try:
        with session_factory(engine)() as session:
            return crud.load_catalogue(session=session)
    finally:
        engine.dispose()


def create_events_store(ws: Workspace) -> None:
    engine = ws.engine
    if not isinstance(engine, DuckDBEngine | SparkEngine):
        raise TouchpathError(f"{ws.root}: cannot create a {engine.name} events store")
    engine.create()


def write_events(ws: Workspace, events: pa.Table, customers: pa.Table, *, source: str) -> int:
    """Append generated events and customers in one transaction, logged as an import.

    A Spark store gets them in its DuckDB ledger, and the events as one new Parquet file.
    """
    engine = ws.engine
    if isinstance(engine, SparkEngine):
        import_id = _write_duckdb(engine.ledger, events, customers, source=source)
        return engine.publish(import_id)
    assert isinstance(engine, DuckDBEngine)
    _write_duckdb(engine, events, customers, source=source)
    return int(events.num_rows)


def ingest_store(ws: Workspace) -> DuckDBEngine:
    """Where imports write: the DuckDB store itself, or a Spark workspace's ledger."""
    engine = ws.engine
    if isinstance(engine, SparkEngine):
        return engine.ledger
    if not isinstance(engine, DuckDBEngine):
        raise TouchpathError(f"{ws.root}: touchpath cannot import into a {engine.name} store")
    return engine


def publish_import(ws: Workspace, import_id: int) -> None:
    """Make an import visible to the workspace's engine (a no-op for DuckDB)."""
    if isinstance(ws.engine, SparkEngine):
        ws.engine.publish(import_id)


def _write_duckdb(
    engine: DuckDBEngine, events: pa.Table, customers: pa.Table, *, source: str
) -> int:
    now = datetime.now(UTC)
    with engine.raw() as con:
        con.execute("BEGIN")
        # DuckDB 2.0 keeps a result open until it is fully fetched: fetchall, not fetchone.
        [import_id] = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()
        con.register("new_events", events)
        con.register("new_customers", customers)
        ev_cols = ", ".join(EVENT_COLUMNS)
        cu_cols = ", ".join(CUSTOMER_COLUMNS)
        ev_select = ", ".join(c if c != "import_id" else "$1::BIGINT" for c in EVENT_COLUMNS)
        con.execute(
            f"INSERT INTO events ({ev_cols}) SELECT {ev_select} FROM new_events", [import_id[0]]
        )
        con.execute(f"INSERT INTO customers ({cu_cols}) SELECT {cu_cols} FROM new_customers")
        con.execute(
            "INSERT INTO imports VALUES ($1, $2, 'demo', $3, $4, $5, $5, 0, 0)",
            [import_id[0], source, now, datetime.now(UTC), events.num_rows],
        )
        con.execute("COMMIT")
    return int(import_id[0])


def build_demo(
    root: Path,
    *,
    customers: int,
    seed: int,
    businesses: Sequence[str] = DEMO_BUSINESSES,
    replace: bool = False,
    progress: Progress | None = None,
    engine: str = "duckdb",
) -> list[Workspace]:
    """The demo group in ``root``: one workspace per business, the first one the default.

    ``customers`` is the demo's total, shared evenly between the businesses. With
    ``replace`` an earlier demo in ``root`` is removed first; nothing else is ever removed.
    """
    from touchpath.demo import generate  # the generator is heavy; load it only here

    if (root / CONFIG_FILE).exists():
        if not replace:
            raise WorkspaceExistsError(
                f"{root / CONFIG_FILE}: a workspace is already here (--force replaces a demo)"
            )
        remove_demo(root)
    made: list[Workspace] = []
    for i, business in enumerate(businesses):

        def step(done: int, total: int, _i: int = i, _b: str = business) -> None:
            if progress is not None:
                progress(_b, (_i + done / max(total, 1)) / len(businesses))

        share = customers // len(businesses) + (1 if i < customers % len(businesses) else 0)
        data = generate(business, customers=share, seed=seed + i, progress=step)
        ws = init_workspace(
            root / business, catalogue=data.catalogue, timezone="Europe/Moscow", engine=engine
        )
        write_events(ws, data.events, data.customers, source=f"demo:{business}:seed={seed + i}")
        from touchpath.demo.audits import store_demo_audits  # audits of us and competitors

        store_demo_audits(ws.metadata_url, business)
        from touchpath.demo.feedback import store_demo_feedback  # surveys and reviews

        store_demo_feedback(ws, business, data.events, data.customers, seed=seed + i)
        from touchpath.demo.automation import store_demo_automation  # rules, tasks, messages

        store_demo_automation(ws, business, seed=seed + i)
        made.append(ws)
    write_config(
        root,
        WorkspaceConfig(
            group=GroupSection(workspaces=list(businesses), default=businesses[0], demo=True)
        ),
    )
    if progress is not None:
        progress("done", 1.0)
    return made


def remove_demo(root: Path) -> None:
    """Delete a demo group built by :func:`build_demo`, refusing anything else."""
    config = read_config(root)
    if config.group is None or not config.group.demo:
        raise WorkspaceExistsError(f"{root / CONFIG_FILE}: not a demo; refusing to replace it")
    for member in config.group.workspaces:
        folder = (root / member).resolve()
        if folder.parent != root.resolve():
            raise WorkspaceExistsError(f"{root / CONFIG_FILE}: member {member!r} outside the demo")
        shutil.rmtree(folder, ignore_errors=True)
    (root / CONFIG_FILE).unlink()
