"""Response and request models of the HTTP API (they become the OpenAPI schema)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")
StageCode = Literal["startup", "growth", "development", "mature"]


# Scales, one per concept (also in the README): points are the system's own (every shipped system
# totals 100); a percentile is 0–100, the share of the rest of the stage scoring strictly lower; shares
# of a whole are 0–100 with one decimal; normalized indicator scores are 0–1; times are UTC.
TOTAL = "总分（分，0–指标体系满分；随附的各体系满分均为 100）"
RANK = "阶段内排名（1 为最高；同分同名次，下一名次跳过）"
PERCENTILE = "阶段内百分位（0–100，不是 0–1：同阶段其他企业中总分严格低于它的所占百分比；阶段只有一家时为 100）"
UTC = "（UTC 时间，ISO 8601）"


class ErrorDetail(BaseModel):
    code: str = Field(description="错误代码（英文，供程序判断），如 not_found、forbidden、invalid_request")
    message: str = Field(description="中文错误说明")
    details: Any = Field(default=None, description="补充信息：出错的参数或单元格列表、导入报告等；没有时为 null")


class ErrorResponse(BaseModel):
    """统一的错误格式。"""

    error: ErrorDetail = Field(description="错误")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T] = Field(description="本页条目")
    total: int = Field(description="符合条件的总条数（所有页）")
    page: int = Field(description="页码，从 1 开始")
    size: int = Field(description="每页条数")


class EnterprisePublic(BaseModel):
    """What anyone may see of an enterprise."""

    uscc: str = Field(description="统一社会信用代码（18 位）")
    name: str = Field(description="企业名称（全称）")
    short_name: str | None = Field(default=None, description="简称")
    industry: str | None = Field(default=None, description="行业")
    stage: StageCode | None = Field(default=None, description="成长阶段代码：startup、growth、development、mature")
    stage_name: str | None = Field(default=None, description="成长阶段名称：初创期、成长期、发展期、成熟期")
    stock_codes: list[str] | None = Field(default=None, description="股票代码，如 300750.SZ、00700.HK（北交所或新三板的代码未注明交易所时只有 6 位数字）；未上市为空列表")
    stock_names: list[str] | None = Field(default=None, description="股票简称；未上市为空列表")


class EnterpriseListItem(EnterprisePublic):
    """A list row; points, rank and percentile only for callers who may see them."""

    total: float | None = Field(default=None, description=TOTAL + "；无权查看时为 null")
    rank: int | None = Field(default=None, description=RANK + "；无权查看时为 null")
    percentile: float | None = Field(default=None, description=PERCENTILE + "；无权查看时为 null")


class LatestScore(BaseModel):
    year: int = Field(description="最近一次评分的年度")
    total: float = Field(description=TOTAL)
    rank: int = Field(description=RANK)
    percentile: float = Field(description=PERCENTILE)


class EnterpriseProfile(EnterprisePublic):
    """The profile: public fields for everyone, the rest for the enterprise itself and officials."""

    visibility: Literal["public", "full"] = Field(description="public：只含公开信息（名称、简称、行业、阶段、股票代码与股票简称）；full：全部信息")
    former_names: list[str] | None = Field(default=None, description="曾用名")
    english_name: str | None = Field(default=None, description="英文名称")
    aliases: list[str] | None = Field(default=None, description="其他名称：品牌、常用简称、英文缩写（不公开）")
    address: str | None = Field(default=None, description="地址")
    legal_representative: str | None = Field(default=None, description="法定代表人")
    industry_code: str | None = Field(default=None, description="国民经济行业分类代码")
    products: str | None = Field(default=None, description="主要产品")
    business_scope: str | None = Field(default=None, description="经营范围")
    founding_date: date | None = Field(default=None, description="成立日期")
    latest: LatestScore | None = Field(default=None, description="最近一次评分；没有评分时为 null")


class CategoryPoints(BaseModel):
    code: str = Field(description="类别代码")
    name: str = Field(description="类别名称")
    points: float = Field(description="该类别得分（分，0–max_points；已封顶并计入扣分）")
    max_points: float = Field(description="该类别满分（分）")
    stage_mean: float | None = Field(default=None, description="同阶段企业该类别平均分（分）；同阶段少于 5 家时为 null")
    stage_p75: float | None = Field(default=None, description="同阶段企业该类别得分的上四分位数（分）；同阶段少于 5 家时为 null")


class IndicatorPoints(BaseModel):
    code: str = Field(description="指标代码")
    name: str = Field(description="指标名称")
    category: str = Field(description="所属类别代码")
    unit: str = Field(description="指标值的单位，如 万元、件、人、%")
    source: str = Field(description="数据来源代码，如 tax（税务）、ip（知识产权）")
    value: float | None = Field(description="指标值（按公式由原始数据算出，单位见 unit；unit 为 % 时是 0–1 的比例，0.125 即 12.5%；保留 15 位有效数字，0.05 而非 0.049999999999999996）；缺失为 null")
    value_text: str = Field(description="给人看的指标值，如 12.5%、350万元、缺失")
    normalized: float = Field(description="规则给出的标准化得分（0–1；扣分项为 −1–0）")
    points: float = Field(description="该指标得分（分）= normalized × weight")
    weight: float = Field(description="该指标在本阶段的满分（分）")
    missing: bool = Field(description="数据是否缺失（按指标体系的缺失数据规则计分）")
    band: int | None = Field(description="落入的分档序号（从 0 起，按指标体系文件中的顺序）；非分档规则或未落入任何分档时为 null")
    explanation: str = Field(description="中文解释：公式、取值、分档或同阶段统计（四分位数与平均值，不给最高、最低值；同阶段有该项数据的企业少于 5 家时不给）、得分")


class AdviceItem(BaseModel):
    indicator: str = Field(description="指标代码")
    name: str = Field(description="指标名称")
    kind: str = Field(description="建议类型：next_band 达到下一档、next_quartile 达到同阶段下一个四分位、yes 满足条件、fill_missing 补齐缺失数据")
    current: float | None = Field(description="当前指标值（单位同该指标；% 为 0–1 的比例；保留 15 位有效数字）；缺失为 null")
    target: float = Field(description="建议达到的指标值（单位同 current；保留 15 位有效数字）：下一档的起点、同阶段的四分位数或中位数，从不是某一家企业的最高值")
    points_now: float = Field(description="该指标当前得分（分）")
    points_then: float = Field(description="达到目标后该指标得分（分）")
    gain: float = Field(description="达到目标后总分的增加（分；按重新计分得出，已考虑类别封顶）")
    text: str = Field(description="中文建议")


class TrendPoint(BaseModel):
    year: int = Field(description="年度")
    system: str = Field(description="该年度所用的指标体系版本")
    total: float = Field(description=TOTAL)
    stage: str = Field(description="该年度的成长阶段代码")
    rank: int = Field(description=RANK)
    percentile: float = Field(description=PERCENTILE)


class Verdict(BaseModel):
    passed: bool = Field(description="是否通过")
    route: str = Field(description="通过的途径，或未满足的第一项条件")


class EvaluationVerdict(BaseModel):
    code: str = Field(description="结论代码")
    name: str = Field(description="结论名称")
    passed: bool = Field(description="按园区已有数据测算是否通过")
    route: str = Field(description="通过的途径，或未满足的第一项条件")


class EvaluationCategory(BaseModel):
    code: str = Field(description="类别代码")
    name: str = Field(description="类别名称")
    points: float = Field(description="得分")
    max_points: float = Field(description="满分")
    choice: str | None = Field(default=None, description="该类别按哪一种方式计分（有多种方式时）")


class MissingField(BaseModel):
    field: str = Field(description="字段代码")
    year: int = Field(description="所缺数据的年度")
    name: str = Field(description="字段名称")
    unit: str = Field(description="单位")
    source: str = Field(description="通常提供该字段的数据来源代码")
    source_name: str = Field(description="数据来源名称")
    asked: bool = Field(description="企业能否通过自报表补充（专家评审类字段为否）")


class Evaluation(BaseModel):
    """One official evaluation (科技型中小企业评价、高新技术企业认定) computed on the zone's data."""

    version: str = Field(description="评价指标体系版本")
    name: str = Field(description="评价名称")
    year: int = Field(description="数据年度")
    uscc: str = Field(description="统一社会信用代码")
    verdicts: list[EvaluationVerdict] = Field(description="结论")
    total: float = Field(description="评价得分")
    max_total: float = Field(description="评价满分")
    categories: list[EvaluationCategory] = Field(description="各类别得分")
    missing: list[MissingField] = Field(description="园区没有的、评价需要的数据")


class Evaluations(BaseModel):
    """企业画像的官方评价：每种评价的测算结果（仅供参考，以主管部门审核为准）。"""

    uscc: str = Field(description="统一社会信用代码")
    year: int = Field(description="数据年度")
    evaluations: list[Evaluation] = Field(description="各项评价（该年度没有原始数据的评价不列出）")


class Portrait(BaseModel):
    """企业创新画像 for one year."""

    uscc: str = Field(description="统一社会信用代码（18 位）")
    name: str = Field(description="企业名称")
    short_name: str | None = Field(description="简称")
    industry: str | None = Field(description="行业")
    year: int = Field(description="评分年度")
    run_id: int = Field(description="评分批次号")
    system: str = Field(description="指标体系版本")
    stage: StageCode = Field(description="成长阶段代码")
    stage_name: str = Field(description="成长阶段名称")
    stage_reason: str = Field(description="划入该阶段的理由（中文）")
    total: float = Field(description=TOTAL)
    max_total: float = Field(description="该指标体系的满分（分）")
    rank: int = Field(description=RANK)
    stage_size: int = Field(description="同阶段企业数")
    percentile: float = Field(description=PERCENTILE)
    categories: list[CategoryPoints] = Field(description="各类别得分，与同阶段均值和上四分位对照")
    verdicts: dict[str, Verdict] = Field(description="指标体系定义的结论（如是否通过评价），按结论代码")
    indicators: list[IndicatorPoints] = Field(description="逐项指标得分与解释，按指标体系中的顺序")
    missing: list[str] = Field(description="数据缺失的指标代码")
    advice: list[AdviceItem] = Field(description="提分建议，增分多的在前（至多 5 条）")
    trend: list[TrendPoint] = Field(description="历年得分，按年度升序")


class RankingItem(BaseModel):
    rank: int = Field(description="按 points 的阶段内排名（1 为最高；同分同名次）")
    uscc: str = Field(description="统一社会信用代码")
    name: str = Field(description="企业名称")
    industry: str | None = Field(description="行业")
    stage: StageCode = Field(description="成长阶段代码")
    points: float = Field(description="排序所依据的分数（分）：总分或所选类别得分")
    total: float = Field(description=TOTAL)
    percentile: float = Field(description=PERCENTILE + "（按总分）")


class Ranking(Page[RankingItem]):
    year: int = Field(description="评分年度")
    run_id: int = Field(description="评分批次号")
    stage: StageCode = Field(description="成长阶段代码")
    category: str | None = Field(description="按该类别得分排名（类别代码）；按总分时为 null")


class StageShare(BaseModel):
    stage: StageCode = Field(description="成长阶段代码")
    name: str = Field(description="成长阶段名称")
    count: int | None = Field(description="该阶段企业数；少于 5 家时对非工作人员隐藏（null）")
    share: float | None = Field(description="该阶段企业占比（%，0–100，保留 1 位小数）；隐藏时为 null")


class HistogramBin(BaseModel):
    lo: float = Field(description="区间下界（分，含）")
    hi: float = Field(description="区间上界（分，不含；最后一个区间含上界）")
    count: int | None = Field(description="总分落在该区间的企业数")


class CategoryAverages(BaseModel):
    code: str = Field(description="类别代码")
    name: str = Field(description="类别名称")
    max_points: float = Field(description="该类别满分（分）")
    by_stage: dict[str, float | None] = Field(description="各阶段（按阶段代码）该类别平均分（分，保留 2 位小数）；少于 5 家的阶段对非工作人员为 null")


class TotalMeans(BaseModel):
    mean: float | None = Field(description="全部企业的平均总分（分，保留 2 位小数）；少于 5 家时对非工作人员为 null")
    by_stage: dict[str, float | None] = Field(description="各阶段（按阶段代码）的平均总分（分，保留 2 位小数）；少于 5 家的阶段对非工作人员为 null")


class Distribution(BaseModel):
    year: int = Field(description="评分年度")
    run_id: int = Field(description="评分批次号")
    system: str = Field(description="指标体系版本")
    enterprises: int = Field(description="参与评分的企业数")
    stages: list[StageShare] = Field(description="各阶段企业数与占比")
    histogram: list[HistogramBin] = Field(description="总分直方图（对非工作人员：每个非空区间至少 5 家，不足的与相邻区间合并）")
    categories: list[CategoryAverages] = Field(description="各类别在各阶段的平均分")
    totals: TotalMeans = Field(description="平均总分：全部企业与各阶段（与各类别平均分同样的分组）")


class SystemSummary(BaseModel):
    version: str = Field(description="版本号，如 1.0、hte-2016")
    name: str = Field(description="指标体系名称")
    year: int = Field(description="适用的数据年度")
    indicators: int = Field(description="指标个数")
    categories: int = Field(description="类别个数")
    max_total: float = Field(description="满分（分）")
    description: str = Field(description="说明")


class RunInfo(BaseModel):
    id: int = Field(description="评分批次号")
    system_version: str = Field(description="所用指标体系版本")
    year: int = Field(description="评分的数据年度")
    kind: Literal["zone", "evaluation"] = Field(description="zone：园区积分（该年度最新的已发布批次即园区公布的积分）；evaluation：官方评价批次（科技型中小企业评价、高新技术企业认定），不替换园区积分")
    status: Literal["published", "withdrawn"] = Field(description="published：已发布；withdrawn：已撤回（该年度上一批次恢复为发布）")
    started_at: datetime = Field(description="开始计算的时间" + UTC)
    published_at: datetime = Field(description="发布时间" + UTC)
    withdrawn_at: datetime | None = Field(default=None, description="撤回时间" + UTC + "；未撤回为 null")
    input_batches: list[int] = Field(description="所用的导入批次号")
    n_enterprises: int = Field(description="参与评分的企业数")


class CreditListItem(BaseModel):
    uscc: str = Field(description="统一社会信用代码")
    name: str = Field(description="企业名称")
    industry: str | None = Field(description="行业")
    stage: StageCode = Field(description="成长阶段代码")
    stage_name: str = Field(description="成长阶段名称")
    total: float = Field(description=TOTAL)
    rank: int = Field(description=RANK)
    categories: dict[str, float] = Field(description="各类别得分（分），按类别代码")


class CreditList(BaseModel):
    year: int = Field(description="评分年度")
    run_id: int = Field(description="评分批次号")
    rule: str = Field(description="入选规则，如 总分≥60，各阶段前10名")
    items: list[CreditListItem] = Field(description="入选企业，按阶段、排名排序")


class Token(BaseModel):
    access_token: str = Field(description="访问令牌：请求头 Authorization: Bearer <令牌>")
    token_type: Literal["bearer"] = Field(default="bearer", description="令牌类型，总是 bearer")
    expires_in: int = Field(description="有效期（秒）")


class Me(BaseModel):
    role: str = Field(description="角色：admin、official、enterprise、public")
    role_name: str = Field(description="角色名称：管理员、园区工作人员、企业用户、公众")
    username: str = Field(description="用户名；未登录为空")
    uscc: str | None = Field(description="企业用户绑定的统一社会信用代码（绑定多家时为第一家）；其他角色为 null")
    usccs: list[str] = Field(default_factory=list, description="企业用户绑定的全部企业（集团下属多家企业时不止一家）；其他角色为空")


class UserPublic(BaseModel):
    username: str = Field(description="用户名")
    role: str = Field(description="角色：admin、official、enterprise")
    uscc: str | None = Field(description="企业用户绑定的统一社会信用代码（绑定多家时为第一家）；其他角色为 null")
    usccs: list[str] = Field(default_factory=list, description="企业用户绑定的全部企业，第一家即 uscc；其他角色为空")
    display_name: str = Field(description="显示名称")
    disabled: bool = Field(description="是否已停用")


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64, description="用户名（3–64 个字母、数字或 _ . @ -）")
    password: str = Field(min_length=10, max_length=200, description="密码（10–200 个字符）")
    role: Literal["admin", "official", "enterprise"] = Field(description="角色：admin 管理员、official 园区工作人员、enterprise 企业用户")
    uscc: str | None = Field(default=None, max_length=40, description="企业用户必填：绑定的统一社会信用代码；其他角色不填")
    display_name: str = Field(default="", max_length=100, description="显示名称（至多 100 个字符）")


class EnterpriseBinding(BaseModel):
    uscc: str = Field(min_length=1, max_length=40, description="要绑定的统一社会信用代码（须是库中已有的企业）")


class ApiKeyCreated(BaseModel):
    username: str = Field(description="密钥所属用户")
    api_key: str = Field(description="API 密钥（请求头 X-API-Key）：只显示这一次，请妥善保存")


class ApiKeyPublic(BaseModel):
    id: int = Field(description="密钥编号（吊销时使用）")
    prefix: str = Field(description="密钥的前 12 个字符（用来辨认是哪一把，密钥本身不再显示）")
    created_at: datetime = Field(description="生成时间" + UTC)
    revoked: bool = Field(description="是否已吊销")


class AuditEventPublic(BaseModel):
    id: int = Field(description="记录号")
    at: datetime = Field(description="发生时间" + UTC)
    username: str = Field(description="用户名（失败登录时为所填的用户名）")
    role: str = Field(description="当时的角色")
    action: str = Field(description="操作，如 read_portrait、login、login_failed")
    target: str = Field(description="对象，如统一社会信用代码、批次")
    path: str = Field(description="请求路径")
    client: str = Field(description="客户端地址")
    detail: str = Field(description="补充说明")


class SearchHit(EnterprisePublic):
    """One search hit: public fields for everyone; points only for callers who may see them."""

    score: float = Field(ge=0, le=1, description="相关度（0–1）")
    reasons: list[str] = Field(description="为什么匹配，如 简称匹配、拼音首字母: thgn、产品: 光伏组件")
    weak: bool = Field(description="弱匹配：相关度低于阈值，仅在 include_weak=true 时返回")
    total: float | None = Field(default=None, description=TOTAL + "；无权查看时为 null")
    rank: int | None = Field(default=None, description=RANK + "；无权查看时为 null")
    percentile: float | None = Field(default=None, description=PERCENTILE + "；无权查看时为 null")
    year: int | None = Field(default=None, description="积分所属年度")


class SearchResults(BaseModel):
    """Hits best first; an empty list means nothing relevant is in the store."""

    query: str = Field(description="实际搜索的内容（去掉首尾空白）")
    items: list[SearchHit] = Field(description="搜索结果，最相关的在前；没有相关企业时为空列表")
    semantic: bool = Field(description="本次是否使用了向量（语义）检索；索引尚在生成时只用文本检索")
    year: int | None = Field(description="索引中积分所属的年度（最近一次发布的评分）")


class SuggestItem(BaseModel):
    uscc: str = Field(description="统一社会信用代码")
    name: str = Field(description="企业名称")
    matched: str = Field(description="与输入前缀相符的名称（全称、简称或拼音）")


class SuggestResults(BaseModel):
    query: str = Field(description="实际使用的前缀（去掉首尾空白）")
    items: list[SuggestItem] = Field(description="提示的企业")


class SearchIndexStatus(BaseModel):
    """The search index as the service holds it."""

    embedder: str = Field(description="向量模型名称；none 表示只用文本检索")
    store_signature: str = Field(description="数据库当前状态的指纹：企业数、最新导入批次号、最新发布评分批次号（变化即需重建索引）")
    built: bool = Field(description="是否已有保存的向量索引")
    stale: bool = Field(description="保存的索引是否与当前数据或向量模型不符（需重建）")
    index: dict[str, Any] | None = Field(description="保存的向量索引：count 条数、kind、dim 维数、built_at 生成时间（UTC）、signature、embedder；没有时为 null")
    files: dict[str, dict[str, int]] = Field(description="索引文件大小（字节），按 vectors、passages 文件夹与文件名")
    loaded: dict[str, Any] | None = Field(description="内存中的索引：documents 文档数、semantic 是否含向量、built_at 生成时间（UTC）；尚未载入为 null")
    encoding: dict[str, int] | None = Field(description="后台编码进度：done 已完成、total 总数；不在编码时为 null")
    last_error: str | None = Field(description="最近一次后台编码的错误；没有为 null")


# ----------------------------------------------------------------------------- the assistant (issue 12)
SESSION_ID = r"^[A-Za-z0-9_-]{1,64}$"


class ChatIn(BaseModel):
    """One message to the assistant."""

    message: str = Field(max_length=20_000, description="问题（中文口语即可）；超过 1000 字时助手请您精简，超过 20000 字答 422")
    session_id: str | None = Field(
        default=None, pattern=SESSION_ID,
        description="会话号：接着上一轮的回答给出的 session_id 追问；不填、未知或已过期时开始新的会话；他人的会话答 404",
    )


class ChatSource(BaseModel):
    kind: Literal["run", "system", "policy", "aggregate", "derived"] = Field(
        description="来源：run 已发布的评分批次，system 指标体系文件，policy 政策文本，aggregate 多家企业的汇总，derived 由其他数据计算")
    run: int | None = Field(default=None, description="评分批次号")
    indicator: str | None = Field(default=None, description="指标代码")
    field: str | None = Field(default=None, description="原始数据字段")
    batch: int | None = Field(default=None, description="导入批次号")
    system: str | None = Field(default=None, description="指标体系版本")
    document: str | None = Field(default=None, description="政策或制度文件编号")
    inputs: list[int] | None = Field(default=None, description="derived：由 facts 中哪几条（位置，从 0 起）算出")


class ChatFact(BaseModel):
    """One number or value the reply states, with its source."""

    label: str = Field(description="说明")
    value: bool | int | float | str | None = Field(description="数值或文字")
    unit: str = Field(description="单位")
    year: int | None = Field(description="年度")
    uscc: str | None = Field(description="关于哪家企业（只关于一家企业时）")
    source: ChatSource = Field(description="来源")


class ChatEnterprise(BaseModel):
    uscc: str = Field(description="统一社会信用代码")
    name: str = Field(description="企业名称")


class ChatEntities(BaseModel):
    enterprises: list[ChatEnterprise] = Field(description="回答涉及的企业（拒绝时为空）")
    indicators: list[str] = Field(description="指标代码")
    categories: list[str] = Field(description="类别代码")
    years: list[int] = Field(description="年度")


class ChatOut(BaseModel):
    """The assistant's answer, the same shape on every channel."""

    session_id: str = Field(description="会话号：追问时带上")
    reply: str = Field(description="回答（适合手机阅读的中文；其中每个数字都在 facts 里）")
    kind: Literal["answer", "clarify", "refuse", "redirect"] = Field(
        description="answer 回答；clarify 反问一个简短的问题；refuse 拒绝（见 refuse_reason）；redirect 闲聊或超出范围")
    intent: str = Field(description="识别出的意图，如 my_total_points、rank_in_stage、help")
    refuse_reason: Literal["privacy", "injection", "unauthenticated", "write_attempt", "bulk_export"] | None = Field(
        default=None, description="拒绝原因（仅 kind 为 refuse 时）：privacy 他人数据、injection 指令或身份声明、"
        "unauthenticated 未登录、write_attempt 修改数据、bulk_export 批量导出")
    entities: ChatEntities = Field(description="回答涉及的企业、指标、类别和年度")
    facts: list[ChatFact] = Field(description="回答中每个数字的出处")
    suggestions: list[str] = Field(description="可以接着问的问题，或可选的企业、指标")


class ChatTurnOut(BaseModel):
    at: datetime = Field(description="时间" + UTC)
    message: str = Field(description="用户的消息（清理后）")
    reply: ChatOut = Field(description="当时的回答")


class ChatHistory(BaseModel):
    """One's own session, turn by turn."""

    session_id: str = Field(description="会话号")
    created_at: datetime = Field(description="开始时间" + UTC)
    updated_at: datetime = Field(description="最近一轮的时间" + UTC)
    expires_at: datetime = Field(description="无新消息时的过期时间" + UTC)
    turns: list[ChatTurnOut] = Field(description="各轮对话，从早到晚")


class WechatBindingCode(BaseModel):
    code: str = Field(description="6 位绑定码：在公众号（或企业微信应用）中发送“绑定 绑定码”")
    expires_at: datetime = Field(description="失效时间" + UTC + "（10 分钟内有效，只能使用一次）")


class WechatBindingPublic(BaseModel):
    id: int = Field(description="绑定编号（解除时使用）")
    account: str = Field(description="账号：mp:公众号 AppID，或 work:企业微信 CorpID")
    openid: str = Field(description="关注者的 openid（企业微信为成员 UserID）")
    username: str = Field(description="绑定的用户名")
    role: str = Field(description="该用户的角色")
    disabled: bool = Field(description="该用户是否已停用（停用用户的绑定不授予任何权限）")
    created_at: datetime = Field(description="绑定时间" + UTC)
