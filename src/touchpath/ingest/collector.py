"""The real-time collector: touch events posted over HTTP, merged into the events store.

The path of an event (docs/api.md, "Collector"):

1. ``POST /api/v1/w/{ws}/collect`` validates the batch (:class:`CollectedEvent`, every bad
   item reported with its index and field) and appends it to the workspace's staging area
   (:mod:`.staging`); the answer comes only after the append is fsync'd.
2. A merger (:func:`merge`) takes staged events in arrival order, writes them as one JSON
   Lines file and imports it through :func:`touchpath.ingest.pipeline.import_events`:
   the same typing, channel grouping, touchpoint checks, quarantine, import ledger and
   ``seq`` order as ``touchpath import``, and the same deduplication by ``event_id``.
3. The web server runs the merger as a child process (:class:`MergerProcess`): DuckDB
   refuses a read-write connection in a process that holds read-only ones (and the
   reverse), so the merger must not share the server's process; as its own process it
   simply waits for the events file's lock like any import. ``touchpath collect merge``
   runs the same code once, for a cron.

Feedback (survey answers, reviews) takes the same way into the feedback import
(:func:`merge_feedback`); another kind plugs in through :data:`MERGERS` and a field of
:class:`touchpath.web.api.collect.CollectBatch`.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    model_validator,
)

from touchpath.errors import TouchpathError
from touchpath.ingest import staging
from touchpath.ingest.mapping import CANONICAL_FIELDS
from touchpath.workspace import Workspace, find_workspace, group_members

EVENT_KIND = "event"
FEEDBACK_KIND = "feedback"
MERGE_BATCH = 200_000
"""Most events one import of a merge takes (a bigger backlog takes several)."""

# ids never hold control characters (the import marks rejected rows with a NUL)
_CONTROL = r"^[^\x00-\x1f\x7f]+$"


def _no_canonical_keys(value: dict[str, Any]) -> dict[str, Any]:
    clash = sorted(set(value) & {*CANONICAL_FIELDS, "attributes"})
    if clash:
        raise ValueError(f"attribute names may not be event fields: {', '.join(clash)}")
    return value


Text = Annotated[str, Field(max_length=500)]
Attributes = Annotated[
    dict[
        Annotated[str, Field(min_length=1, max_length=100)],
        Annotated[str, Field(max_length=2000)] | int | float | bool | None,
    ],
    Field(max_length=50),
    AfterValidator(_no_canonical_keys),
]


class CollectedEvent(BaseModel):
    """One touch event as a site or CRM posts it (the fields of ``touchpath import``).

    ``event_id`` is required: it is what makes a resent batch harmless. ``channel`` may be
    a channel group (``organic_search``, ``email`` ...) or left out, and the import's
    channel grouping derives it from ``source``, ``medium``, ``referrer`` and ``url``.
    ``attributes`` are kept with the event as JSON.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    event_id: str = Field(min_length=1, max_length=200, pattern=_CONTROL)
    customer_id: str = Field(min_length=1, max_length=200, pattern=_CONTROL)
    ts: AwareDatetime
    event_name: Text | None = None
    touchpoint: Annotated[str, Field(max_length=64)] | None = None
    channel: Annotated[str, Field(max_length=64)] | None = None
    campaign: Text | None = None
    source: Text | None = None
    medium: Text | None = None
    referrer: Annotated[str, Field(max_length=2000)] | None = None
    url: Annotated[str, Field(max_length=2000)] | None = None
    is_conversion: bool = False
    value: Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    attributes: Attributes = Field(default_factory=dict)

    @model_validator(mode="after")
    def _value_has_currency(self) -> CollectedEvent:
        if self.value is not None and self.value != 0 and self.currency is None:
            raise ValueError("a money value needs its currency")
        return self


class CollectedFeedback(BaseModel):
    """A survey answer or review as a site or CRM posts it (the fields of ``touchpath
    feedback import``, docs/voc.md). ``feedback_id`` makes a resent batch harmless."""

    model_config = ConfigDict(extra="forbid")

    feedback_id: str = Field(min_length=1, max_length=200, pattern=_CONTROL)
    customer_id: Annotated[str, Field(max_length=200, pattern=_CONTROL)] | None = None
    ts: AwareDatetime
    touchpoint: Annotated[str, Field(max_length=64)] | None = None
    stage: Annotated[str, Field(max_length=64)] | None = None
    channel: Annotated[str, Field(max_length=64)] | None = None
    kind: Literal["nps", "csat", "ces", "stars", "text"] | None = None
    score: Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)] | None = None
    text: Annotated[str, Field(max_length=20_000)] | None = None
    language: Annotated[str, Field(max_length=8)] | None = None


_event = TypeAdapter(CollectedEvent)
_feedback = TypeAdapter(CollectedFeedback)
_ATTRIBUTES = b'"attributes":'


def serializer(items: list[CollectedEvent] | list[CollectedFeedback]) -> staging.Serialize:
    """The staging payload of the chosen items: JSON Lines, serialised by pydantic.

    Fields at their defaults are left out (the imports give them the same defaults).
    """
    adapter: TypeAdapter[Any] = (
        _feedback if items and isinstance(items[0], CollectedFeedback) else _event
    )

    def serialize(chosen: list[int]) -> bytes:
        return b"\n".join(adapter.dump_json(items[i], exclude_defaults=True) for i in chosen)

    return serialize


def import_lines(payload: bytes) -> bytes:
    """A staged payload as the JSON Lines the import reads.

    Attributes become top-level keys: the JSON Lines reader keeps every key that is not
    an event field in the stored ``attributes`` object (:class:`CollectedEvent` refuses
    attribute names that are event fields). Lines without attributes pass unchanged, so
    the common case costs no Python per event.
    """
    if _ATTRIBUTES not in payload:
        return payload
    lines = []
    for line in payload.split(b"\n"):
        if _ATTRIBUTES in line:
            event = json.loads(line)
            attributes = event.pop("attributes", None) or {}
            flat = {**attributes, **event}
            line = json.dumps(flat, ensure_ascii=False, separators=(",", ":")).encode()
        lines.append(line)
    return b"\n".join(lines)


# -- merging -------------------------------------------------------------------------------


@dataclass
class MergeReport:
    """What one merge did in one workspace."""

    workspace: str
    merged: int = 0
    imported: int = 0
    duplicates: int = 0
    quarantined: int = 0
    imports: list[int] = field(default_factory=list)
    feedback: dict[str, int] = field(default_factory=dict)
    busy: bool = False
    waiting: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            "merged": self.merged,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "imports": self.imports,
            "feedback": self.feedback,
            "busy": self.busy,
            "waiting": self.waiting,
        }


Merger = Callable[[Workspace, list[tuple[int, bytes]], Path, MergeReport], None]


def merge_events(
    ws: Workspace, rows: list[tuple[int, bytes]], folder: Path, report: MergeReport
) -> None:
    """Import staged batches (``(seq, payload)``) as one JSON Lines file."""
    from touchpath.bootstrap import ingest_store, load_catalogue, publish_import
    from touchpath.ingest.pipeline import import_events

    first, last = rows[0][0], rows[-1][0]
    path = folder / f"collected-{first:012d}-{last:012d}.jsonl"
    with path.open("wb") as fh:
        for _seq, payload in rows:
            fh.write(import_lines(payload))
            fh.write(b"\n")
    try:
        result = import_events(ingest_store(ws), path, fmt="jsonl", catalogue=load_catalogue(ws))
        publish_import(ws, result.import_id)
    finally:
        path.unlink(missing_ok=True)
    report.imported += result.imported
    report.duplicates += result.duplicates
    report.quarantined += result.quarantined
    report.imports.append(result.import_id)


def merge_feedback(
    ws: Workspace, rows: list[tuple[int, bytes]], folder: Path, report: MergeReport
) -> None:
    """Import staged feedback through the feedback import (ledger, quarantine, alerts)."""
    from touchpath.store import crud
    from touchpath.store.db import create_engine, session_factory
    from touchpath.voc.alerts import check_alerts
    from touchpath.voc.importer import import_feedback
    from touchpath.voc.records import known_from_catalogue

    first, last = rows[0][0], rows[-1][0]
    path = folder / f"feedback-{first:012d}-{last:012d}.jsonl"
    with path.open("wb") as fh:
        for _seq, payload in rows:
            fh.write(payload)
            fh.write(b"\n")
    engine = create_engine(ws.metadata_url)
    try:
        with session_factory(engine)() as session:
            known = known_from_catalogue(crud.load_catalogue(session=session))
            result = import_feedback(path, session=session, known=known)
            check_alerts(session=session)
    finally:
        engine.dispose()
        path.unlink(missing_ok=True)
    for name, count in (
        ("imported", result.rows_inserted),
        ("duplicates", result.rows_duplicate),
        ("quarantined", result.rows_quarantined),
    ):
        report.feedback[name] = report.feedback.get(name, 0) + count


MERGERS: dict[str, Merger] = {EVENT_KIND: merge_events, FEEDBACK_KIND: merge_feedback}
"""How each kind of staged item reaches its store (feedback joins here)."""


@contextlib.contextmanager
def _merge_lock(path: Path) -> Iterator[bool]:
    """One merger per workspace at a time (others skip the round): True when held."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def merge(
    ws: Workspace, *, batch: int = MERGE_BATCH, kinds: tuple[str, ...] | None = None
) -> MergeReport:
    """Move everything staged in ``ws`` into its stores; safe to run from several processes."""
    report = MergeReport(workspace=str(ws.root))
    path = staging.staging_path(ws.root)
    if not path.exists():
        return report
    with _merge_lock(path.with_suffix(".merge-lock")) as held:
        if not held:
            report.busy = True
            return report
        con = staging.connect(path)
        try:
            for kind in kinds or tuple(MERGERS):
                merger = MERGERS[kind]
                while rows := staging.pending(con, kind, batch):
                    merger(ws, rows, path.parent, report)
                    staging.mark_merged(con, kind, rows[-1][0])
                    # a payload holds one item per line
                    report.merged += sum(payload.count(b"\n") + 1 for _seq, payload in rows)
            staging.prune(con)
            report.waiting = sum(staging.backlog(con).waiting.values())
        finally:
            con.close()
    return report


def merge_all(root: Path, *, metadata_url: str | None = None) -> list[MergeReport]:
    """:func:`merge` in every member of the workspace or group at ``root``."""
    return [merge(find_workspace(m, metadata_url=metadata_url)) for m in group_members(root)]


def watch(
    root: Path,
    *,
    interval: float = 1.0,
    metadata_url: str | None = None,
    parent: int | None = None,
    log: Callable[[str], None] | None = None,
) -> None:
    """Merge every ``interval`` seconds until stopped (or until ``parent`` is gone).

    After a round that took longer than ``interval``, the next one waits as long as it
    took, so readers of the events store get it at least half of the time.
    """
    while parent is None or os.getppid() == parent:
        started = time.monotonic()
        for member in group_members(root):
            try:
                merge(find_workspace(member, metadata_url=metadata_url))
            except TouchpathError as exc:  # a busy or broken store: try again next round
                if log is not None:
                    log(f"{member}: {exc}")
        # a merge that takes long (a big store) is followed by as long a rest: the merger
        # never holds the events file (or a CPU) more than half the time
        spent = time.monotonic() - started
        time.sleep(max(interval - spent, spent))


class MergerProcess:
    """The merger as a child of the web server, stopped with it.

    The child also stops by itself when the server dies without stopping it (it checks
    that its parent is still the same process).
    """

    def __init__(self, root: Path, *, interval: float = 1.0, metadata_url: str | None = None):
        self.root = root
        self.interval = interval
        self.metadata_url = metadata_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [sys.executable, "-m", "touchpath.ingest.collector", str(self.root)]
        args += ["--interval", str(self.interval), "--parent", str(os.getpid())]
        env = dict(os.environ)
        if self.metadata_url:
            env["TOUCHPATH_COLLECTOR_METADATA_URL"] = self.metadata_url
        self.process = subprocess.Popen(args, env=env)  # noqa: S603  (our own interpreter)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> None:
    """``python -m touchpath.ingest.collector ROOT``: the server's merger child."""
    parser = argparse.ArgumentParser(description="touchpath collector merger")
    parser.add_argument("root", type=Path)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--parent", type=int, default=None)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    metadata_url = os.environ.get("TOUCHPATH_COLLECTOR_METADATA_URL") or None

    def log(message: str) -> None:
        print(f"touchpath collector: {message}", file=sys.stderr, flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        watch(
            args.root,
            interval=args.interval,
            metadata_url=metadata_url,
            parent=args.parent,
            log=log,
        )


if __name__ == "__main__":
    main()
