"""Who may see what: accounts (users, tokens, API keys), the one privacy rule, the audit trail."""

from assistant.access.privacy import PUBLIC, Principal, public_view, require_admin, require_details, require_official

__all__ = ["PUBLIC", "Principal", "public_view", "require_admin", "require_details", "require_official"]
