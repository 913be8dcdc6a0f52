"""Per-user rate limit: a sliding window of the last minute, so one flooding user is told to
slow down while everyone else is answered as usual."""

from __future__ import annotations

import time
from collections import deque


class RateLimiter:
    def __init__(self, per_minute: int, window: float = 60.0, clock=time.monotonic):
        self.per_minute, self.window, self.clock = per_minute, window, clock
        self._seen: dict[int, deque[float]] = {}

    def allow(self, user_id: int) -> bool:
        """True if the user may ask now (and counts the question); always True with no limit."""
        if self.per_minute <= 0:
            return True
        now = self.clock()
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.per_minute:
            return False
        times.append(now)
        if len(self._seen) > 10000:  # forget idle users now and then
            self._seen = {u: t for u, t in self._seen.items() if t and now - t[-1] < self.window}
        return True

    def retry_in(self, user_id: int) -> float:
        times = self._seen.get(user_id)
        if not times:
            return 0.0
        return max(0.0, self.window - (self.clock() - times[0]))
