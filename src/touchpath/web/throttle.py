"""Slowing down password guessing: failed logins per user name and per client address.

After ``limit`` failed attempts within ``period`` seconds, further attempts for that
name (from anywhere) or from that address (for any name) are refused until the oldest
failure leaves the period. A successful login clears the name's and the address's record.
Both keys are needed: per name stops a distributed guess at one account, per address
stops one client trying many accounts. The record lives in the server process (a restart
forgets it), which is what a single-server deployment needs; behind several processes,
put a rate limit in the reverse proxy too.

>>> t = LoginThrottle(limit=2, period=60, clock=lambda: 0.0)
>>> t.failed("ann", "10.0.0.1"); t.failed("ann", "10.0.0.2")
>>> t.retry_after("ann", "10.0.0.3")
60
>>> t.retry_after("bob", "10.0.0.3") is None
True
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class LoginThrottle:
    """Failed-login counter with a sliding window; thread-safe (pages run in threads)."""

    def __init__(
        self,
        *,
        limit: int = 5,
        period: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.limit = limit
        self.period = period
        self.clock = clock
        self.max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str) -> tuple[str, str]:
        return f"user:{username.strip().casefold()}", f"addr:{address}"

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.period:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, username: str, address: str) -> int | None:
        """Seconds until another attempt is allowed, or None when it is allowed now."""
        now = self.clock()
        with self._lock:
            waits = [
                times[0] + self.period - now
                for key in self._keys(username, address)
                if len(times := self._recent(key, now)) >= self.limit
            ]
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, username: str, address: str) -> None:
        """Record a failed attempt under both the name and the address."""
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.max_keys:  # a flood of names: forget the oldest
                for key in list(self._failures)[: self.max_keys // 10]:
                    del self._failures[key]
            for key in self._keys(username, address):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username: str, address: str) -> None:
        """Forget the failures of this name and this address."""
        with self._lock:
            for key in self._keys(username, address):
                self._failures.pop(key, None)
