"""One router per resource; `ROUTERS` is what `create_app` mounts."""

from assistant.api.routes import (
    audit,
    auth,
    enterprises,
    health,
    imports,
    lists,
    rankings,
    runs,
    search,
    stats,
    systems,
    users,
)

ROUTERS = [
    health.router,
    auth.router,
    enterprises.router,
    rankings.router,
    stats.router,
    systems.router,
    runs.router,
    lists.router,
    users.router,
    audit.router,
    search.router,
    imports.router,
]
