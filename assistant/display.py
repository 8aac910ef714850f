"""How every surface shows values to people: points, percentages, Beijing time, names not codes.

The command line prints with these now; the chat's answers and the portal will show the same
figures the same way, so the module is framework-free and sits at the assistant's top level,
beside `errors.py`, rather than inside `cli/`. Numbers, ranges and formulas in words come from
`scoring.systems.words`, because the scoring core's own explanations need them too (scoring
never imports assistant). `--json` output never goes through here: codes stay codes there.

>>> points(0.916667), percent(0.125), share(55.0)
('0.92', '12.5 %', '55 %')
>>> from datetime import datetime
>>> beijing_time(datetime(2026, 11, 25, 11, 41))
'2026-11-25 19:41（北京时间）'
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from assistant.access.roles import role_name
from scoring.systems.labels import SOURCES, STAGES
from scoring.systems.words import MISSING, UNLIMITED, number, percent, points, quantity

__all__ = [
    "ACTIONS",
    "BEIJING",
    "MISSING",
    "UNLIMITED",
    "action_name",
    "actor_role",
    "beijing_time",
    "number",
    "percent",
    "points",
    "quantity",
    "role_name",
    "share",
    "source_name",
    "stage_name",
    "text",
]

# China has kept UTC+8 all year since 1991: a fixed offset needs no time-zone database (the
# machines that run this may have none).
BEIJING = timezone(timedelta(hours=8), "北京时间")
NONE = "—"


def beijing_time(at: datetime | str | None, *, seconds: bool = False) -> str:
    """A stored time (UTC; naive values from SQLite are UTC too) as Beijing time, labelled."""
    if at is None or at == "":
        return NONE
    when = datetime.fromisoformat(at) if isinstance(at, str) else at
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return f"{when.astimezone(BEIJING):%Y-%m-%d %H:%M{':%S' if seconds else ''}}（北京时间）"


def share(pct: object) -> str:
    """A figure already on the 0–100 scale (a stage's share, a percentile): `55 %`, `71.95 %`."""
    text_ = number(pct)
    return text_ if text_ == MISSING else f"{text_} %"


def stage_name(code: str | None) -> str:
    """`startup` → 初创期; no stage → 缺失."""
    return STAGES.get(code or "", code or MISSING)


ACTIONS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "read_portrait": "查看企业画像",
    "read_profile": "查看企业信息",
    "read_ranking": "查看排名",
    "list_enterprises": "查看企业列表",
    "read_distribution": "查看积分分布（含不足 5 家的组）",
    "list_users": "查看用户列表",
    "list_imports": "查看导入批次",
    "read_import": "查看导入报告",
    "read_conflicts": "查看来源冲突",
    "search": "搜索企业",
    "credit_list": "生成信用名单",
    "add_user": "新建用户",
    "disable_user": "停用用户",
    "create_api_key": "生成 API 密钥",
    "init_admin": "新建首个管理员",
    "import": "导入数据",
    "revert_import": "撤销导入批次",
    "publish_run": "发布评分批次",
    "unpublish_run": "撤回评分批次",
}
# Who acted, beyond the account roles: the command line records the operating-system user.
_ACTORS = {"cli": "命令行", "": "未登录"}


def action_name(code: str) -> str:
    """An audit action in Chinese: `read_portrait` → 查看企业画像 (an unknown one as it is)."""
    return ACTIONS.get(code, code)


def actor_role(code: str) -> str:
    """The role column of an audit event: 管理员, 命令行, 未登录 (a failed login has no role)."""
    return _ACTORS.get(code) or role_name(code)


def source_name(code: str | None) -> str:
    """`tax` → 税务."""
    return SOURCES.get(code or "", code or MISSING)


def text(value: object) -> str:
    """A text value for people: missing (None, "") reads 缺失."""
    return MISSING if value is None or value == "" else str(value)
