"""Who may see what — the one place the privacy rule lives; every route, search, chat and WeChat
answer goes through it.

- `official` and `admin` see everything.
- `enterprise` (bound to one USCC) sees its own details; of any other enterprise only the public
  profile (name, short name, industry, stage). Asking for another's details is answered exactly
  like asking for an enterprise that does not exist (404), so that probing reveals nothing.
- `public` (anonymous) sees indicator definitions, how the programme works, public profiles and
  aggregates over groups of at least `MIN_GROUP` enterprises — never one enterprise's points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.errors import Forbidden
from scoring.disclosure import MIN_GROUP as MIN_GROUP
from scoring.errors import NotFound

PUBLIC_FIELDS = ("uscc", "name", "short_name", "industry", "stage", "stage_name")


@dataclass(frozen=True)
class Principal:
    """The caller: role, user name and, for enterprise users, their USCC."""

    role: str  # admin | official | enterprise | public
    username: str = ""
    uscc: str | None = None

    @property
    def sees_all(self) -> bool:
        return self.role in ("official", "admin")

    def may_see_details(self, uscc: str) -> bool:
        """May this caller see the non-public data (points, raw values, rank) of `uscc`?"""
        return self.sees_all or (self.role == "enterprise" and self.uscc == uscc)


PUBLIC = Principal(role="public")
# The command line's user works on the server and holds the database file itself: the queries
# answer it as they answer an administrator (its audit events carry the role `cli`).
OPERATOR = Principal(role="admin", username="cli")


def require_details(principal: Principal, uscc: str) -> None:
    """Refuse, as "not found", a caller who may not see this enterprise's details."""
    if not principal.may_see_details(uscc):
        raise NotFound(f"找不到统一社会信用代码为 {uscc} 的企业的详细信息")


def require_official(principal: Principal) -> None:
    """Individual points of many enterprises (rankings, lists for banks) are for officials."""
    if not principal.sees_all:
        raise Forbidden("该功能仅向园区工作人员开放")


def require_admin(principal: Principal) -> None:
    if principal.role != "admin":
        raise Forbidden("该功能仅向管理员开放")


def public_view(profile: dict[str, Any]) -> dict[str, Any]:
    """Only the public fields of an enterprise profile."""
    return {k: profile.get(k) for k in PUBLIC_FIELDS}


def suppress_small(count: int, principal: Principal) -> int | None:
    """A group count as the caller may see it: groups below `MIN_GROUP` are hidden from non-officials."""
    return count if principal.sees_all or count >= MIN_GROUP or count == 0 else None


# Reasons quoting fields outside the public profile (PUBLIC_FIELDS) lose the quote for
# callers who may not see the firm's details: "产品: 光伏组件" → "产品匹配".
_PRIVATE_REASON = re.compile(r"(曾用名|英文名|产品|语义相近|经营范围)\s*[:：].*$")
_PRIVATE_LABEL = {"曾用名": "曾用名匹配", "英文名": "英文名匹配", "产品": "产品匹配", "语义相近": "语义相近", "经营范围": "经营范围匹配"}


def public_reason(reason: str) -> str:
    """A reason without values from non-public fields (products, former and English names)."""
    return _PRIVATE_REASON.sub(lambda m: _PRIVATE_LABEL[m.group(1)], reason)
