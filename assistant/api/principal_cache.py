"""Callers already verified, kept for a few seconds so that a busy client's every request does not
re-read its user from the database.

A credential (bearer token or API key) maps to the `Principal` it proved, until the earlier of
`recheck_s` from the check and the token's own expiry. What this trades: a user disabled (or
re-bound) by another process keeps access for at most `recheck_s`; in the process that made the
change it ends at once (`forget_user`). A credential that failed is never kept.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from assistant.access.privacy import Principal


class PrincipalCache:
    """A bounded map credential → (principal, valid until), thread-safe."""

    def __init__(
        self, *, recheck_s: float = 1.0, size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.recheck_s = recheck_s
        self._clock = clock  # seconds, monotonic; tests pass their own
        self._size = size
        self._entries: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, credential: str) -> Principal | None:
        """The principal this credential proved, if proved recently enough."""
        now = self._clock()
        with self._lock:
            hit = self._entries.get(credential)
            if hit is None:
                return None
            if hit[1] <= now:
                del self._entries[credential]
                return None
            return hit[0]

    def put(self, credential: str, principal: Principal, *, expires_in_s: float | None = None) -> None:
        """Keep a verified principal (never beyond the credential's own expiry)."""
        if self.recheck_s <= 0:
            return
        ttl = self.recheck_s if expires_in_s is None else min(self.recheck_s, expires_in_s)
        if ttl <= 0:
            return
        with self._lock:
            self._entries[credential] = (principal, self._clock() + ttl)
            self._entries.move_to_end(credential)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def forget_user(self, username: str) -> None:
        """Drop every credential of a user (called when the user is disabled or changed)."""
        with self._lock:
            for credential in [c for c, (p, _) in self._entries.items() if p.username == username]:
                del self._entries[credential]
