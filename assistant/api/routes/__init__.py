"""One router per resource; `ROUTERS` is what `create_app` mounts."""

from assistant.api.routes import (
    audit,
    auth,
    chat,
    enterprises,
    gaps,
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

# Matched in this order, every route of a router tried in turn: FastAPI took ~190 µs to reach
# `/wechat` behind the others (a WeChat message's whole server time is ~6 ms), so the routes that
# take the messages and the portraits come first. The documentation's order is its own (`docs.TAGS`).
ROUTERS = [
    health.router,
    wechat.router,
    enterprises.router,
    chat.router,
    openai_compat.router,
    auth.router,
    rankings.router,
    stats.router,
    systems.router,
    runs.router,
    lists.router,
    users.router,
    audit.router,
    search.router,
    imports.router,
    gaps.router,
    portal.router,
]
