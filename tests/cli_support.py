"""Running the ``touchpath`` command in tests, and the small demo shop CLI tests read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from touchpath.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one command (exceptions propagate)."""
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> Any:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def demo_shop(folder: Path, *, customers: int, seed: int) -> Path:
    """Build the demo with ``touchpath demo`` in ``folder``; its shop workspace."""
    root = folder / "demo"
    code, _out, err = run("demo", str(root), "--customers", str(customers), "--seed", str(seed))
    assert code == 0, err
    return root / "shop"
