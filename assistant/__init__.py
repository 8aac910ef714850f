"""Everything people touch: the HTTP service, the CLI, accounts and the privacy rule."""

from assistant.app import create_app
from assistant.config import Settings

__all__ = ["Settings", "create_app"]
