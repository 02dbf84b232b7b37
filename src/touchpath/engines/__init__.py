"""The only place Ibis expressions execute: duckdb (default), other backends by name."""

from touchpath.engines import duckdb as _duckdb  # noqa: F401  (registers the engine)
from touchpath.engines import spark as _spark  # noqa: F401  (registers the engine)
from touchpath.engines.base import (
    ENGINES,
    EngineUnavailableError,
    EventsEngine,
    make_engine,
    register_engine,
)
from touchpath.engines.duckdb import DuckDBEngine
from touchpath.engines.spark import SparkEngine

__all__ = [
    "ENGINES",
    "DuckDBEngine",
    "EngineUnavailableError",
    "EventsEngine",
    "SparkEngine",
    "make_engine",
    "register_engine",
]
