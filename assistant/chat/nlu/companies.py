"""Company mentions: which of the pieces no known word covers name a company.

They are chosen among the `name` chunks of `segment`: a chunk is a mention when it looks like a
name (恒锐智能: a trade name and an industry word of registered names; hengrui: pinyin; hrzn:
initials; a typed USCC), stands where a company stands (和B比, 查一下B, B的总分, 那B呢, B比一下), or
opens the question with something asked about it further on (邦型多少分, 荣泰哪些指标还有提升空间,
请问高冠是什么阶段) — two characters or more, one when the dialogue has just asked "和谁比？".
Latin chunks separated by a space are one mention ("heng tuo"). What is asked about a firm
(基本信息) and adverbs no vocabulary word covers (大概, 其实) are never names; everything else
("今天天气", "讲个笑话") stays text for the classifier. The dialogue resolves the mentions through
search. None of this asks whether such a firm exists: an enterprise user's question about a
made-up firm reads like one about a real one, and is refused alike.
"""

from __future__ import annotations

import re

from assistant.chat.nlu.segment import Segment
from assistant.chat.nlu.vocabulary import Vocabulary

__all__ = ["company_mentions"]

_USCC_SHAPE = re.compile(r"[0-9a-z]{2}[0-9]{6}[0-9a-z]{10}")
_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ue|ve|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|er|a|o|e|i|u|v))+"
)
_ACRONYM = re.compile(r"[bcdfghjklmnpqrstwxyz]{2,6}")
# Words that announce a company before it (和B比, 查一下B, 那B呢) or follow it (B的总分, B呢).
_BEFORE = frozenset(
    "和 跟 与 同 及 对比 比较 比一比 比一下 对比下 vs pk 查 查下 查一下 查查 查询 查找 找 找下 找一下 找找 搜 搜下 搜一下 "
    "搜索 叫 叫做 名叫 有没有 是否有 那 那么 关于 看看 看下 看一下 我是 本人 作为 清空 删除 删掉 把 拿 帮我查".split()
)
_AFTER = frozenset(
    "呢 和 跟 与 同 vs pk 比 对比 相比 比一下 比下 比一比 比较 对比下 对比一下 这家 这家企业 公司 企业 有限公司 是哪家 简介 全称 简称 在园区 在 总分 总积分 积分 "
    "得分 分数 排名 名次 排第几 第几 阶段 是做什么 今年 去年 属于 家".split()
)
_AFTER_DE = frozenset(
    "总分 总积分 积分 得分 分数 排名 名次 阶段 数据 情况 全称 简称 明细 信息 成绩 法人 法定代表人 老板 财务 总经理 董事长 负责人 "
    "呢 排第几 第几 企业 公司".split()
)
_SOFTENERS = frozenset("下 一下 下子 一下子".split())
_WHICH = frozenset("哪家 哪个 什么 谁 做什么 啥 哪个公司 哪一家".split())
# What is asked about a firm: a name chunk opening the message with one of these later on (or a
# slot: an indicator, a category, a stage, a year) is the firm asked about (荣泰哪些指标还有提升空间,
# 邦型多少分, 高冠是什么阶段) — whether or not such a firm exists, so that an enterprise user's
# question about a made-up one is refused like one about a real one.
_ABOUT_FIRM = frozenset(
    "积分 总分 总积分 得分 分数 多少分 几分 分 排名 名次 排第几 第几 阶段 指标 提升 提高 提分 加分 简介 "
    "评上 评得上 能评 够不够 资格".split()
)
_NOT_NAME_START = frozenset("能会要想可该应让请把被已还再都就也才又先")
# Adverbs and fillers no vocabulary word covers (大概多少分, 其实排第几): a chunk opening with one
# of them is the question's own words.
_NOT_NAME_WORDS = tuple(
    "大概 大约 大致 到底 究竟 差不多 平均 一般 实际 其实 最终 最后 今天 明天 昨天 这次 上次 本次 截至 大家 自己 你们 "
    "分别 刚才 刚刚 真的 确实 估计 可能 应该 感觉 好像 已经 马上 赶紧 请教 就是 然后 所以 但是 不过 另外 顺便 主要 重点 "
    "目前为止 实时 官方 准确 精确 简单 大体 通常 一直 始终 总共 一共 现在 目前 最近 具体".split()
)
# Words that open a question before the firm it is about (请问荣泰…, 帮我看看荣泰…).
_OPENERS = _BEFORE | frozenset("请问 请 帮我 帮忙 麻烦 麻烦问下 问下 问一下 想问 想问下 我想问 我想知道 想知道 你好 您好 就是 那个".split())
# What is asked about a firm that reads like a name (信息 is a name word): never a mention.
_ASKED_NOT_NAMES = frozenset("基本信息 基本情况 企业信息 工商信息 公司信息 详细信息 相关信息 信息 情况 资料 详情 概况 介绍 档案".split())


def _only_name_words(chunk: str, vocab: Vocabulary) -> bool:
    """Whether a chunk is made of industry words of names only (科技, 智能装备, 新材料科技)."""
    i = 0
    while i < len(chunk):
        for end in range(len(chunk), i, -1):
            if chunk[i:end] in vocab.name_words:
                i = end
                break
        else:
            return False
    return True


def _has_name_word(chunk: str, vocab: Vocabulary) -> bool:
    """Whether a chunk holds an industry word of names after a trade name (恒锐智能, 鼎泰精机)."""
    return any(chunk[i:j] in vocab.name_words for i in range(1, len(chunk)) for j in range(i + 2, len(chunk) + 1))


def _looks_latin_name(chunk: str) -> bool:
    """Pinyin (hengrui, "yaoyu jiqiren") or initials (hrzn), not English words (prompt, select)."""
    tokens = chunk.split()
    return 0 < len(tokens) <= 4 and all(_PINYIN.fullmatch(t) or _ACRONYM.fullmatch(t) for t in tokens)


def _word(seg: Segment | None) -> str:
    return seg.surface if seg is not None and seg.kind == "term" else ""


def _in_context(before: Segment | None, after: Segment | None, after_next: Segment | None) -> bool:
    """Whether the words around a chunk say it is a company (和B比, 查一下B, B的总分, 那B呢)."""
    if _word(before) in _BEFORE or _word(after) in _AFTER:
        return True
    if _word(after) == "是" and _word(after_next) in _WHICH:
        return True
    if after is not None and after.kind in ("year", "n"):
        return True
    if after is not None and after.kind == "term" and after.meaning is not None and (
        after.meaning.indicators or after.meaning.category or after.meaning.policy or after.meaning.stage
    ):
        return True
    if _word(after) == "的":
        nxt = after_next
        return nxt is not None and (_word(nxt) in _AFTER_DE or (nxt.kind == "name" and nxt.text in _ASKED_NOT_NAMES) or
            (nxt.kind == "term" and nxt.meaning is not None and nxt.meaning.is_slot))
    return False


def _opens_question(joined: list[Segment], k: int) -> bool:
    """Whether the chunk at `k` opens the message (after 请问, 查一下 at most) and something is
    asked about it further on (荣泰哪些指标还有提升空间, 邦型多少分). A chunk that starts with a
    modal or an adverb (能教我…, 已经报过…) is the question's own words, not a name."""
    if joined[k].text[0] in _NOT_NAME_START:
        return False
    if any(seg.kind != "term" or seg.surface not in _OPENERS for seg in joined[:k]):
        return False
    for seg in joined[k + 1 :]:
        if seg.kind in ("year", "list_index"):
            return True
        if seg.kind == "term" and (seg.surface in _ABOUT_FIRM or (seg.meaning is not None and seg.meaning.is_slot)):
            return True
        if seg.kind == "name" and seg.text in _ASKED_NOT_NAMES:
            return True
    return False


def _after_self(joined: list[Segment], k: int) -> bool:
    """Whether the chunk at `k` follows a reference to the asker's own firm (我们的创新积分,
    我们jf多少, 我们在本阶段): what follows 我们 describes it, it names no other firm."""
    j = k - 1
    if j >= 0 and _word(joined[j]) == "的":
        j -= 1
    seg = joined[j] if j >= 0 else None
    return seg is not None and seg.kind == "term" and seg.meaning is not None and seg.meaning.ref == "self"


def company_mentions(segments: tuple[Segment, ...], vocab: Vocabulary, *, expecting: bool = False) -> tuple[Segment, ...]:
    """The name segments that are company mentions: "heng tuo" joined into one, in order.

    A chunk is a mention when the dialogue has just asked for a company, when it holds an
    industry word of names after a trade name (恒锐智能), when it is pinyin or initials, or when
    the words around it say so; "今天天气" or "讲个笑话" are not.
    """
    joined: list[Segment] = []
    for seg in segments:
        if seg.kind == "name" and joined and joined[-1].kind == "name" and seg.text.isascii() and joined[-1].text.isascii() \
                and seg.start == joined[-1].end + 1:
            last = joined.pop()
            joined.append(Segment("name", last.start, seg.end, f"{last.text} {seg.text}"))
        elif seg.kind != "space":
            joined.append(seg)
    found: list[Segment] = []
    for k, seg in enumerate(joined):
        if seg.kind != "name":
            continue
        text = seg.text.strip()
        bare = text.replace(" ", "")
        if _USCC_SHAPE.fullmatch(bare):
            found.append(seg)  # a typed USCC names a firm wherever it stands
            continue
        if bare.isdigit() or len(bare) < (1 if expecting else 2) or bare in _ASKED_NOT_NAMES:
            continue
        if bare.startswith(_NOT_NAME_WORDS):
            continue  # not even as the answer to "哪家企业？" (那我们自己的呢)
        if not expecting and _after_self(joined, k):
            continue
        b = k - 1
        while b > 0 and _word(joined[b]) in _SOFTENERS:
            b -= 1  # 对比|一下|晟天: the word before the softener announces the name
        before = joined[b] if b >= 0 else None
        after = joined[k + 1] if k + 1 < len(joined) else None
        after_next = joined[k + 2] if k + 2 < len(joined) else None
        if expecting or (
            not _only_name_words(bare, vocab)
            and ((_looks_latin_name(text) if text.isascii() else _has_name_word(bare, vocab))
                 or _in_context(before, after, after_next) or _opens_question(joined, k))
        ):
            found.append(seg)
    return tuple(found)
