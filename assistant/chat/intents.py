"""The intents the assistant understands, named exactly so in every response's `intent`.

Each intent says which slots it needs; the dialogue asks for a missing one (one short question)
instead of guessing. `ENTERPRISE_DATA` are the intents that read one enterprise's non-public data:
an enterprise user may ask them about its own enterprise only, the public not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class IntentSpec:
    """An intent: its name, what it is in Chinese (for help and clarifying questions), its needs."""

    name: str
    title: str  # Chinese, shown in clarifying questions and help
    needs_company: bool = False  # about one enterprise (the asker's own by default)
    official_only: bool = False  # shows other enterprises' points (lists, comparisons)


SPECS: tuple[IntentSpec, ...] = (
    IntentSpec("my_total_points", "总积分", needs_company=True),
    IntentSpec("category_points", "类别得分", needs_company=True),
    IntentSpec("indicator_value_score", "指标数值与得分", needs_company=True),
    IntentSpec("rank_in_stage", "阶段内排名", needs_company=True),
    IntentSpec("stage_and_reason", "成长阶段及判定依据", needs_company=True),
    IntentSpec("indicator_definition", "指标口径与计分规则"),
    IntentSpec("improvement_advice", "提升建议", needs_company=True),
    IntentSpec("compare_companies", "企业对比", official_only=True),
    IntentSpec("top_n_list", "排行榜", official_only=True),
    IntentSpec("find_company_fuzzy", "查找企业"),
    IntentSpec("yoy_change", "同比变化", needs_company=True),
    IntentSpec("policy_eligibility", "政策与资格", needs_company=True),
    IntentSpec("programme_info", "积分制度介绍"),
    IntentSpec("help", "使用帮助"),
    IntentSpec("chitchat_out_of_scope", "闲聊与范围外"),
)
BY_NAME: dict[str, IntentSpec] = {s.name: s for s in SPECS}
INTENTS: tuple[str, ...] = tuple(BY_NAME)
ENTERPRISE_DATA: frozenset[str] = frozenset(s.name for s in SPECS if s.needs_company)

# `indicator_value_score` over all of one enterprise's indicators rather than one: those without
# data ("我们缺哪些数据", "哪些指标数据缺失") or without points ("哪些指标是0分").
INDICATOR_LISTING = re.compile(
    r"(?:缺|少|没有|没)(?:了)?(?:哪些|什么|啥)(?:数据|指标|材料)|(?:哪些|什么)(?:指标)?(?:数据)?(?:缺失|缺少|没有数据|没数据)"
    r"|数据缺失|缺失(?:的)?(?:数据|指标)|(?:哪些|什么)指标.{0,6}(?:0|零)分|(?:0|零)分的?指标|没得分的?指标|不得分的?指标")

__all__ = ["BY_NAME", "ENTERPRISE_DATA", "INDICATOR_LISTING", "INTENTS", "SPECS", "IntentSpec"]
