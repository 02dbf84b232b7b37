"""The Python API: a workspace whose analyses are methods.

    >>> import touchpath
    >>> ws = touchpath.Workspace("demo")                     # doctest: +SKIP
    >>> ws.funnel(["context_ad", "site_service", "phone_booking"], window="30d").steps
    >>> ws.journey().edges                                  # doctest: +SKIP

Each call opens the events store read-only, lets the engine do the work and closes it
again, so other touchpath processes (an import, the web app) are not locked out for long.
Keyword options are those of the analysis functions in :mod:`touchpath.analytics`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import ibis

from touchpath.analytics.conformance import Conformance, conformance
from touchpath.analytics.funnels import FunnelResult, StepLike, funnel
from touchpath.analytics.journey import JourneyMap, directly_follows
from touchpath.analytics.paths import PathsResult, SankeyResult, sankey, top_paths
from touchpath.analytics.retention import Retention, retention
from touchpath.analytics.touchpoint_stats import TouchpointStats, touchpoint_stats
from touchpath.bootstrap import load_catalogue
from touchpath.model import Catalogue
from touchpath.workspace import Workspace as _Folder
from touchpath.workspace import find_workspace

T = TypeVar("T")


class Workspace:
    """A touchpath workspace folder (or a group: its default member) opened for analysis."""

    def __init__(self, path: str | Path = ".", *, metadata_url: str | None = None) -> None:
        self.folder: _Folder = find_workspace(Path(path), metadata_url=metadata_url)

    def __repr__(self) -> str:
        return f"touchpath.Workspace({str(self.folder.root)!r})"

    @cached_property
    def catalogue(self) -> Catalogue:
        """The touchpoint catalogue (read once; make a new Workspace to see edits)."""
        return load_catalogue(self.folder)

    @contextmanager
    def events(self) -> Iterator[ibis.Table]:
        """The events table for your own Ibis expressions, open inside the ``with``."""
        engine = self.folder.engine
        con = engine.connect(read_only=True)
        try:
            yield engine.events(con)
        finally:
            con.disconnect()

    def _run(self, fn: Callable[..., T], *args: Any, **options: Any) -> T:
        with self.events() as events:
            return fn(events, *args, **options)

    def funnel(self, steps: Sequence[StepLike] | None = None, **options: Any) -> FunnelResult:
        """Customers through ordered steps; no steps means the five journey stages."""
        options.setdefault("catalogue", self.catalogue)
        return self._run(funnel, steps, **options)

    def paths(self, n: int = 20, kind: str = "all", **options: Any) -> PathsResult:
        """The most common path variants (all, converted or dropped customers)."""
        options.setdefault("catalogue", self.catalogue)
        return self._run(top_paths, n, kind, **options)

    def sankey(self, steps: int = 5, **options: Any) -> SankeyResult:
        """Flows of the first ``steps`` steps, into conversion and drop-off."""
        options.setdefault("catalogue", self.catalogue)
        return self._run(sankey, steps, **options)

    def journey(self, **options: Any) -> JourneyMap:
        """The discovered journey: the directly-follows graph with its times."""
        return self._run(directly_follows, **options)

    def conformance(self, **options: Any) -> Conformance:
        """How customers follow the designed chains, where they deviate and leave."""
        return self._run(conformance, self.catalogue, **options)

    def retention(self, **options: Any) -> Retention:
        """CRR per period, cohorts, repeat purchases, churn and (``rfm=True``) RFM."""
        return self._run(retention, **options)

    def touchpoints(self, **options: Any) -> TouchpointStats:
        """Reach, conversion, position, first/last touch and drop-off per touchpoint."""
        return self._run(touchpoint_stats, **options)
