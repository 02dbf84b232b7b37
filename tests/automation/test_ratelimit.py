"""The token bucket against a step-by-step reference simulation."""

from __future__ import annotations

import random

import pytest

from touchpath.automation.ratelimit import TokenBucket


def reference(rate: float, burst: int, times: list[float]) -> list[bool]:
    """Tokens counted in millisecond steps: an independent, slow re-implementation."""
    tokens, step, last_ms = float(burst), 0.001, 0
    allowed = []
    for t in times:
        now_ms = round(t / step)
        tokens = min(float(burst), tokens + (now_ms - last_ms) * step * rate)
        last_ms = now_ms
        if tokens >= 1.0 - 1e-9:
            tokens -= 1.0
            allowed.append(True)
        else:
            allowed.append(False)
    return allowed


@pytest.mark.parametrize("seed", range(5))
def test_bucket_matches_the_reference(seed: int) -> None:
    rng = random.Random(seed)
    rate, burst = rng.choice([0.5, 2.0, 5.0]), rng.choice([1, 3, 10])
    times = sorted(round(rng.uniform(0, 20), 3) for _ in range(200))
    bucket = TokenBucket(rate=rate, burst=burst, now=0.0)
    got = [bucket.take(t) == 0.0 for t in times]
    assert got == reference(rate, burst, times)
    # over the whole window at most burst + rate * T sends get through
    assert sum(got) <= burst + rate * 20


def test_wait_is_the_time_to_the_next_token() -> None:
    bucket = TokenBucket(rate=4.0, burst=1, now=10.0)
    assert bucket.take(10.0) == 0.0
    assert bucket.take(10.1) == pytest.approx(0.15)  # 0.4 tokens there, 0.6 more at 4/s
    assert bucket.take(10.25) == 0.0
