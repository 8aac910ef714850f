"""What a read reports to the audit trail: each surface passes its own `Audit` callback.

A query knows when an answer holds non-public data (the privacy rule decides it there), so the
query, not the surface, decides when to record; the surface knows who asked and from where (the
HTTP route records path and client, `assistant.api.audit.audit_read`). `None` records nothing:
for callers who already hold the whole store (the CLI on the server) and for tests.
"""

from __future__ import annotations

from typing import Protocol


class Audit(Protocol):
    """Record that the caller read non-public data: what kind of read, and of what."""

    def __call__(self, *, action: str, target: str) -> None: ...


def record(audit: Audit | None, *, action: str, target: str) -> None:
    """Call `audit` if there is one."""
    if audit is not None:
        audit(action=action, target=target)


__all__ = ["Audit", "record"]
