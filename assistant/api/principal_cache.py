"""Callers already verified, kept for a few seconds so that a busy client's every request does not
re-read its user from the database.

A credential (bearer token or API key) maps to the `Principal` it proved, until the earlier of
`recheck_s` from the check and the token's own expiry. What this trades: a user disabled (or
re-bound) by another process keeps access for at most `recheck_s`; in the process that made the
change it ends at once (`forget_user`). A credential that failed is never kept.

Under load a credential is re-checked ahead of time: from half of `recheck_s` on, the first request
to see it claims one re-check (`claim_recheck`), made in the background while every request goes
on with the principal in hand. Were it left to expire, every request of a busy client arriving
during the re-check (50 at once under the API benchmark) would verify it itself, a burst of slow
requests each `recheck_s` (issue 11, item 23).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from assistant.access.privacy import Principal


@dataclass
class _Entry:
    principal: Principal
    checked: float  # when it was verified (the cache's clock)
    until: float  # valid until (recheck_s after the check, or the token's expiry)
    rechecking: bool = False


class PrincipalCache:
    """A bounded map credential → (principal, valid until), thread-safe."""

    def __init__(
        self, *, recheck_s: float = 1.0, size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.recheck_s = recheck_s
        self._clock = clock  # seconds, monotonic; tests pass their own
        self._size = size
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, credential: str) -> Principal | None:
        """The principal this credential proved, if proved recently enough."""
        now = self._clock()
        with self._lock:
            hit = self._entries.get(credential)
            if hit is None:
                return None
            if hit.until <= now:
                del self._entries[credential]
                return None
            return hit.principal

    def claim_recheck(self, credential: str) -> bool:
        """True for the one caller that should re-check this credential now, in the background:
        it is past half of `recheck_s` and not being re-checked already."""
        now = self._clock()
        with self._lock:
            hit = self._entries.get(credential)
            if hit is None or hit.rechecking or now - hit.checked < self.recheck_s / 2 or hit.until <= now:
                return False
            hit.rechecking = True
            return True

    def put(self, credential: str, principal: Principal, *, expires_in_s: float | None = None) -> None:
        """Keep a verified principal (never beyond the credential's own expiry)."""
        if self.recheck_s <= 0:
            return
        ttl = self.recheck_s if expires_in_s is None else min(self.recheck_s, expires_in_s)
        if ttl <= 0:
            return
        now = self._clock()
        with self._lock:
            self._entries[credential] = _Entry(principal, now, now + ttl)
            self._entries.move_to_end(credential)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def rechecked(self, credential: str, principal: Principal | None, *, expires_in_s: float | None = None) -> None:
        """The outcome of a claimed re-check: kept again, or (None: refused, or not readable now)
        dropped, so that the next request verifies it itself. A credential forgotten meanwhile
        (its user disabled in this process) stays forgotten."""
        with self._lock:
            hit = self._entries.get(credential)
            if hit is None or not hit.rechecking:
                return
            del self._entries[credential]
        if principal is not None:
            self.put(credential, principal, expires_in_s=expires_in_s)

    def forget_user(self, username: str) -> None:
        """Drop every credential of a user (called when the user is disabled or changed)."""
        with self._lock:
            for credential in [c for c, e in self._entries.items() if e.principal.username == username]:
                del self._entries[credential]
