"""Intents that the words of a message settle beyond doubt, read before the classifier.

Rules read the *masked* text (slots already replaced by placeholders: I indicator, C category,
E company, Y year, N count, P policy, S stage, D industry), so "营业收入增长率" (an indicator, I)
never reads as a change, and "前十" in 前十名 is "前N名" whatever the numeral. Each rule is a pattern
plus the slots it needs; the first that holds wins. Everything else goes to the classifier, which
knows the phrasings these patterns would only approximate.

>>> from assistant.chat.understanding import Slots
>>> rule_intent("我们能评上P吗", Slots(policy="hte-2016"))
'policy_eligibility'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.chat.understanding import Slots

__all__ = ["BARE_DEFINITION", "rule_intent"]

_HELP = re.compile(
    r"^(?:帮助|help|使用说明|使用帮助|菜单|功能|功能介绍|说明书|怎么用|\?|？)$"
    r"|你(?:都)?(?:能|会|可以)(?:帮我)?(?:做|干|回答|查|问)(?:些)?(?:什么|啥|哪些)"
    r"|(?:怎么|如何)(?:使)?用(?:你|这个助手|助手|这个)|有(?:哪些|什么|啥)功能|能问(?:些)?(?:什么|啥|哪些)|可以问(?:些)?(?:什么|啥|哪些)"
    r"|(?:怎么|如何)(?:向你)?提问|支持(?:哪些|什么)问题"
    r"|你能帮我做|能帮我做|从哪开始|怎么开始|绑定|登录|登陆|注册账号|新手|不会用|教程|你是干嘛的|你是做什么的|你会什么|你能干嘛|你能干什么"
)
_ELIGIBLE = re.compile(
    r"能不能|能否|能|够不够|够|可以|可不可以|符合|满足|评上|评得上|评的上|资格|条件|达标|够格|有戏|入选|进得了|进不进|"
    r"差什么|还差|缺什么|门槛|申请|申报|认定|进入|名单里|在不在|有没有|拿到|拿得到|通过"
)
_TOP = re.compile(r"积分榜|排行榜|榜单|排行|前几名|前几|最高的几家|哪几家最高|哪些企业最高|谁最高|哪家最高|得分最高的|积分最高的|排名靠前的企业|头部企业")
_MINE_IN_TOP = re.compile(r"(?:我们|它).{0,6}(?:进|在|是不是|是否|算不算|能不能进|排)")
_COMPARE = re.compile(r"对比|比较|比一比|比一下|pk|vs|相比|差距|差多少|谁高|谁更高|谁低|谁好|谁强|哪个高|哪家高|哪个好|哪家好|哪家强|哪个强")
_COMPARE_WITH = re.compile(r"(?:和|跟|与|同|对比|比较|pk|vs)E|E(?:和|跟|与|同|对比|比较|pk|vs)")
_CHANGE = re.compile(
    r"同比|环比|比Y|较Y|和Y比|跟Y比|与Y相比|Y(?:到|至|和|跟|与|对比|比)Y|相比Y|对比Y|"
    r"涨了|跌了|涨还是跌|升还是降|增长了|下降了|提高了|降低了|上升了|下滑|多了还是少了|变化|变动|涨幅|跌幅|增幅|进步了|退步了|"
    r"掉了|掉分|掉这么多|降了|降这么多|少了这么多|怎么少了|(?:哪些|哪几个|哪几项|哪个|什么)指标.{0,4}(?:变了|变动|变化|涨|跌|降|升|拉|拖)|"
    r"(?:两|近两|近三|历|每)年.{0,4}(?:对比|变化|比较|走势|趋势)|走势|趋势|拉动|拉低|拖累"
)
_DEFINE = re.compile(
    r"怎么算|如何算|如何计算|怎么计算|计算方法|计算方式|算法|口径|定义|含义|什么意思|啥意思|是什么|指的是|指什么|"
    r"怎么计分|如何计分|计分规则|计分方式|评分规则|评分标准|打分规则|怎么打分|怎么给分|满分|最高分|上限|封顶|权重|"
    r"数据来源|来源是|从哪来|哪里来|哪来的|公式|分档|几档|档次|怎么评|怎么得分|如何得分|包括哪些|包含哪些|有哪些指标|由哪些|"
    r"(?<![能再多可])[扣加给](?:多少|几)分|版.{0,8}(?:变化|新增|增加|删|调整|区别|不同|改)|(?:新增|删除|删了|取消)了?(?:哪些)?指标|"
    # what it means, whether more is better, whether it is new, whether it scores, how many items
    r"什么是|啥是|何为|何谓|什么叫|啥叫|解释一下|介绍一下|越(?:高|低|大|小|多|少)越好|(?:高|大|多)好还是(?:低|小|少)好|"
    r"多少(?:算|才算|比较)?(?:好|合适|正常|合理|达标|优秀)|多少(?:算|才算)(?:高|低)|怎么?样?(?:才)?算好|合理(?:范围|区间|水平)|正常(?:范围|水平)|"
    r"新加|新增的|是新的|新指标|还有吗|还算吗|还在吗|取消了吗|删了吗|去掉了吗|"
    r"(?:加|给|算|计|有)分吗|(?:加不加|给不给|算不算|计不计)分|计入积分|算进积分|算积分吗|"
    r"几项|多少项|几个指标|多少个指标|多少指标|哪几项|哪些项|"
    r"(?:会|要)扣分吗|扣不扣分|会不会扣分|(?:能|可以|可)(?:得|拿)(?:几|多少)分"
)
# A definition asked of what the conversation is about, naming nothing: "怎么算的", "满分多少".
BARE_DEFINITION = re.compile(
    r"^(?:那|那么)?(?:这个|这项|它|这)?(?:是)?(?:怎么算|如何算|如何计算|怎么计算|怎么计分|如何计分|怎么得分|怎么给分|怎么定义|"
    r"满分(?:是)?多少|满分几分|最高(?:几|多少)分|权重(?:是)?多少|口径(?:是什么|是啥)?|数据来源(?:是什么|是啥|是哪|在哪)?|"
    r"公式(?:是什么|是啥)?|计分规则(?:是什么|是啥)?|什么意思|啥意思)(?:的|呢|啊|呀|捏|嘞)*$"
)
# "这个指标满分多少", "我们这项多少": the indicator the conversation is about.
_THIS_INDICATOR = re.compile(r"这个指标|这项指标|该指标|这一项|这项|该项|此项|这个分项|那个指标|那项指标|那一项|那项")
# The indicator system itself changed: "今年指标体系有什么变化", "新版和旧版有啥区别".
_VERSION_CHANGE = re.compile(
    r"(?:指标体系|评价体系|积分体系|体系|新版|旧版|老版|版本|新旧|v\d|\d版)[^，,。？?]{0,10}?"
    r"(?:变化|调整|区别|不同|改了|变了|新增|删除|删了|改动|差别|差异|更新了|有啥新|有什么新|改了啥|改了什么|对比|比较)"
)
# The asker against its stage's aggregates: its rank and percentile answer it.
_VS_AVERAGE = re.compile(
    r"(?:比|跟|和|与|同|相比|对比|较)(?:一下)?(?:同阶段|同行|同类|本阶段|S)?(?:的)?(?:企业)?(?:的)?(?:平均|均值|中位|平均水平|平均分|平均值|一般水平|大多数)|"
    r"(?:高于|低于|超过|不如|达到|赶上)了?(?:同阶段|同行|同类|本阶段|S)?(?:的)?(?:企业)?(?:的)?(?:平均|均值|中位|一般水平)"
)
_ADVICE = re.compile(
    r"(?:怎么|如何|怎样|咋|咋样|怎么样才能|怎么才能|如何才能|能不能|有什么办法|有啥办法)(?:才能)?(?:再)?(?:提高|提升|提分|加分|多得分|多拿分|得更多分|拿更多分|涨分|补|改进|改善)|"
    r"最容易(?:提升|提高|加分|拿分|得分)|容易提分|(?:怎么|如何|怎样)才能|能加(?:多少|几)分|能多(?:拿|得)|"
    r"再.{0,8}(?:能|可以|就能|才能)(?:加分|提分|多得分|多拿分)|(?:几件|几个|几项|多少)(?:能|可以|就能|才能)(?:加分|提分)|"
    r"(?:低|少|差|不高|不够|不行|落后|靠后|不理想)了?(?:怎么办|咋整|咋办|咋弄|怎么整|怎么弄|怎么破|怎么搞|如何是好|该咋办|该怎么办|有救吗)|下一档|提分|加分的?(?:项|建议|办法|攻略|方法)|提升空间|提升建议|改进建议|优化建议|建议|短板|弱项|补强|(?<![会要不])扣分(?![吗么嘛不])|丢分|失分|哪里不足|哪些不足|还差在哪|差在哪|潜力|攻略"
)
_STAGE = re.compile(
    r"什么阶段|哪个阶段|哪一阶段|什么期|哪一期|哪个期|阶段是|属于S|属于哪|是S吗|是不是S|为什么是S|为什么算S|为啥是S|为啥算S|"
    r"为什么被划|为什么划|怎么划|被划|划为|划成|划到|划入|归为|归到|算S|阶段判定|阶段依据|判定依据|为什么不是S|"
    r"能到S|到S|进入S|升到S|升入S"
)
_RANK = re.compile(r"排第几|第几名|第几位|排名多少|排多少名|排多少|名次|排在第几|排在哪|百分位|排位|位次|排名情况|排名怎么样|排名如何|排名咋样|排名靠前吗|排名靠后|超过了?多少|击败|领先了?多少|排名|位置|倒数|前百分之|后百分之")
_TOTAL = re.compile(r"总分|总积分|总得分|积分多少|多少积分|多少分|几分|分数多少|积分是多少|积分情况|积分怎么样|得分情况|积分")
_FIND = re.compile(
    r"有没有(?:一家|一个)?(?:叫|名叫|名为)?E|是否有(?:叫)?E|有(?:个|家|一家)叫|叫什么|全称|找(?:一下|下)?E|搜(?:一下|下|索)?E|查找E|E(?:这家|这个)?(?:公司|企业)?(?:是哪家|是什么公司|是啥公司|在不在|在吗|存在吗|有吗|是哪个)|"
    r"有这家|这家公司叫|名字里有|名称里有|带E的(?:公司|企业)"
)
_BAND = re.compile(r"哪一?档|第几档|落在|档位")
_PROGRAMME = re.compile(
    r"(?:积分|总分|积分制|积分制度|积分体系|指标体系|科创积分|科技创新积分)(?:是什么|是怎么|怎么评|是怎么评|怎么算|怎么计算|如何计算|有什么用|干什么|"
    r"满分|构成|由哪些|怎么来的|在哪看|什么时候|多久|几次|的数据来源|数据从哪)|满分(?:是)?多少|(?:几|多少)个(?:类别|大类|阶段|指标)|"
    r"(?:几|多少)大类|几类|哪五类|分几个阶段|阶段(?:是)?(?:怎么|如何)(?:划分|界定|判定)|(?:各|每个)阶段(?:怎么|如何)|S(?:怎么|如何)(?:界定|划分|认定)|"
    r"S(?:的)?(?:标准|条件|门槛|划分标准)|S要满足|什么是(?:积分|科创积分|科技创新积分)(?!P|贷)|管理办法|(?:数据|积分)(?:从哪|来源)|填报|自评|报表|评价流程|"
    r"一年评几次|多久评一次|什么时候发布|什么时候出来|"
    # the stages and the categories themselves
    r"(?:哪几个|哪些|几个|多少个|哪四个|哪4个)(?:成长)?阶段|阶段(?:有哪些|有哪几个|都有哪些|分别是|有几个)|"
    r"[五5]大类别?(?:是|有|分别是|指)|哪(?:几|五)(?:个|大)?类别?|类别(?:是什么|有哪些|有哪几个|分别是|都有哪些)|有哪些(?:大类|类别)|"
    r"S(?:是)?(?:怎么|如何|咋)(?:界定|划分|认定|定义|判定|算)|S(?:的)?(?:定义|标准|条件|门槛|含义)|什么(?:是|叫)S|S是什么|S指的是|S是指"
)
# "查下江苏旭维电子科技有限公司的积分": a firm's points, not a search for it.
_FIRMS_POINTS = re.compile(r"E的?(?:总积分|积分|总分|分数|总得分|得分)(?:情况|呢|吧|啊|呀)*$")
# "How many points" once nothing more specific was asked: the slots say at which level.
_POINTS = re.compile(r"得分|几分|多少分|得了|拿了|分数|是多少|多少|数值|情况|怎么样|咋样|表现|几个|几件|几项|几篇|几家")
_PARTS = re.compile(r"类|维度|分项|板块|各项|能力|指标|项|偏低|最低|最高")
_WHAT_IS = re.compile(r"什么是|是什么|是啥|怎么回事|介绍一下|啥意思|什么意思")
_POLICY_WORDS = re.compile(r"政策|补贴|兑现|扶持|奖补|能享受")
# Words that say a message is about the programme at all; a message with none of them (and no
# slot, no company) is small talk or out of scope: "世界杯谁赢了", "帮我写首诗".
_DOMAIN = re.compile(
    r"[ICEYNLSDP]|积分|分|排|名|阶段|指标|类|企业|公司|政策|数据|填报|评|提高|提升|建议|对比|比较|比|查|找|搜|帮助|功能|用|问|"
    r"登录|绑定|填|表|报|研发|专利|人员|人才|收入|营收|费用|税|融资|资产|创新|科技|技术|产品|我们|它|涨|跌|变化|同比|贷|补贴|资格|条件|申报|认定|标准|规则|口径|权重|满分|help|菜单|版"
)
_CHITCHAT = re.compile(
    r"^(?:你好|您好|hi|hello|嗨|哈喽|在吗|在不在|谢谢|多谢|谢了|thanks|thx|好的|好|嗯|嗯嗯|哦|ok|okay|再见|拜拜|bye|哈+|呵呵|早上好|晚上好|中午好|早|晚安|辛苦了|厉害|牛|不错)[啊呀哦吧呢~!！。.]*$"
    r"|天气|笑话|讲个故事|唱首歌|你是谁|你叫什么|你几岁|吃饭了|吃了吗|股票|股价|彩票|外卖|电影|打游戏"
)


def _has_data_words(masked: str) -> bool:
    return bool(_TOTAL.search(masked) or _RANK.search(masked) or "I" in masked or "C" in masked)


# (intent, pattern, condition on slots and the masked text); the first that holds wins.
_RULES: tuple[tuple[str, Callable[[str, Slots], bool]], ...] = (
    ("help", lambda t, s: t == "" or bool(_HELP.search(t))),  # "？" alone: how to ask
    ("chitchat_out_of_scope", lambda t, s: bool(_CHITCHAT.search(t)) and not _has_data_words(t) and not s.companies),
    ("policy_eligibility", lambda t, s: s.policy is not None and bool(_ELIGIBLE.search(t) or "标准" in t)
        and "指标" not in t and "这项" not in t),
    ("policy_eligibility", lambda t, s: bool(_POLICY_WORDS.search(t)) and "I" not in t),
    # "什么是科技创新积分贷款", "积分贷是啥": what a named policy is.
    ("policy_eligibility", lambda t, s: s.policy is not None and s.indicator is None and not s.indicator_candidates
        and bool(_WHAT_IS.search(t)) and "I" not in t),
    ("rank_in_stage", lambda t, s: s.n is not None and s.company_ref == "self" and bool(_MINE_IN_TOP.search(t))),
    ("top_n_list", lambda t, s: (s.n is not None and s.list_index is None and not _CHANGE.search(t)) or bool(_TOP.search(t))),
    ("compare_companies", lambda t, s: len(s.companies) >= 2 and bool(_COMPARE.search(t) or "和" in t or "跟" in t)),
    ("compare_companies", lambda t, s: bool(s.companies) and bool(_COMPARE_WITH.search(t)) and not _CHANGE.search(t)),
    ("indicator_definition", lambda t, s: bool(_VERSION_CHANGE.search(t)) and s.company_ref is None and not s.companies),
    ("rank_in_stage", lambda t, s: bool(_VS_AVERAGE.search(t)) and len(s.companies) <= 1 and s.n is None),
    ("yoy_change", lambda t, s: bool(_CHANGE.search(t)) and (len(s.years) >= 1 or "同比" in t or s.compare_direction is not None)
        and "版" not in t),
    ("improvement_advice", lambda t, s: bool(_ADVICE.search(t))),
    ("indicator_definition", lambda t, s: bool(_THIS_INDICATOR.search(t)) and bool(_DEFINE.search(t))
        and s.company_ref is None and not s.companies),
    ("indicator_definition", lambda t, s: bool(BARE_DEFINITION.match(t))),
    ("programme_info", lambda t, s: bool(_PROGRAMME.search(t)) and s.company_ref is None and not s.companies
        and "I" not in t and "C" not in t and s.n is None),
    ("indicator_value_score", lambda t, s: (s.indicator is not None or bool(s.indicator_candidates)) and bool(_BAND.search(t))
        and (s.company_ref is not None or bool(s.companies))),
    ("indicator_definition", lambda t, s: (s.indicator is not None or bool(s.indicator_candidates) or s.category is not None)
        and bool(_DEFINE.search(t)) and s.company_ref is None and not s.companies
        and (s.policy is None or "指标" in t or "这项" in t)),
    ("stage_and_reason", lambda t, s: bool(_STAGE.search(t)) and s.n is None and (s.company_ref is not None or bool(s.companies))),
    ("rank_in_stage", lambda t, s: bool(_RANK.search(t)) and s.n is None and "I" not in t and "C" not in t),
    ("my_total_points", lambda t, s: bool(s.companies) and bool(_FIRMS_POINTS.search(t)) and s.n is None),
    ("find_company_fuzzy", lambda t, s: bool(s.companies) and bool(_FIND.search(t)) and not _has_data_words(t)),
    ("indicator_value_score", lambda t, s: (s.indicator is not None or bool(s.indicator_candidates)) and bool(_POINTS.search(t))
        and "P" not in t),
    ("indicator_value_score", lambda t, s: bool(_THIS_INDICATOR.search(t)) and bool(_POINTS.search(t)) and s.category is None),
    ("category_points", lambda t, s: s.category is not None and s.indicator is None and bool(_POINTS.search(t))),
    ("my_total_points", lambda t, s: bool(re.search("积分|总分|得分", t)) and bool(_POINTS.search(t))
        and s.n is None and not s.indicator_candidates and not _PARTS.search(t)),
    ("chitchat_out_of_scope", lambda t, s: not _DOMAIN.search(t)),
)


def rule_intent(masked: str, slots: Slots) -> str | None:
    """The intent a rule settles for a masked message, or None (the classifier decides)."""
    for intent, holds in _RULES:
        if holds(masked, slots):
            return intent
    return None
