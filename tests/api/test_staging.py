"""The staging area on its own: durable appends, watermarks, pruning after the grace time."""

from __future__ import annotations

import json
import time
from pathlib import Path

from touchpath.ingest import staging


def payload_of(ids: list[str]) -> staging.Serialize:
    return lambda chosen: "\n".join(json.dumps({"id": ids[i]}) for i in chosen).encode()


def test_only_new_ids_are_stored_and_merged_payloads_are_emptied(tmp_path: Path) -> None:
    con = staging.connect(tmp_path / "s.sqlite")
    first = ["a", "b", "c"]
    assert staging.append(con, "event", first, payload_of(first)) == 3
    second = ["c", "d", "d"]  # one known, one repeated inside the batch
    assert staging.append(con, "event", second, payload_of(second)) == 1
    rows = staging.pending(con, "event", 100)
    lines = [json.loads(x)["id"] for _seq, p in rows for x in p.splitlines()]
    assert lines == ["a", "b", "c", "d"]
    assert staging.backlog(con).waiting == {"event": 4}
    staging.mark_merged(con, "event", rows[0][0])
    assert staging.backlog(con).waiting == {"event": 1}
    [(size,)] = con.execute("SELECT length(payload) FROM staged WHERE seq = ?", (rows[0][0],))
    assert size == 0
    assert staging.append(con, "event", first, payload_of(first)) == 0  # still remembered


def test_ids_are_forgotten_only_after_merge_and_grace_time(tmp_path: Path) -> None:
    con = staging.connect(tmp_path / "s.sqlite")
    staging.append(con, "event", ["a"], payload_of(["a"]))
    staging.append(con, "event", ["b"], payload_of(["b"]))
    [(seq_a, _p), (_seq_b, _q)] = staging.pending(con, "event", 100)
    staging.mark_merged(con, "event", seq_a)  # b still waits
    later = 10 * staging.KEEP_IDS
    assert staging.prune(con, now=time.time() + later) == 1  # a only
    assert staging.backlog(con).staged == {"event": 1}
    assert staging.append(con, "event", ["b"], payload_of(["b"])) == 0  # waiting: kept
    assert staging.append(con, "event", ["a"], payload_of(["a"])) == 1  # forgotten: staged again
    assert staging.prune(con) == 0  # nothing is old yet
