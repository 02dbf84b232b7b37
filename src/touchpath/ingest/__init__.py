"""Import touch events: readers (csv, jsonl, parquet, vendor exports), mapping, quarantine.

>>> from touchpath.ingest import READERS
>>> sorted(set(READERS) & {"csv", "jsonl", "parquet"})
['csv', 'jsonl', 'parquet']
"""

from importlib import import_module
from importlib.util import find_spec

from touchpath.ingest import files as _files  # noqa: F401  (registers csv, jsonl, parquet)
from touchpath.ingest.mapping import Mapping, MappingError, load_mapping, parse_mapping
from touchpath.ingest.pipeline import import_events
from touchpath.ingest.readers import (
    READERS,
    STAGED_COLUMNS,
    ImportFileError,
    Reader,
    detect_format,
    register_reader,
)
from touchpath.ingest.report import ImportReport, QuarantinedRow

VENDOR_READERS = ("ga4", "yandex_metrica", "bitrix24")
"""Vendor modules that register their readers when imported (those present)."""

for _name in VENDOR_READERS:
    if find_spec(f"touchpath.ingest.{_name}") is not None:
        import_module(f"touchpath.ingest.{_name}")

__all__ = [
    "READERS",
    "STAGED_COLUMNS",
    "VENDOR_READERS",
    "ImportFileError",
    "ImportReport",
    "Mapping",
    "MappingError",
    "QuarantinedRow",
    "Reader",
    "detect_format",
    "import_events",
    "load_mapping",
    "parse_mapping",
    "register_reader",
]
