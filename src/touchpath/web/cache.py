"""Analytics results cached per data version, so pages stay fast on big workspaces.

A result is kept under ``(workspace, data version, query, parameters)``. The data version
of a DuckDB store is the size and modification time of its file and write-ahead log:
an import changes them, so the next page computes afresh and old entries simply age out
of the LRU. Engines without a file get a version that changes every ``ttl`` seconds.
Results computed from the metadata DB as well are kept under its version too
(:func:`metadata_version`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.engine import make_url

from touchpath.workspace import Workspace

if TYPE_CHECKING:
    from touchpath.web.site import Member

T = TypeVar("T")

DataVersion = tuple[Hashable, ...]


def data_version(ws: Workspace, *, ttl: float = 60.0) -> DataVersion:
    """What changes whenever the workspace's events change."""
    path = getattr(ws.engine, "path", None)
    if isinstance(path, Path):
        return _stamp(path, path.with_name(path.name + ".wal"))
    return ("ttl", int(time.time() // ttl))


def metadata_version(member: Member, *, ttl: float = 60.0) -> DataVersion:
    """What changes whenever the member's metadata (catalogue, audits, feedback...) changes.

    The app's own writes move the member's write counter; other processes' (the CLI, the
    worker) change an SQLite file's stamp, and a server database is read again every
    ``ttl`` seconds.
    """
    url = make_url(member.workspace.metadata_url)
    database = url.database
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        path = Path(database)
        files = (path, *(path.with_name(path.name + s) for s in ("-wal", "-journal")))
        return (member.writes.count, *_stamp(*files))
    return (member.writes.count, "ttl", int(time.time() // ttl))


def _stamp(*files: Path) -> DataVersion:
    parts: list[Hashable] = []
    for file in files:
        try:
            st = file.stat()
        except FileNotFoundError:
            parts.append(None)
        else:
            parts.append((st.st_size, st.st_mtime_ns))
    return tuple(parts)


class ResultCache:
    """A small thread-safe LRU of computed results.

    >>> cache = ResultCache(maxsize=2)
    >>> cache.get(("a",), lambda: 1), cache.get(("a",), lambda: 2)
    (1, 1)
    """

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value of ``key``, computing (outside the lock) on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]  # type: ignore[no-any-return]
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
