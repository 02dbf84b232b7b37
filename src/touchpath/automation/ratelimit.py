"""Per-channel rate limits: a token bucket (pure; the clock is passed in).

A bucket holds at most ``burst`` tokens and gains ``rate`` per second; a send takes one.
When it is empty, :meth:`TokenBucket.take` says how long until the next token, and the
worker puts the message back for that long instead of sending (the attempt is not counted).

>>> bucket = TokenBucket(rate=2.0, burst=2, now=0.0)
>>> bucket.take(0.0), bucket.take(0.0), bucket.take(0.0)
(0.0, 0.0, 0.5)
>>> bucket.take(0.5)
0.0
"""

from __future__ import annotations


class TokenBucket:
    def __init__(self, *, rate: float, burst: int, now: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs rate > 0 and burst >= 1")
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = now

    def take(self, now: float) -> float:
        """Take a token: 0.0 when one was there, else the seconds until one will be."""
        elapsed = max(now - self.stamp, 0.0)
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.stamp = max(now, self.stamp)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate
