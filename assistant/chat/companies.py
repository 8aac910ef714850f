"""Which enterprise a mention means, found through the search layer as the asker.

A mention ("恒托智能", "hengtuo", "HTZN", a USCC) is searched with `assistant.queries.search_hits.search`
as the asker, so the privacy rule of search applies here too: the public and enterprise users match
other firms through public fields only. Scores are the searcher's calibrated 0–1 scale
(`search.hybrid`): weak hits are never taken.

- A hanzi name the search finds nothing for is searched again as its toneless pinyin: a homophone
  typed for a two-character trade name (众付 for 众富, 煜孩 for 煜海) is, to the search layer, as
  likely a firm elsewhere (美德 against 美的), but in a question about a zone's firm it is a slip of
  the pinyin keyboard, and spelling it out is what the asker would have typed next.
- Two names typed with nothing between them (广辰康云) that match nothing together are cut where
  each part names one firm (`side_by_side`, for officials: the only ones who may see both).
- One hit, or a top hit ahead of the next by `MARGIN` → that enterprise.
- Several hits within `MARGIN` of the top → candidates, the assistant asks which (officials see
  them as suggestions).
- An enterprise user: a mention means one of its own enterprises when one of them is among the
  close hits (its own short name may also fit another firm); otherwise it is someone else's, and
  the answer is the same refusal whether that firm exists or not — so for enterprise users this
  module says only "one of yours" or "not yours", never which other firm matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlmodel import Session

from assistant.access.privacy import Principal
from assistant.chat.context import ChatContext
from assistant.chat.reply import EnterpriseRef
from assistant.queries.audit import Audit
from scoring import store
from scoring.uscc import CHARSET
from search.pinyin import PinyinTable, is_hanzi

MARGIN = 0.08  # hits closer than this to the top are too close to tell apart: ask which
CANDIDATES = 5
# A USCC typed in a message (the NLU may leave it out of the company mentions).
USCC_IN_TEXT = re.compile(rf"(?<![0-9A-Z])[0-9A-Z]{{2}}[0-9]{{6}}[{CHARSET}]{{10}}(?![0-9A-Z])")
SPELLED_MAX = 6
SIDE_BY_SIDE = (4, 10)  # lengths of a mention tried as two names typed side by side  # longer hanzi mentions are full names: their pinyin adds nothing to the search


@dataclass(frozen=True)
class Resolution:
    """What a mention means: one enterprise, several to choose from, or none (for enterprise users:
    none of its own)."""

    found: EnterpriseRef | None = None
    candidates: tuple[EnterpriseRef, ...] = ()


def resolve(mention: str, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Resolution:
    """The enterprise `mention` names, as the asker may know it (see the module docstring)."""
    text = mention.strip()
    if not text or ctx.index is None:
        return Resolution()
    items = search_named(text, principal=principal, ctx=ctx, audit=audit, limit=CANDIDATES)
    if not items:
        return Resolution()
    top = float(items[0]["score"])
    close = [i for i in items if top - float(i["score"]) < MARGIN]
    refs = [EnterpriseRef(uscc=i["uscc"], name=i["name"]) for i in close]
    if principal.role == "enterprise":
        mine = [r for r in refs if principal.may_see_details(r.uscc)]
        if len(mine) == 1:
            return Resolution(found=mine[0])
        return Resolution(candidates=tuple(mine)) if mine else Resolution()
    if len(refs) == 1:
        return Resolution(found=refs[0])
    return Resolution(candidates=tuple(refs))


@cache
def _pinyin() -> PinyinTable:
    return PinyinTable.from_dir()


def spelled(text: str) -> str | None:
    """The toneless pinyin of a short hanzi name (众付 → zhongfu); None for anything else."""
    if not 2 <= len(text) <= SPELLED_MAX or not all(is_hanzi(ch) for ch in text):
        return None
    return _pinyin().full(text) or None


def search_named(
    text: str, *, principal: Principal, ctx: ChatContext, audit: Audit | None, limit: int, **filters: Any,
) -> list[dict[str, Any]]:
    """The search layer's hits for a name as the asker may see them; a short hanzi name with no hit
    is searched again spelled in pinyin (see the module docstring)."""
    if ctx.index is None:
        return []
    # Imported here: the search stack (jieba, pypinyin) loads with the service, not with this module.
    from assistant.queries.search_hits import search

    usccs = typed_usccs(text)
    if len(usccs) == 1 and usccs[0] == text.strip().upper():
        text = usccs[0]  # the message was cleaned to lower case; the register keeps USCCs upper case
    items: list[dict[str, Any]] = search(principal=principal, index=ctx.index, audit=audit, text=text, limit=limit,
                                         **filters)["items"]
    again = spelled(text.strip()) if not items else None
    if again and _names_a_firm(again, ctx):
        items = search(principal=principal, index=ctx.index, audit=audit, text=again, limit=limit, **filters)["items"]
    return items


def _names_a_firm(text: str, ctx: ChatContext) -> bool:
    """Whether some firm's public name fields match `text`: a probe by names alone (about 1 ms),
    made before a search as the asker, whose meaning vectors cost tens of milliseconds a query."""
    return ctx.index is not None and bool(ctx.index.current().public.search(text, limit=1))


def side_by_side(mention: str, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> tuple[EnterpriseRef, ...]:
    """Two names typed with nothing between them (广辰康云) that match nothing together: the one
    cut where each part names one firm, for those who may see any firm (officials); () otherwise."""
    text = mention.strip()
    if not principal.sees_all or not SIDE_BY_SIDE[0] <= len(text) <= SIDE_BY_SIDE[1] or not all(is_hanzi(ch) for ch in text):
        return ()
    for cut in range(2, len(text) - 1):
        if not (_names_a_firm(text[:cut], ctx) and _names_a_firm(text[cut:], ctx)):
            continue
        first = resolve(text[:cut], principal=principal, ctx=ctx, audit=audit).found
        second = resolve(text[cut:], principal=principal, ctx=ctx, audit=audit).found if first else None
        if first is not None and second is not None and first != second:
            return first, second
    return ()


def pick(mention: str, candidates: tuple[EnterpriseRef, ...]) -> EnterpriseRef | None:
    """The one offered candidate a reply names ("耀裕那家", its USCC), if exactly one fits."""
    text = mention.strip()
    if not text:
        return None
    fits = [c for c in candidates if text in c.name or c.name in text or text == c.uscc]
    return fits[0] if len(fits) == 1 else None


def own_enterprises(principal: Principal, ctx: ChatContext) -> tuple[EnterpriseRef, ...]:
    """The enterprises an enterprise user is bound to, with their names, in binding order."""
    bound = principal.bound
    if not bound:
        return ()
    with Session(ctx.engine) as session:
        names = store.enterprises_by_uscc(session=session, usccs=bound)
    return tuple(EnterpriseRef(uscc=u, name=str(names[u]["name"])) for u in bound if u in names)


def typed_usccs(text: str) -> tuple[str, ...]:
    """USCCs typed in a message, in order."""
    return tuple(USCC_IN_TEXT.findall(text.upper()))


__all__ = ["MARGIN", "Resolution", "own_enterprises", "pick", "resolve", "search_named", "side_by_side", "spelled",
           "typed_usccs"]
