"""The error statuses a route documents: each route lists exactly those it can answer with.

    @router.get("/{run_id}", responses=errors((404, "没有这个评分批次"), 422))

Every error has the one shape `{"error": {"code", "message", "details"}}` (`ErrorResponse`). What
each status means here:

- 400 a request that makes no sense as a whole (lower bound above the upper, neither of two
  options of which one is required, a file that is not CSV or XLSX);
- 401 a credential that is wrong, expired or of a disabled user: routes that read the caller
  answer it even where anonymous use is allowed (sending no credential is never a 401 there);
- 403 the caller's role may not use the route or one of its options;
- 404 a thing that is missing, or whose details the caller may not see;
- 409 a conflict with the stored state (reverting a batch twice);
- 413 a request body over the limit (routes that read a body);
- 422 parameters or a body that fail validation (every route with parameters), a USCC with a
  wrong character or check character, an unknown data source;
- 429 too many failed logins.
"""

from __future__ import annotations

from typing import Any

from assistant.api.schemas import ErrorResponse

ERROR_STATUSES = {
    400: "请求不合理", 401: "令牌或 API 密钥无效、已过期或账号已停用", 403: "当前角色无权使用",
    404: "不存在（或无权查看其详情）", 409: "与当前状态冲突", 413: "请求体过大",
    422: "参数有误", 429: "登录失败次数过多，请稍后再试",
}


def errors(*statuses: int | tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status with the error model and a Chinese description
    (the default one, or the route's own when given as `(status, text)`)."""
    out: dict[int | str, dict[str, Any]] = {}
    for item in statuses:
        status, text = item if isinstance(item, tuple) else (item, ERROR_STATUSES[item])
        out[status] = {"model": ErrorResponse, "description": text}
    return out
