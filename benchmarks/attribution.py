"""Benchmark: attribution models vs the ChannelAttribution package, side by side in one run.

For 10k, 100k and 1M synthetic paths over 12 channels (journeys drawn from a random
order-1 chain, so the data has structure; 1-20 touches, integer conversions and nulls,
values), it times in the same process:

* heuristics: ChannelAttribution's ``heuristic_models`` (first, last and linear touch in
  one call, from its ``"a > b"`` strings) vs ours: one :func:`encode_paths` of the path
  table, then first, last and linear touch fitted on it (target: at most 0.5×);
* Markov order 1 and 2: ``markov_model`` with default settings (``nsim_start=1e5``,
  conversions, value and nulls) vs :class:`MarkovModel` with exact removal effects
  (targets: order 1 at most 0.5×, order 2 at most 1×);
* Shapley (ours only, when the module is present): exact over the channel subsets.

"ours" starts from the path table (tuples of channel names), ChannelAttribution from its
own input, a frame of ``"a > b"`` strings it splits itself. "ours from text" starts from
those same strings: :func:`split_paths` (``arrow=True``, what ``touchpath attribute
--paths`` does) and the fit. Each timing is the best of ``--repeat`` runs (1 run at 1M paths).
Prints a Markdown table; nothing is written.

    python benchmarks/attribution.py                       # 10k, 100k, 1M
    python benchmarks/attribution.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from touchpath.attribution import (
    FirstTouchModel,
    LastTouchModel,
    LinearModel,
    MarkovModel,
    encode_paths,
)
from touchpath.attribution.paths import split_paths

CHANNELS = 12
TARGETS = {"heuristics": 0.5, "markov order 1": 0.5, "markov order 2": 1.0}


def synthetic_paths(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` path rows: channels from a random order-1 chain, 1-20 touches each."""
    rng = np.random.default_rng(seed)
    names = np.array([f"ch{i:02d}" for i in range(CHANNELS)], dtype=object)
    start = rng.dirichlet(np.ones(CHANNELS))
    step = rng.dirichlet(np.full(CHANNELS, 0.5), size=CHANNELS)
    lengths = np.minimum(rng.geometric(0.3, size=n), 20)
    touches = np.empty(int(lengths.sum()), dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    current = rng.choice(CHANNELS, size=n, p=start)
    cumulative = step.cumsum(axis=1)
    for j in range(int(lengths.max())):
        alive = np.flatnonzero(lengths > j)
        touches[offsets[alive] + j] = current[alive]
        draw = rng.random(n)
        current = np.minimum((draw[:, None] > cumulative[current]).sum(axis=1), CHANNELS - 1)
    labels = names[touches]
    paths = [tuple(labels[offsets[i] : offsets[i + 1]]) for i in range(n)]
    # Conversion chances depend on the channels seen, so the models have something to find.
    lift = rng.uniform(0.02, 0.25, size=CHANNELS)
    rate = 1 - np.exp(-np.bincount(np.repeat(np.arange(n), lengths), lift[touches], n))
    journeys = rng.integers(1, 6, size=n)
    conversions = rng.binomial(journeys, np.clip(rate, 0, 0.95))
    nulls = journeys - conversions
    value = np.round(conversions * rng.gamma(2.0, 40.0, size=n), 2)
    return pd.DataFrame({"path": paths, "conversions": conversions, "value": value, "nulls": nulls})


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _i in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(n: int, repeat: int) -> list[dict[str, Any]]:
    # GPL: a benchmark and test oracle only, never shipped.
    import ChannelAttribution  # type: ignore[import-untyped]

    paths = synthetic_paths(n)
    text = pd.DataFrame(
        {
            "path": [" > ".join(p) for p in paths["path"]],
            "total_conversions": paths["conversions"].astype("int64"),
            "total_conversion_value": paths["value"],
            "total_null": paths["nulls"].astype("int64"),
        }
    )
    ours_table = paths.astype({"conversions": "float64", "nulls": "float64"})
    numbers = ours_table.drop(columns="path")

    def from_text() -> pd.DataFrame:
        """The same strings ChannelAttribution gets, split into an Arrow path column."""
        return numbers.assign(path=split_paths(text["path"], arrow=True))

    def heuristics(table: pd.DataFrame | None = None) -> None:
        encoded = encode_paths(ours_table if table is None else table)
        for model in (FirstTouchModel(), LastTouchModel(), LinearModel()):
            model.fit(encoded)

    def theirs_heuristics() -> None:
        ChannelAttribution.heuristic_models(
            text,
            "path",
            "total_conversions",
            var_value="total_conversion_value",
            flg_pro=False,
        )

    def theirs_markov(order: int) -> Callable[[], None]:
        def call() -> None:
            ChannelAttribution.markov_model(
                text,
                "path",
                "total_conversions",
                var_value="total_conversion_value",
                var_null="total_null",
                order=order,
                verbose=False,
                flg_pro=False,
            )

        return call

    def ours_markov(order: int) -> Callable[[pd.DataFrame | None], Any]:
        def fit(table: pd.DataFrame | None) -> Any:
            return MarkovModel(order=order).fit(ours_table if table is None else table)

        return fit

    rows = []
    work: list[tuple[str, Callable[[pd.DataFrame | None], Any], Callable[[], Any] | None]] = [
        ("heuristics", heuristics, theirs_heuristics),
        ("markov order 1", ours_markov(1), theirs_markov(1)),
        ("markov order 2", ours_markov(2), theirs_markov(2)),
    ]
    try:
        from touchpath.attribution.shapley import ShapleyModel

        def shapley(table: pd.DataFrame | None) -> Any:
            return ShapleyModel().fit(ours_table if table is None else table)

        work.append(("shapley (exact)", shapley, None))
    except ImportError:
        pass
    for name, ours, theirs in work:
        rows.append(
            {
                "paths": n,
                "work": name,
                "ours": best(partial(ours, None), repeat),
                "ours_text": best(lambda fit=ours: fit(from_text()), repeat),  # type: ignore[misc]
                "theirs": best(theirs, repeat) if theirs is not None else None,
            }
        )
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| paths | work | ours (s) | ours from text (s) | ChannelAttribution (s) "
        "| ratio | ratio from text | target | met |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        target = TARGETS.get(r["work"])
        if r["theirs"]:
            ratio = r["ours"] / r["theirs"]
            ratio_text = r["ours_text"] / r["theirs"]
            cells = [f"{r['theirs']:.3f}", f"{ratio:.2f}", f"{ratio_text:.2f}"]
            met = "yes" if target is not None and ratio <= target else "no"
        else:
            cells, met = ["—", "—", "—"], "—"
        lines.append(
            f"| {r['paths']:,} | {r['work']} | {r['ours']:.3f} | {r['ours_text']:.3f} | "
            + " | ".join(cells)
            + f" | {'≤ ' + format(target, '.1f') + '×' if target else '—'} | {met} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (1 at 1M)")
    args = parser.parse_args()
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        rows += run(n, args.repeat if n < 1_000_000 else 1)
        print(f"{n:,} paths done", flush=True)
    print()
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {CHANNELS} channels"
    )
    print(markdown(rows))


if __name__ == "__main__":
    main()
