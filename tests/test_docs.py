"""Docs stay honest: the CLI reference is the commands' own help."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location(
        "cli_reference", ROOT / "scripts" / "cli_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert module.render(current) == current, "run `python scripts/cli_reference.py`"
    for command in ("init", "demo", "import", "info", "quarantine", "catalogue export"):
        assert f"### `touchpath {command}`" in current


def test_every_workspace_setting_is_documented() -> None:
    from touchpath.config import Settings
    from touchpath.workspace import (
        EventsSection,
        GroupSection,
        MetadataSection,
        WorkspaceSection,
    )

    doc = (ROOT / "docs" / "workspace.md").read_text(encoding="utf-8")
    sections = {
        "workspace": WorkspaceSection,
        "metadata": MetadataSection,
        "events": EventsSection,
        "group": GroupSection,
    }
    for section, model in sections.items():
        for name in model.model_fields:
            assert f"`{section}.{name}`" in doc, f"{section}.{name}"
    assert "`events.lock_timeout`" in doc
    for name in Settings.model_fields:
        assert f"`TOUCHPATH_{name.upper()}`" in doc, name
