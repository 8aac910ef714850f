"""Response and request models of the HTTP API (they become the OpenAPI schema)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")
StageCode = Literal["startup", "growth", "development", "mature"]


class ErrorDetail(BaseModel):
    code: str
    message: str = Field(description="中文错误说明")
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    page: int
    size: int


class EnterprisePublic(BaseModel):
    """What anyone may see of an enterprise."""

    uscc: str
    name: str
    short_name: str | None = None
    industry: str | None = None
    stage: StageCode | None = None
    stage_name: str | None = None


class EnterpriseListItem(EnterprisePublic):
    """A list row; points, rank and percentile only for callers who may see them."""

    total: float | None = None
    rank: int | None = None
    percentile: float | None = None


class LatestScore(BaseModel):
    year: int
    total: float
    rank: int
    percentile: float


class EnterpriseProfile(EnterprisePublic):
    """The profile: public fields for everyone, the rest for the enterprise itself and officials."""

    visibility: Literal["public", "full"]
    former_names: list[str] | None = None
    english_name: str | None = None
    address: str | None = None
    legal_representative: str | None = None
    industry_code: str | None = None
    products: str | None = None
    business_scope: str | None = None
    founding_date: date | None = None
    latest: LatestScore | None = None


class CategoryPoints(BaseModel):
    code: str
    name: str
    points: float
    max_points: float
    stage_mean: float | None = None
    stage_p75: float | None = None


class IndicatorPoints(BaseModel):
    code: str
    name: str
    category: str
    unit: str
    source: str
    value: float | None
    value_text: str
    normalized: float
    points: float
    weight: float
    missing: bool
    band: int | None
    explanation: str


class AdviceItem(BaseModel):
    indicator: str
    name: str
    kind: str
    current: float | None
    target: float
    points_now: float
    points_then: float
    gain: float
    text: str


class TrendPoint(BaseModel):
    year: int
    system: str
    total: float
    stage: str
    rank: int
    percentile: float


class Verdict(BaseModel):
    passed: bool
    route: str


class Portrait(BaseModel):
    """企业创新画像 for one year."""

    uscc: str
    name: str
    short_name: str | None
    industry: str | None
    year: int
    run_id: int
    system: str
    stage: StageCode
    stage_name: str
    stage_reason: str
    total: float
    max_total: float
    rank: int
    stage_size: int
    percentile: float
    categories: list[CategoryPoints]
    verdicts: dict[str, Verdict]
    indicators: list[IndicatorPoints]
    missing: list[str]
    advice: list[AdviceItem]
    trend: list[TrendPoint]


class RankingItem(BaseModel):
    rank: int
    uscc: str
    name: str
    industry: str | None
    stage: StageCode
    points: float = Field(description="排序所依据的分数：总分或所选类别得分")
    total: float
    percentile: float


class Ranking(Page[RankingItem]):
    year: int
    run_id: int
    stage: StageCode
    category: str | None


class StageShare(BaseModel):
    stage: StageCode
    name: str
    count: int | None = Field(description="少于 5 家时对非工作人员隐藏（null）")
    share: float | None


class HistogramBin(BaseModel):
    lo: float
    hi: float
    count: int | None


class CategoryAverages(BaseModel):
    code: str
    name: str
    max_points: float
    by_stage: dict[str, float | None]


class Distribution(BaseModel):
    year: int
    run_id: int
    system: str
    enterprises: int
    stages: list[StageShare]
    histogram: list[HistogramBin]
    categories: list[CategoryAverages]


class SystemSummary(BaseModel):
    version: str
    name: str
    year: int
    indicators: int
    categories: int
    max_total: float
    description: str


class RunInfo(BaseModel):
    id: int
    system_version: str
    year: int
    kind: Literal["zone", "evaluation"] = Field(description="zone：园区积分（该年度最新的已发布批次即园区公布的积分）；evaluation：官方评价批次（科技型中小企业评价、高新技术企业认定），不替换园区积分")
    status: Literal["published", "withdrawn"] = Field(description="published：已发布；withdrawn：已撤回（该年度上一批次恢复为发布）")
    started_at: datetime
    published_at: datetime
    withdrawn_at: datetime | None = None
    input_batches: list[int]
    n_enterprises: int


class CreditListItem(BaseModel):
    uscc: str
    name: str
    industry: str | None
    stage: StageCode
    stage_name: str
    total: float
    rank: int
    categories: dict[str, float]


class CreditList(BaseModel):
    year: int
    run_id: int
    rule: str
    items: list[CreditListItem]


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class Me(BaseModel):
    role: str
    role_name: str
    username: str
    uscc: str | None


class UserPublic(BaseModel):
    username: str
    role: str
    uscc: str | None
    display_name: str
    disabled: bool


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64)
    password: str = Field(min_length=10, max_length=200)
    role: Literal["admin", "official", "enterprise"]
    uscc: str | None = Field(default=None, max_length=40)
    display_name: str = Field(default="", max_length=100)


class ApiKeyCreated(BaseModel):
    username: str
    api_key: str = Field(description="只显示这一次，请妥善保存")


class AuditEventPublic(BaseModel):
    id: int
    at: datetime
    username: str
    role: str
    action: str
    target: str
    path: str
    client: str
    detail: str


class SearchHit(EnterprisePublic):
    """One search hit: public fields for everyone; points only for callers who may see them."""

    score: float = Field(ge=0, le=1, description="相关度（0–1）")
    reasons: list[str] = Field(description="为什么匹配，如 简称匹配、拼音首字母: thgn、产品: 光伏组件")
    weak: bool = Field(description="弱匹配：相关度低于阈值，仅在 include_weak=true 时返回")
    total: float | None = None
    rank: int | None = Field(default=None, description="阶段内排名")
    percentile: float | None = None
    year: int | None = Field(default=None, description="积分所属年度")


class SearchResults(BaseModel):
    """Hits best first; an empty list means nothing relevant is in the store."""

    query: str
    items: list[SearchHit]
    semantic: bool = Field(description="本次是否使用了向量（语义）检索；索引尚在生成时只用文本检索")
    year: int | None = Field(description="索引中积分所属的年度（最近一次发布的评分）")


class SuggestItem(BaseModel):
    uscc: str
    name: str
    matched: str = Field(description="与输入前缀相符的名称（全称、简称或拼音）")


class SuggestResults(BaseModel):
    query: str
    items: list[SuggestItem]


class SearchIndexStatus(BaseModel):
    """The search index as the service holds it."""

    embedder: str
    store_signature: str
    built: bool
    stale: bool
    index: dict[str, Any] | None
    files: dict[str, dict[str, int]]
    loaded: dict[str, Any] | None
    encoding: dict[str, int] | None
    last_error: str | None
