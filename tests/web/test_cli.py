"""``touchpath serve`` and ``touchpath user ...`` through the real CLI."""

from __future__ import annotations

import json
import re
import stat
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from touchpath.cli import app as cli

from .conftest import login, users_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

runner = CliRunner()


def run(root: Path, *args: str, input: str | None = None):
    return runner.invoke(cli, ["--workspace", str(root), *args], input=input)


def test_user_add_list_passwd_remove(people: Path) -> None:
    added = run(
        people,
        "user",
        "add",
        "zoe",
        "--role",
        "analyst",
        "--member",
        "clinic",
        input="zoe's password\nzoe's password\n",
    )
    assert added.exit_code == 0, added.output
    assert ("zoe", "analyst") in users_of(people, "clinic")
    assert "zoe" not in dict(users_of(people, "shop"))
    listed = run(people, "user", "list", "--json")
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)["users"]
    expected = {(m, u, r) for m in ("shop", "clinic") for u, r in users_of(people, m)}
    assert {(r["workspace"], r["username"], r["role"]) for r in rows} == expected
    changed = run(people, "user", "passwd", "zoe", input="a new secret\na new secret\n")
    assert changed.exit_code == 0, changed.output
    removed = run(people, "user", "remove", "zoe")
    assert removed.exit_code == 0
    assert "zoe" not in dict(users_of(people, "clinic"))


def test_user_errors_are_one_line(people: Path) -> None:
    short = run(people, "user", "add", "zed", input="short\nshort\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    twice = run(
        people, "user", "add", "vic", "--member", "shop", input="long enough\nlong enough\n"
    )
    assert twice.exit_code == 1 and "already exists" in twice.output
    member = run(people, "user", "list", "--member", "bakery")
    assert member.exit_code == 1 and "unknown member 'bakery'" in member.output
    role = run(people, "user", "add", "zed", "--role", "owner", input="long enough\nlong enough\n")
    assert role.exit_code == 1 and "unknown role" in role.output
    nobody = run(people, "user", "passwd", "ghost", input="long enough\nlong enough\n")
    assert nobody.exit_code == 1 and "no user 'ghost'" in nobody.output
    last = run(people, "user", "remove", "boss")
    assert last.exit_code == 1 and "last admin" in last.output
    for result in (short, twice, member, role, nobody, last):
        assert "Traceback" not in result.output


def test_serve_a_demo_prints_the_address_and_a_working_login(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    started: dict[str, object] = {}

    def fake_run(app: object, **kwargs: object) -> None:
        started.update(kwargs, app=app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = run(people, "serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert (started["host"], started["port"]) == ("127.0.0.1", 8123)
    assert "http://localhost:8123/" in result.output
    found = re.search(r"Demo login: user (\S+), password (\S+)", result.output)
    assert found, result.output
    user, password = found.groups()
    login_file = people / ".web" / "demo_login"
    assert stat.S_IMODE(login_file.stat().st_mode) == 0o600
    assert ("demo", "admin") in users_of(people, "shop") and ("demo", "admin") in users_of(
        people, "clinic"
    )
    with TestClient(started["app"]) as client:  # type: ignore[arg-type]
        response = login(client, user, password)
        assert response.status_code == 303
        assert client.get("/w/clinic/").status_code == 200
    # serving again prints the same login
    again = run(people, "serve", "--port", "8123")
    assert f"password {password}" in again.output


def test_serve_refuses_a_workspace_nobody_can_log_in_to(tmp_path: Path, monkeypatch) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("must not start"))
    made = runner.invoke(cli, ["init", str(tmp_path / "ws")])
    assert made.exit_code == 0, made.output
    result = run(tmp_path / "ws", "serve")
    assert result.exit_code == 1 and "touchpath user add" in result.output
    added = run(
        tmp_path / "ws",
        "user",
        "add",
        "root",
        "--role",
        "admin",
        input="long enough\nlong enough\n",
    )
    assert added.exit_code == 0
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    served = run(tmp_path / "ws", "serve", "--host", "0.0.0.0", "--port", "9000")
    assert served.exit_code == 0 and "http://0.0.0.0:9000/" in served.output
    assert "Demo login" not in served.output
