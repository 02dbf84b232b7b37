"""`touchpath attribute` on a small demo workspace and on path files.

Workspace figures are checked against pandas reading the events file directly (last
touch before each conversion); file figures against chains solved by hand.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cli_support import demo_shop, run, run_json


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_shop(tmp_path_factory.mktemp("attribute-demo"), customers=300, seed=4)


@pytest.fixture(scope="module")
def events(shop: Path) -> pd.DataFrame:
    con = duckdb.connect(str(next(shop.glob("*.duckdb"))), read_only=True)
    try:
        return (
            con.sql(
                "SELECT customer_id, ts, seq, event_id, channel, is_conversion, value FROM events"
            )
            .to_arrow_table()
            .to_pandas()
        )
    finally:
        con.close()


def last_touch_by_pandas(events: pd.DataFrame, lookback: pd.Timedelta) -> dict[str, float]:
    """Each conversion to the channel of the touch just before it (since the last one)."""
    credit: dict[str, float] = {}
    ordered = events.sort_values(["customer_id", "ts", "seq", "event_id"])
    for _customer, rows in ordered.groupby("customer_id", sort=False):
        last: tuple[pd.Timestamp, str] | None = None
        for row in rows.itertuples():
            if not row.is_conversion:
                last = (row.ts, row.channel)
                continue
            if last is not None and last[0] >= row.ts - lookback:
                credit[last[1]] = credit.get(last[1], 0.0) + 1.0
            last = None
    return credit


def test_last_touch_on_the_workspace(shop: Path, events: pd.DataFrame) -> None:
    doc = run_json("--workspace", str(shop), "attribute", "--model", "last", "--lookback", "30d")
    assert doc["input"] == {"source": "events", "unit": "channel", "lookback": "30d"}
    channels = doc["models"]["last"]["channels"]
    got = {c["channel"]: c["conversions"] for c in channels if c["conversions"]}
    want = last_touch_by_pandas(events, pd.Timedelta(days=30))
    assert got == want
    assert doc["totals"]["conversions"] == sum(want.values())
    assert sum(c["share"] for c in channels) == pytest.approx(1.0)


def test_markov_on_the_workspace(shop: Path) -> None:
    doc = run_json("--workspace", str(shop), "attribute", "--model", "markov", "--order", "2")
    entry = doc["models"]["markov"]
    assert entry["label"] == "markov_2" and entry["params"]["order"] == 2
    rows = entry["channels"]
    assert {"removal_effect", "removal_effect_value"} <= set(rows[0])
    assert all(0.0 <= r["removal_effect"] <= 1.0 for r in rows)
    # Credit is proportional to the removal effects.
    total_effect = sum(r["removal_effect"] for r in rows)
    for r in rows:
        assert r["share"] == pytest.approx(r["removal_effect"] / total_effect)


def test_all_models_table_on_the_workspace(shop: Path, tmp_path: Path) -> None:
    chart = tmp_path / "models.html"
    code, out, err = run("--workspace", str(shop), "attribute", "--html", str(chart))
    assert code == 0, err
    assert "Attributed conversions by model" in out and "Removal effect" in out
    # the table is too wide for the test terminal to show every header: names via JSON
    models = run_json("--workspace", str(shop), "attribute")["models"]
    assert {"first", "last", "linear", "markov", "shapley"} <= set(models)
    assert chart.read_text(encoding="utf-8").count("plotly") > 1


HAND_CSV = """path;total_conversions;total_conversion_value;total_null
a > b > a;1;10;0
b;0;0;1
a;1;4;1
"""


def test_markov_on_a_path_file(tmp_path: Path) -> None:
    """The chain of test_markov.test_small_chain_with_a_loop_by_hand: RE a = 1, b = 1/4."""
    file = tmp_path / "paths.csv"
    file.write_text(HAND_CSV, encoding="utf-8")
    doc = run_json("attribute", "--paths", str(file), "--model", "markov")
    assert doc["input"] == {"source": "file", "file": str(file), "sep": ">"}
    assert doc["totals"] == {"paths": 3, "conversions": 2.0, "value": 14.0, "nulls": 2.0}
    rows = {r["channel"]: r for r in doc["models"]["markov"]["channels"]}
    assert rows["a"]["removal_effect"] == pytest.approx(1.0)
    assert rows["b"]["removal_effect"] == pytest.approx(0.25)
    assert rows["a"]["conversions"] == pytest.approx(1.6)
    assert rows["b"]["value"] == pytest.approx(2.8)
    assert doc["models"]["markov"]["conversion_probability"] == pytest.approx(0.5)


def test_all_on_a_path_file_skips_time_decay(tmp_path: Path) -> None:
    file = tmp_path / "paths.csv"
    file.write_text(HAND_CSV.replace(" > ", "|"), encoding="utf-8")
    doc = run_json("attribute", "--paths", str(file), "--sep", "|")
    assert "time-decay" not in doc["models"]
    assert doc["skipped"][0]["model"] == "time-decay"
    first = {r["channel"]: r["conversions"] for r in doc["models"]["first"]["channels"]}
    assert first == {"a": 2.0, "b": 0.0}
    code, _out, err = run("attribute", "--paths", str(file), "--sep", "|", "--model", "time-decay")
    assert code == 1 and "time-decay needs touch times" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "magic"], "unknown model 'magic'"),
        (["--model", "markov", "--order", "7"], "order"),
        (["--unit", "stage"], "unknown unit"),
    ],
)
def test_user_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    file = tmp_path / "paths.csv"
    file.write_text(HAND_CSV, encoding="utf-8")
    code, _out, err = run("attribute", "--paths", str(file), *args)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1


def test_bad_file_names_line_and_field(tmp_path: Path) -> None:
    file = tmp_path / "bad.csv"
    file.write_text("path;total_conversions\na;1\nb;many\n", encoding="utf-8")
    code, _out, err = run("attribute", "--paths", str(file))
    assert code == 1
    assert "bad.csv:3: total_conversions" in err
