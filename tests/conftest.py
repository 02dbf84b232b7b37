"""Shared test set-up: English unless a test asks otherwise."""

from __future__ import annotations

import os

# Help texts are translated when touchpath.cli is imported; pin the language first.
os.environ["TOUCHPATH_LANG"] = "en"

# Every test folder can run a test on DuckDB and on Spark (tests/backends.py).
pytest_plugins = ["backends"]
