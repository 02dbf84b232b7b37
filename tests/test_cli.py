"""The `touchpath` command end to end, on real workspaces in temporary folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from touchpath.cli import app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "demo"
    code, _out, err = run("demo", str(root), "--customers", "600", "--seed", "3")
    assert code == 0, err
    return root


def test_init_then_info_on_an_empty_workspace(tmp_path: Path) -> None:
    doc = run_json("init", str(tmp_path / "ws"), "--name", "Моя компания", "--currency", "RUB")
    assert doc["name"] == "Моя компания"
    info = run_json("--workspace", str(tmp_path / "ws"), "info")
    assert info["business"] == "Моя компания"
    assert info["events"] == 0
    assert info["stages"] == 5
    assert info["first_event"] is None


def test_user_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    code, out, err = run("--workspace", str(tmp_path), "info")
    assert code == 1
    assert "not a touchpath workspace" in err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1
    run("init", str(tmp_path / "ws"))
    code, _out, err = run("init", str(tmp_path / "ws"))
    assert code == 1
    assert "already here" in err
    code, _out, err = run("--workspace", str(tmp_path / "ws"), "import", str(tmp_path / "nope.csv"))
    assert code == 1
    assert "nope.csv" in err
    assert len(err.strip().splitlines()) == 1


def test_demo_summary_matches_the_stores(demo_dir: Path) -> None:
    doc = run_json("--workspace", str(demo_dir), "info")
    names = [w["path"] for w in doc["workspaces"]]
    assert names == [str((demo_dir / "shop").resolve()), str((demo_dir / "clinic").resolve())]
    for summary in doc["workspaces"]:
        db = Path(summary["path"]) / "events.duckdb"
        with duckdb.connect(str(db), read_only=True) as con:
            events, customers, conversions = con.execute(
                "SELECT count(*), count(DISTINCT customer_id), count(*) FILTER (is_conversion)"
                " FROM events"
            ).fetchone()  # type: ignore[misc]
        assert (summary["events"], summary["customers"], summary["conversions"]) == (
            events,
            customers,
            conversions,
        )
        assert summary["events"] > summary["customers"] > 0
        assert summary["missing_touchpoints"], "the demo lacks some competitors' touchpoints"
        assert set(summary["revenue"]) == {"RUB"}
    assert sum(w["customers"] for w in doc["workspaces"]) <= 600


def test_demo_is_deterministic_and_refuses_to_overwrite(tmp_path: Path, demo_dir: Path) -> None:
    again = run_json("demo", str(tmp_path / "d"), "--customers", "600", "--seed", "3")
    first = run_json("--workspace", str(demo_dir), "info")
    for a, b in zip(again["workspaces"], first["workspaces"], strict=True):
        assert (a["events"], a["conversions"], a["revenue"]) == (
            b["events"],
            b["conversions"],
            b["revenue"],
        )
    code, _out, err = run("demo", str(tmp_path / "d"), "--customers", "100")
    assert code == 1 and "--force" in err
    replaced = run_json("demo", str(tmp_path / "d"), "--customers", "100", "--force")
    assert sum(w["customers"] for w in replaced["workspaces"]) <= 100
    run("init", str(tmp_path / "mine"))
    code, _out, err = run("demo", str(tmp_path / "mine"), "--force")
    assert code == 1 and "not a demo" in err
    assert (tmp_path / "mine" / "metadata.db").exists()  # nothing of the user's is removed


def test_group_member_by_path_and_env(demo_dir: Path) -> None:
    clinic = run_json("--workspace", str(demo_dir / "clinic"), "info")
    assert clinic["path"] == str((demo_dir / "clinic").resolve())
    code, out, _err = run("info", "--json", env={"TOUCHPATH_WORKSPACE": str(demo_dir / "clinic")})
    assert code == 0 and json.loads(out)["business"] == clinic["business"]


def test_catalogue_export_validate_import_round_trip(tmp_path: Path, demo_dir: Path) -> None:
    clinic = str(demo_dir / "clinic")
    listed = run_json("--workspace", clinic, "catalogue", "list")
    out_file = tmp_path / "clinic.yaml"
    code, _out, _err = run("--workspace", clinic, "catalogue", "export", "-o", str(out_file))
    assert code == 0
    assert "Медицинский" in out_file.read_text(encoding="utf-8") or listed["business"] in (
        out_file.read_text(encoding="utf-8")
    )
    assert run_json("catalogue", "validate", str(out_file)) == {"valid": True, "problems": []}
    run("init", str(tmp_path / "ws"))
    doc = run_json("--workspace", str(tmp_path / "ws"), "catalogue", "import", str(out_file))
    assert doc["touchpoints"] == len(listed["touchpoints"])
    assert run_json("--workspace", str(tmp_path / "ws"), "catalogue", "list") == listed


def test_catalogue_validate_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "business: Shop\ntouchpoints:\n  - id: site\n    name: Site\n    channel: telepathy\n",
        encoding="utf-8",
    )
    code, _out, err = run("catalogue", "validate", str(bad))
    assert code == 1
    assert "bad.yaml:5" in err and "channel" in err
    code, out, _err = run("catalogue", "validate", str(bad), "--json")
    assert code == 1 and json.loads(out)["valid"] is False


def test_import_reports_and_strict_exit_code(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    run("init", ws)
    data = tmp_path / "events.csv"
    data.write_text(
        "event_id,customer_id,ts,event_name\n"
        "1,c1,2025-01-01T10:00:00Z,page_view\n"
        "2,c1,2025-01-01T10:05:00Z,form_submit\n"
        "3,,2025-01-01T10:06:00Z,page_view\n"
        "4,c2,not a time,page_view\n",
        encoding="utf-8",
    )
    doc = run_json("--workspace", ws, "import", str(data))
    assert (doc["rows_read"], doc["imported"], doc["duplicates"], doc["quarantined"]) == (
        4,
        2,
        0,
        2,
    )
    again = run_json("--workspace", ws, "import", str(data))
    assert (again["imported"], again["duplicates"], again["quarantined"]) == (0, 2, 2)
    code, _out, _err = run("--workspace", ws, "import", str(data), "--strict")
    assert code == 1
    q = run_json("--workspace", ws, "quarantine")
    assert q["total"] == 6
    assert {r["line"] for r in q["rows"]} == {4, 5}
    assert {r["field"] for r in q["rows"]} == {"customer_id", "ts"}


def test_russian_messages(tmp_path: Path) -> None:
    code, out, _err = run("--lang", "ru", "init", str(tmp_path / "ws"))
    assert code == 0 and "Рабочее пространство создано" in out
    code, _out, err = run("--lang", "ru", "--workspace", str(tmp_path / "none"), "info")
    assert code == 1 and err.startswith("ошибка:")
    code, _out, err = run("--lang", "xx", "info")
    assert code == 1 and "unsupported language" in err


def test_help_is_translated_by_the_environment() -> None:
    env = {**os.environ, "TOUCHPATH_LANG": "ru"}
    proc = subprocess.run(
        [sys.executable, "-m", "touchpath", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Импортировать события касаний" in proc.stdout
    assert "Import touch events" not in proc.stdout
