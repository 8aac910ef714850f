"""Errors of the assistant's surfaces (framework-free; `assistant.api.errors` turns them into HTTP).

    ServiceError
     ├── NotAuthenticated   401  no or bad credentials (expired, tampered, disabled user)
     ├── Forbidden          403  the role may not use this resource
     ├── TooManyAttempts    429  login throttled
     ├── RateLimited        429  too many chat messages in a minute (per user)
     ├── Unavailable        503  not ready yet, or the database stayed busy past its timeout
     └── BadRequest         400  a request that makes no sense (e.g. min > max)
          ├── Unprocessable  422  a value the service refuses (a short password, a USCC not in the store)
          │    └── InvalidQuery  422  a search text with nothing to search for
          └── Conflict       409  it would clash with what exists (a user name taken, in any letter case)

Domain errors of the scoring core map here too (NotFound → 404, InvalidInput → 422,
InvalidIndicatorSystem → 422, StoreError → 409). Every error answers
`{"error": {"code", "message", "details"}}` with a Chinese message; nothing becomes a bare 500.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of the service's own errors."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers


class NotAuthenticated(ServiceError):
    status, code = 401, "not_authenticated"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class TooManyAttempts(ServiceError):
    status, code = 429, "too_many_attempts"


class RateLimited(ServiceError):
    """More chat messages in the last minute than a user may send (`Retry-After` says when to retry)."""

    status, code = 429, "rate_limited"


class Unavailable(ServiceError):
    """Not ready yet (start-up), or the database stayed locked past its busy timeout: retry later."""

    status, code = 503, "unavailable"


class BadRequest(ServiceError):
    status, code = 400, "bad_request"


class Unprocessable(BadRequest):
    status, code = 422, "unprocessable"


class Conflict(BadRequest):
    status, code = 409, "conflict"


class InvalidQuery(Unprocessable):
    """A search text with nothing to search for (only blanks)."""

    status, code = 422, "invalid_query"


class PayloadTooLarge(ServiceError):
    status, code = 413, "payload_too_large"
