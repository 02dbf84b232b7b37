"""A workspace is a folder: ``touchpath.toml``, the metadata DB and the events DB.

A folder may instead be a *group* of workspaces (the demo builds one: a clinic and a
shop); commands run in a group use its default member.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from touchpath.engines import EventsEngine, make_engine
from touchpath.errors import TouchpathError

CONFIG_FILE = "touchpath.toml"


class WorkspaceError(TouchpathError):
    """A workspace is missing or its configuration is wrong; the message says which file."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkspaceSection(_Section):
    name: str = "touchpath workspace"
    timezone: str = "UTC"
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


class MetadataSection(_Section):
    url: str = "sqlite:///metadata.db"


class EventsSection(BaseModel):
    model_config = ConfigDict(extra="allow")
    engine: str = "duckdb"
    path: str = "events.duckdb"


class GroupSection(_Section):
    workspaces: list[str] = Field(min_length=1)
    default: str | None = None
    demo: bool = False


class WorkspaceConfig(_Section):
    """The parsed ``touchpath.toml``: either a workspace or a group of workspaces."""

    workspace: WorkspaceSection | None = None
    metadata: MetadataSection = Field(default_factory=MetadataSection)
    events: EventsSection = Field(default_factory=EventsSection)
    group: GroupSection | None = None


def read_config(root: Path) -> WorkspaceConfig:
    path = root / CONFIG_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkspaceError(
            f"{root}: not a touchpath workspace (no {CONFIG_FILE}); "
            "run `touchpath init` or `touchpath demo` there, or pass --workspace DIR"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"{path}: {exc}") from None
    try:
        return WorkspaceConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise WorkspaceError(f"{path}: field {where}: {err['msg']}") from None


@dataclass
class Workspace:
    """An open workspace: where its stores are and how to reach them."""

    root: Path
    config: WorkspaceConfig
    metadata_url_override: str | None = None
    _engine: EventsEngine | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.config.workspace.name if self.config.workspace else self.root.name

    @property
    def metadata_url(self) -> str:
        """The SQLAlchemy URL; a relative SQLite path is taken from the workspace folder."""
        url = self.metadata_url_override or self.config.metadata.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            rel = url[len(prefix) :]
            if rel and rel != ":memory:":
                return prefix + str((self.root / rel).resolve())
        return url

    @property
    def engine(self) -> EventsEngine:
        if self._engine is None:
            options: dict[str, Any] = self.config.events.model_dump()
            self._engine = make_engine(options.pop("engine"), self.root, options)
        return self._engine


def find_workspace(root: Path, *, metadata_url: str | None = None) -> Workspace:
    """Open the workspace at ``root``; a group yields its default member."""
    root = root.resolve()
    config = read_config(root)
    if config.group is not None:
        member = config.group.default or config.group.workspaces[0]
        return find_workspace(root / member, metadata_url=metadata_url)
    return Workspace(root=root, config=config, metadata_url_override=metadata_url)


def group_members(root: Path) -> list[Path]:
    """The member folders of a group, or ``[root]`` for a plain workspace."""
    config = read_config(root.resolve())
    if config.group is None:
        return [root.resolve()]
    return [(root / m).resolve() for m in config.group.workspaces]


def write_config(root: Path, config: WorkspaceConfig) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / CONFIG_FILE
    data = config.model_dump(exclude_none=True)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path
