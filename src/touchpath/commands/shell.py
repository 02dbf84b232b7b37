"""What every command shares: consoles, one-line errors, JSON output, the open workspace.

Command modules (one per topic, beside this one) import from here, never from ``cli``.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import ibis
import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from touchpath.config import Settings
from touchpath.errors import TouchpathError
from touchpath.i18n import _
from touchpath.workspace import Workspace, find_workspace

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

JsonOpt = Annotated[bool, typer.Option("--json", help=_("Print one JSON document."))]


def user_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn the user's mistakes into one line on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except TouchpathError as exc:
            fail(str(exc))
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}")

    return wrapper


def fail(message: str) -> NoReturn:
    prefix = _("error")
    err.print(f"[bold red]{prefix}:[/] {escape(message)}")
    raise typer.Exit(1)


def emit_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def progress_bar(description: str, *, enabled: bool) -> Iterator[Callable[[str, float], None]]:
    """A Rich bar on stderr; the callback takes (stage, fraction done)."""
    if not enabled:
        yield lambda stage, fraction: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(description, total=1.0)

        def update(stage: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=f"{description}: {stage}")

        yield update


def workspace_root(ctx: typer.Context) -> Path:
    root: Path | None = ctx.obj.workspace if ctx.obj else None
    return root or Path.cwd()


def open_workspace(ctx: typer.Context) -> Workspace:
    settings: Settings = ctx.obj
    return find_workspace(workspace_root(ctx), metadata_url=settings.metadata_url)


@contextmanager
def metadata_session(ctx: typer.Context) -> Iterator[Session]:
    """A session on the workspace's metadata DB, migrated to the latest schema first."""
    from touchpath.store import migrate
    from touchpath.store.db import create_engine, session_factory

    ws = open_workspace(ctx)
    migrate.upgrade(ws.metadata_url)
    engine = create_engine(ws.metadata_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


HtmlOpt = Annotated[
    Path | None,
    typer.Option(
        "--html", help=_("Write the chart to this HTML file (opens offline)."), dir_okay=False
    ),
]


@contextmanager
def open_events(ctx: typer.Context) -> Iterator[tuple[Workspace, ibis.Table]]:
    """The workspace and its events table, opened read-only for the length of a command."""
    ws = open_workspace(ctx)
    con = ws.engine.connect(read_only=True)
    try:
        yield ws, ws.engine.events(con)
    finally:
        con.disconnect()


def print_frame(frame: pd.DataFrame, title: str, *, limit: int | None = None) -> None:
    """A DataFrame as a Rich table: numbers right-aligned with thousands separators."""
    table = Table(title=title, title_justify="left")
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    for i, (column, is_num) in enumerate(zip(frame.columns, numeric, strict=True)):
        # the first column names the row (a touchpoint, a step): never cut it
        table.add_column(
            str(column),
            justify="right" if is_num else "left",
            no_wrap=i == 0,
            min_width=12 if i == 0 else None,
        )
    shown = frame if limit is None else frame.head(limit)
    for row in shown.itertuples(index=False):
        table.add_row(*(escape(_cell(v)) for v in row))
    out.print(table)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def frame_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a DataFrame as JSON-ready dicts (NaN and NaT become null)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [dict(zip(clean.columns, row, strict=True)) for row in clean.itertuples(index=False)]


def write_figure(figure: Any, path: Path) -> None:
    """A Plotly figure as one self-contained HTML file (plotly.js inlined: no network)."""
    figure.write_html(str(path), include_plotlyjs=True, full_html=True)
    err.print(_("chart written to {path}").format(path=path))
