"""The workspaces one server serves: a workspace, or every member of a group.

Each member keeps its own metadata DB (catalogue, users, sessions) and events store;
the web app reaches a member only through its key in the URL (``/w/<key>/...``), so
nothing of one member is read while serving another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

import touchpath.store.auth  # noqa: F401  (the users tables join the metadata)
from touchpath.store import migrate
from touchpath.store.db import WriteCounter, create_engine, session_factory
from touchpath.workspace import Workspace, find_workspace, group_members, read_config


@dataclass
class Member:
    """One served workspace and its metadata database."""

    key: str
    workspace: Workspace
    engine: sa.Engine
    sessions: sessionmaker[Session]
    writes: WriteCounter = field(init=False)

    def __post_init__(self) -> None:
        self.writes = WriteCounter(self.sessions)

    @property
    def name(self) -> str:
        return self.workspace.name


@dataclass
class Site:
    """Everything the app serves; ``root`` is the folder passed to ``touchpath serve``."""

    root: Path
    members: dict[str, Member] = field(default_factory=dict)
    demo: bool = False

    def close(self) -> None:
        for member in self.members.values():
            member.engine.dispose()


def open_site(root: Path, *, metadata_url: str | None = None, upgrade: bool = True) -> Site:
    """Open the workspace or group in ``root``; metadata DBs are brought to the newest schema.

    Upgrading here means a workspace made by an older touchpath gets its users tables
    the first time it is served.
    """
    root = root.resolve()
    config = read_config(root)
    site = Site(root=root, demo=bool(config.group and config.group.demo))
    for folder in group_members(root):
        ws = find_workspace(folder, metadata_url=metadata_url)
        if upgrade:
            migrate.upgrade(ws.metadata_url)
        engine = create_engine(ws.metadata_url, connect_args=_connect_args(ws.metadata_url))
        site.members[folder.name] = Member(
            key=folder.name, workspace=ws, engine=engine, sessions=session_factory(engine)
        )
    return site


def _connect_args(url: str) -> dict[str, object]:
    """SQLite connections may move between the server's worker threads.

    A request checks the login in one worker thread and runs the page in another; the
    connection pool still hands each connection to one thread at a time.
    """
    return {"check_same_thread": False} if url.startswith("sqlite") else {}
