"""Who may see what — the one place the privacy rule lives; every route, search, chat and WeChat
answer goes through it.

- `official` and `admin` see everything.
- `enterprise` (bound to one USCC, or to several: a group's subsidiaries) sees the details of the
  enterprises it is bound to; of any other enterprise only the public profile (name, short name,
  industry, stage, stock listings). Asking for another's details is answered exactly like asking for an
  enterprise that does not exist (404), so that probing reveals nothing.
- `public` (anonymous) sees indicator definitions, how the programme works, public profiles and
  aggregates over groups of at least `MIN_GROUP` enterprises — never one enterprise's points.

The public profile (`PUBLIC_FIELDS`) is the USCC, name, short name, industry, stage and the stock
listings (stock codes and stock short names). Former names, the English name, other names
(aliases: brands, common abbreviations, English acronyms), products, business scope and address
are not public: products, the English name and aliases are what firms report to the zone for
scoring, not for publication — an alias list may hold a brand not yet launched or an internal
abbreviation, and whether a firm is behind a brand is for the firm to say; former names and the
business scope are public record at the business register, but the zone is not the register (its
copy is merged from several sources and corrected), and whoever wants the register asks the
register. Stock codes and stock short names are public: an exchange publishes them, and a listed
firm must disclose that it is listed, so a public answer through them reveals nothing. A search is an oracle for every field it matches through ("this firm's former name
sounds like 瑞广工贸"), so what a caller may search by is what it may see: callers who may not see
a firm's details are matched against its `public_document` only, and a reason drawn from a
non-public field says only which field matched (`public_reason`). Making a field public is one
edit: add it to `PUBLIC_FIELDS`, and profiles, search and suggestions follow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Literal

from assistant.errors import Forbidden
from scoring.disclosure import MIN_GROUP as MIN_GROUP
from scoring.errors import NotFound

if TYPE_CHECKING:
    from search.documents import Document

PUBLIC_FIELDS = ("uscc", "name", "short_name", "industry", "stage", "stage_name", "stock_codes", "stock_names")


@dataclass(frozen=True)
class Principal:
    """The caller: role, user name and, for enterprise users, their USCC (the first, when several).

    `usccs` lists every enterprise an account bound to several holds (first = `uscc`); an account
    bound to one may leave it empty: `bound` is what the rule reads.
    """

    role: str  # admin | official | enterprise | public
    username: str = ""
    uscc: str | None = None
    usccs: tuple[str, ...] = ()

    @property
    def sees_all(self) -> bool:
        return self.role in ("official", "admin")

    @property
    def bound(self) -> tuple[str, ...]:
        """The enterprises whose details this enterprise user may see (empty for other roles)."""
        if self.role != "enterprise":
            return ()
        return self.usccs or ((self.uscc,) if self.uscc else ())

    def may_see_details(self, uscc: str) -> bool:
        """May this caller see the non-public data (points, raw values, rank) of `uscc`?"""
        return self.sees_all or uscc in self.bound


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


# What the assistant may answer of a question about enterprises' non-public data (points, values,
# rank, advice, eligibility): answer it, answer the asker's own rank and the stage's aggregates
# instead (an enterprise user asking for a list or comparison of others), refuse it, or explain
# how to log in.
ChatAccess = Literal["allow", "own_instead", "privacy", "unauthenticated"]
QuestionKind = Literal["one", "compare", "list"]


def chat_access(principal: Principal, *, about: Sequence[str | None], kind: QuestionKind = "one") -> ChatAccess:
    """The assistant's rule for one question about enterprise data.

    `about`: the enterprises it names, resolved (None: a name that matched no enterprise the asker
    may ask about); `kind`: about the named ones, a comparison of them, or a list (a top N: it
    shows enterprises it does not name). Officials and admins may ask anything; the public nothing
    (it is told how to log in or bind). An enterprise user may ask about the enterprises it is
    bound to; naming any other — or a name that matches nothing — is refused with the same words
    (a refusal that differed would tell which names exist). A list, or a comparison that does not
    name two of its own enterprises, shows it its own rank and the stage's aggregates instead.
    """
    if principal.sees_all:
        return "allow"
    if principal.role != "enterprise":
        return "unauthenticated"
    if any(u is None or not principal.may_see_details(u) for u in about):
        return "privacy"
    if kind == "list" or (kind == "compare" and len(set(about)) < 2):
        return "own_instead"
    return "allow"


def public_view(profile: dict[str, Any]) -> dict[str, Any]:
    """Only the public fields of an enterprise profile."""
    return {k: profile.get(k) for k in PUBLIC_FIELDS}


def suppress_small(count: int, principal: Principal) -> int | None:
    """A group count as the caller may see it: groups below `MIN_GROUP` are hidden from non-officials."""
    return count if principal.sees_all or count >= MIN_GROUP or count == 0 else None


# The search library names the field in every reason drawn from one beyond the name and short
# name (`search.matching`, `search.listings`): label → (what a hidden one becomes, the fields it
# reads); labels of public fields are listed too, so that hiding a field is still one edit. 语义相近
# compares with a passage of names, products and scope (`search.documents.passage_text`).
_REASON_FIELDS = {
    "曾用名": ("曾用名匹配", ("former_names",)),
    "英文名": ("英文名匹配", ("english_name",)),
    "别名": ("别名匹配", ("aliases",)),
    "股票简称": ("股票简称匹配", ("stock_names",)),
    "股票代码": ("股票代码匹配", ("stock_codes",)),
    "产品": ("产品匹配", ("products", "business_scope")),  # 字号匹配, 产品: … reads both
    "经营范围": ("经营范围匹配", ("business_scope",)),
    "语义相近": ("语义相近", ("former_names", "products", "business_scope")),
}
_PRIVATE_REASONS = {
    label: hidden for label, (hidden, read) in _REASON_FIELDS.items() if not set(read) <= set(PUBLIC_FIELDS)
}
_PRIVATE_REASON = re.compile("|".join(_PRIVATE_REASONS) or "(?!)")  # (?!): every field public
# A search document's own keys, not profile fields: the USCC as `id`, and the year of its scores.
_DOCUMENT_KEYS = frozenset({"id", "year"})


def public_reason(reason: str) -> str:
    """A reason as callers without the firm's details see it: a non-public field's name only."""
    # "同音字: 瑞广工贸→锐广工贸（曾用名）" → "曾用名匹配"; "行业: 光伏" stays as it is.
    found = _PRIVATE_REASON.search(reason)
    return reason if found is None else _PRIVATE_REASONS[found.group()]


def public_document(doc: Document) -> Document:
    """The search document with every field outside the public profile emptied."""
    hidden: dict[str, Any] = {}
    for f in fields(doc):
        if f.name not in PUBLIC_FIELDS and f.name not in _DOCUMENT_KEYS:
            if f.default is MISSING:  # a field that may be hidden needs a plain empty default
                raise TypeError(f"{type(doc).__name__}.{f.name} has no default to hide its value with")
            hidden[f.name] = f.default
    return replace(doc, **hidden)
