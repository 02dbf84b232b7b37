"""Conformance to designed chains on hand-worked logs and against a pure-Python reference."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpath.analytics.conformance import REPLACE, SKIP, conformance
from touchpath.errors import TouchpathError
from touchpath.model import Catalogue, Chain, Touchpoint

T0 = pd.Timestamp("2025-05-01 09:00", tz="UTC")


def catalogue(*chains: Chain) -> Catalogue:
    ids = ["a", "b", "c", "d", "x", "y"]
    return Catalogue(
        business="Test",
        touchpoints=[Touchpoint(id=i, name=i.upper(), channel="site") for i in ids],
        chains=list(chains),
    )


MAIN = Chain(id="main", name="Main", steps=["a", "b", "c", "d"])
ALT = Chain(id="alt", name="Alt", steps=["x", "d"])
SOLO = Chain(id="solo", name="Solo", steps=["y"])


def path_rows(customer: str, steps: list[str | None], *, start: int) -> list[dict[str, Any]]:
    """One event a minute; ``seq`` follows the list (the ingestion order)."""
    return [
        {
            "customer_id": customer,
            "ts": T0 + pd.Timedelta(minutes=i),
            "touchpoint": tp,
            "seq": start + i,
        }
        for i, tp in enumerate(steps)
    ]


def hand_log() -> list[dict[str, Any]]:
    rows = [
        *path_rows("c1", ["y", "a", "b", "c", "d"], start=0),  # exact after the anchor
        *path_rows("c2", ["a", "a", None, "b", "x", "c", "d"], start=100),  # x replaces c
        *path_rows("c3", ["a", "c", "d"], start=200),  # skips b, never reaches b
        *path_rows("c4", ["x", "a", "b"], start=300),  # path ends after b
        *path_rows("c5", ["b", "c", "d", "y"], start=400),  # never touches a
        *path_rows("c6", ["a", "b", "d", "c"], start=500),  # skips c (d), reaches c late
        *path_rows("c8", ["a", "b", "c", "a", "b", "c", "d"], start=700),  # back to a
    ]
    # c7: b and a at the same instant, ``seq`` puts b first: b a c d (a skip of b at step 2)
    rows += [
        {"customer_id": "c7", "ts": T0, "touchpoint": "a", "seq": 601},
        {"customer_id": "c7", "ts": T0, "touchpoint": "b", "seq": 600},
        {"customer_id": "c7", "ts": T0 + pd.Timedelta(minutes=1), "touchpoint": "c", "seq": 602},
        {"customer_id": "c7", "ts": T0 + pd.Timedelta(minutes=2), "touchpoint": "d", "seq": 603},
    ]
    return rows


def by_chain(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["chain"]: row for row in frame.to_dict("records")}


def test_hand_worked_log(make_events: Any) -> None:
    result = conformance(make_events(hand_log()), catalogue(MAIN, ALT, SOLO))
    chains = by_chain(result.chains)
    assert {k: (v["entered"], v["followed"], v["exact"]) for k, v in chains.items()} == {
        "main": (7, 3, 1),  # entered c1 c2 c3 c4 c6 c7 c8; followed c1 c2 c8; exact c1
        "alt": (2, 1, 0),  # c2 (x c d: replace, still reaches d), c4 (x a b)
        "solo": (2, 2, 2),  # c1, c5
    }
    assert chains["main"]["followed_share"] == pytest.approx(3 / 7)
    main = result.steps[result.steps["chain"] == "main"]
    assert main["touchpoint"].tolist() == ["a", "b", "c", "d"]
    assert main["reached"].tolist() == [7, 5, 4, 3]
    assert main["left_here"].tolist() == [2, 1, 1, 0]  # c3 c7 | c4 | c6
    assert main["deviated"].tolist() == [0, 2, 2, 1]
    assert main["skipped"].tolist() == [0, 2, 1, 0]
    assert main["replaced"].tolist() == [0, 0, 1, 1]
    assert main["reached_share"].tolist() == pytest.approx([1, 5 / 7, 4 / 7, 3 / 7])
    deviations = {
        (r["chain"], r["step"], r["expected"], r["kind"], r["instead"]): r["customers"]
        for r in result.deviations.to_dict("records")
    }
    assert deviations == {
        ("main", 2, "b", SKIP, "c"): 2,  # c3, c7
        ("main", 3, "c", REPLACE, "x"): 1,  # c2
        ("main", 3, "c", SKIP, "d"): 1,  # c6
        ("main", 4, "d", REPLACE, "a"): 1,  # c8 went back to a
        ("alt", 2, "d", REPLACE, "c"): 1,  # c2
        ("alt", 2, "d", REPLACE, "a"): 1,  # c4
    }
    assert result.undesigned.empty  # every touchpoint used is some chain's step


def test_undesigned_touchpoints_and_chain_selection(make_events: Any) -> None:
    result = conformance(make_events(hand_log()), catalogue(MAIN, ALT), only=["alt"])
    assert result.chains["chain"].tolist() == ["alt"]
    # y is in no chain: c1 once, c5 once; chains not selected still count as designed
    assert result.undesigned.to_dict("records") == [
        {"touchpoint": "y", "customers": 2, "touches": 2}
    ]


def test_no_chains_and_unknown_chain(duckdb_events: Any) -> None:
    events = duckdb_events(hand_log())
    result = conformance(events, catalogue())
    assert result.chains.empty and result.steps.empty and result.deviations.empty
    assert set(result.undesigned["touchpoint"]) == {"a", "b", "c", "d", "x", "y"}
    assert result.undesigned.set_index("touchpoint").loc["a", "touches"] == 9
    with pytest.raises(TouchpathError, match="unknown chain 'nope'"):
        conformance(events, catalogue(MAIN), only=["nope"])


def test_figure_has_one_line_per_chain(duckdb_events: Any) -> None:
    result = conformance(duckdb_events(hand_log()), catalogue(MAIN, ALT))
    figure = result.figure(labels={"a": "Ad"})
    assert [t.name for t in figure.data] == ["Main", "Alt"]
    assert list(figure.data[0].y) == pytest.approx([1, 5 / 7, 4 / 7, 3 / 7])
    assert figure.data[0].text[0] == "Ad"


# ---------------------------------------------------------------- property test


def reference(rows: list[dict[str, Any]], chain: list[str]) -> dict[str, Any]:
    """Pure Python: collapse, anchor at the first chain[0], greedy reach, strict compare."""
    paths: dict[str, list[str]] = {}
    for r in sorted(rows, key=lambda r: (r["customer_id"], r["ts"], r["seq"], r["event_id"])):
        if r["touchpoint"] is None:
            continue
        path = paths.setdefault(r["customer_id"], [])
        if not path or path[-1] != r["touchpoint"]:
            path.append(r["touchpoint"])
    k = len(chain)
    reached: Counter[int] = Counter()
    deviations: Counter[tuple[int, str, str]] = Counter()
    exact = 0
    for path in paths.values():
        if chain[0] not in path:
            continue
        tail = path[path.index(chain[0]) :]
        j = 0
        for tp in tail:
            if j < k and tp == chain[j]:
                j += 1
        reached[j] += 1
        for n in range(1, k + 1):
            if n == k:
                exact += 1
                break
            if n >= len(tail):
                break
            if tail[n] != chain[n]:
                kind = SKIP if tail[n] in chain[n + 1 :] else REPLACE
                deviations[(n + 1, kind, tail[n])] += 1
                break
    return {"reached": reached, "deviations": deviations, "exact": exact}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.lists(
        st.tuples(
            st.sampled_from(["p", "q", "r", "s"]),
            st.integers(0, 8),
            st.sampled_from(["a", "b", "c", "d", "x", None]),
        ),
        max_size=40,
    ),
    steps=st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4).filter(
        lambda s: all(x != y for x, y in itertools.pairwise(s))
    ),
)
def test_conformance_equals_a_pure_python_reference(
    duckdb_events: Any, raw: list[Any], steps: list[str]
) -> None:
    rows = [
        {
            "event_id": f"e{i}",
            "customer_id": c,
            "ts": T0 + pd.Timedelta(minutes=m),
            "touchpoint": tp,
            "seq": (i * 7) % 41,  # an ingestion order unrelated to time
        }
        for i, (c, m, tp) in enumerate(raw)
    ]
    want = reference(rows, steps)
    chain = Chain(id="ch", name="Ch", steps=steps)
    result = conformance(duckdb_events(rows), catalogue(chain))
    got = result.steps
    k = len(steps)
    entered = sum(want["reached"].values())
    assert result.chains["entered"].tolist() == [entered]
    assert result.chains["exact"].tolist() == [want["exact"]]
    assert got["reached"].tolist() == [
        sum(v for j, v in want["reached"].items() if j >= s) for s in range(1, k + 1)
    ]
    assert got["left_here"].tolist() == [
        want["reached"][s] if s < k else 0 for s in range(1, k + 1)
    ]
    assert {
        (r["step"], r["kind"], r["instead"]): r["customers"]
        for r in result.deviations.to_dict("records")
    } == dict(want["deviations"])
