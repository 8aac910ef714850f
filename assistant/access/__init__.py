"""Who may see what: accounts (users, tokens, API keys), the one privacy rule, the audit trail."""

from assistant.access.privacy import (
    OPERATOR,
    PUBLIC,
    Principal,
    public_view,
    require_admin,
    require_details,
    require_official,
)

__all__ = ["OPERATOR", "PUBLIC", "Principal", "public_view", "require_admin", "require_details", "require_official"]
