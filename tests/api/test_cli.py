"""``touchpath apikey`` and ``touchpath collect``: keys that work on the API, merges."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli_support import run, run_json
from touchpath.workspace import find_workspace

from .conftest import Keys

Call = Callable[..., Any]


def test_a_created_key_opens_the_api_and_a_revoked_one_does_not(
    site: tuple[Path, Keys], client: Any
) -> None:
    root = site[0]
    made = run_json(
        "-w", str(root), "apikey", "create", "bi tool", "--role", "viewer", "--member", "clinic"
    )
    token = made["token"]
    assert made["member"] == "clinic" and made["role"] == "viewer"
    db = find_workspace(root / "clinic").metadata_url.removeprefix("sqlite:///")
    with sqlite3.connect(db) as con:
        [(digest,)] = con.execute("SELECT key_hash FROM api_keys WHERE id = ?", (made["id"],))
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/w/clinic/stages", headers=headers).status_code == 200
    assert client.get("/api/v1/w/shop/stages", headers=headers).status_code == 401
    listed = run_json("-w", str(root), "apikey", "list")
    mine = [k for k in listed if k["id"] == made["id"] and k["member"] == "clinic"]
    assert len(mine) == 1 and "token" not in mine[0] and mine[0]["last_used_at"] is not None
    gone = run_json("-w", str(root), "apikey", "revoke", str(made["id"]), "--member", "clinic")
    assert gone["revoked_at"] is not None
    assert client.get("/api/v1/w/clinic/stages", headers=headers).status_code == 401


def test_mistakes_are_one_line_errors(site: tuple[Path, Keys]) -> None:
    root = str(site[0])
    code, _out, err = run("-w", root, "apikey", "create", "x", "--role", "viewer")
    assert code == 1 and "--member" in err and "Traceback" not in err
    code, _out, err = run("-w", root, "apikey", "create", "x", "--role", "boss", "--member", "shop")
    assert code == 1 and "boss" in err
    code, _out, err = run("-w", root, "apikey", "revoke", "999", "--member", "shop")
    assert code == 1 and "999" in err
    code, _out, err = run("-w", root, "apikey", "list", "--member", "nowhere")
    assert code == 1 and "nowhere" in err


def test_collect_merge_moves_what_the_api_staged(site: tuple[Path, Keys], call: Call) -> None:
    root = site[0]
    events = [
        {"event_id": f"cli-{i}", "customer_id": "cli", "ts": "2026-01-05T12:00:00Z"}
        for i in range(3)
    ]
    assert (
        call("POST", "clinic", "collector", "/collect", json={"events": events}).status_code == 202
    )
    status = run_json("-w", str(root), "collect", "status")
    waiting = {Path(r["workspace"]).name: r["waiting"].get("event", 0) for r in status}
    assert waiting == {"shop": 0, "clinic": 3}
    merged = {Path(r["workspace"]).name: r for r in run_json("-w", str(root), "collect", "merge")}
    assert (merged["clinic"]["merged"], merged["clinic"]["imported"]) == (3, 3)
    assert merged["shop"]["merged"] == 0
    again = run_json("-w", str(root), "collect", "merge")
    assert all(r["merged"] == 0 for r in again)
    code, out, _err = run("-w", str(root), "collect", "status")
    assert code == 0 and "0 waiting" in out
    assert json.dumps(again)  # the JSON is plain
