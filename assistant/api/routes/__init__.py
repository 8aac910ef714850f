"""One router per resource; `ROUTERS` is what `create_app` mounts."""

from assistant.api.routes import (
    audit,
    auth,
    chat,
    enterprises,
    health,
    imports,
    lists,
    openai_compat,
    portal,
    rankings,
    runs,
    search,
    stats,
    systems,
    users,
    wechat,
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
    chat.router,
    openai_compat.router,
    wechat.router,
    portal.router,
]
