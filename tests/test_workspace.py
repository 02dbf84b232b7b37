"""Workspace configuration: finding it, resolving its stores, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from touchpath.engines import DuckDBEngine, EngineUnavailableError
from touchpath.workspace import (
    GroupSection,
    WorkspaceConfig,
    WorkspaceError,
    WorkspaceSection,
    find_workspace,
    group_members,
    write_config,
)


def test_missing_workspace_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="touchpath init"):
        find_workspace(tmp_path)


def test_bad_toml_and_bad_fields_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "touchpath.toml").write_text("[workspace\nname=1", encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"touchpath\.toml"):
        find_workspace(tmp_path)
    (tmp_path / "touchpath.toml").write_text('[workspace]\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"touchpath\.toml: field workspace\.colour"):
        find_workspace(tmp_path)


def test_relative_sqlite_url_lives_in_the_workspace(tmp_path: Path) -> None:
    write_config(tmp_path, WorkspaceConfig(workspace=WorkspaceSection(name="Магазин")))
    ws = find_workspace(tmp_path)
    assert ws.name == "Магазин"
    assert ws.metadata_url == f"sqlite:///{tmp_path.resolve() / 'metadata.db'}"
    assert isinstance(ws.engine, DuckDBEngine)
    assert ws.engine.path == tmp_path.resolve() / "events.duckdb"
    override = find_workspace(tmp_path, metadata_url="postgresql+psycopg://h/db")
    assert override.metadata_url == "postgresql+psycopg://h/db"


def test_group_opens_its_default_member(tmp_path: Path) -> None:
    for member in ("shop", "clinic"):
        write_config(tmp_path / member, WorkspaceConfig(workspace=WorkspaceSection(name=member)))
    write_config(
        tmp_path,
        WorkspaceConfig(group=GroupSection(workspaces=["shop", "clinic"], default="clinic")),
    )
    assert find_workspace(tmp_path).name == "clinic"
    assert group_members(tmp_path) == [
        (tmp_path / "shop").resolve(),
        (tmp_path / "clinic").resolve(),
    ]


def test_unknown_engine_lists_the_choices(tmp_path: Path) -> None:
    (tmp_path / "touchpath.toml").write_text('[events]\nengine = "oracle"\n', encoding="utf-8")
    ws = find_workspace(tmp_path)
    with pytest.raises(EngineUnavailableError, match="choose one of: duckdb"):
        _ = ws.engine
