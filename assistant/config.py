"""Settings: one pydantic-settings class, read from the environment (prefix INNOPOINTS_) or `.env`."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from innopoints_data import DATA_DIR

# The development secret earlier versions shipped in this file: public, so refused if configured.
DEV_SECRET = "innopoints-development-secret-change-me"


class Settings(BaseSettings):
    """Everything a deployment sets. Defaults give the embedded SQLite demo in `var/`."""

    # hide_input_in_errors: a refused setting must not print the other settings, secrets among them.
    model_config = SettingsConfigDict(env_prefix="INNOPOINTS_", env_file=".env", extra="ignore", hide_input_in_errors=True)

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default=Path("var"), description="生成文件（数据库、索引）所在目录")
    database_url: str = Field(default="", description="SQLAlchemy URL；为空时使用 data_dir 下的 SQLite 文件")
    systems_dir: Path = Field(default=DATA_DIR / "indicator_systems")
    secret_key: str = Field(
        default="", description="签发访问令牌的密钥（至少 32 个字符）；不设置时首次启动在 data_dir/secret.key 生成随机密钥（权限 600）",
    )
    token_minutes: int = Field(default=60, ge=1, le=24 * 60, description="访问令牌有效期（分钟）")
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(default=1_000_000, ge=1024, description="请求体上限（字节）")
    # Login throttling (assistant.access.throttle): per (address, user name) with back-off, and a
    # much higher ceiling per address against one password tried on many names.
    login_failures_allowed: int = Field(
        default=5, ge=1, description="同一地址对同一用户名允许连续失败的次数；之后每次须等待 1、2、4… 秒（翻倍）",
    )
    login_backoff_max_seconds: int = Field(default=15 * 60, ge=1, le=24 * 3600, description="退避等待的上限（秒）")
    login_address_failures_allowed: int = Field(
        default=100, ge=1, description="同一地址在 login_window_seconds 内（所有用户名合计）允许的失败次数",
    )
    login_window_seconds: int = Field(default=15 * 60, ge=10, le=24 * 3600, description="按地址计数的时间窗（秒）")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="可信的反向代理（IP 或网段，逗号分隔）：只有来自它们的请求才采信 X-Forwarded-For / X-Real-IP",
    )
    recheck_seconds: float = Field(
        default=1.0, ge=0, le=60,
        description="各工作进程信任已读取的用户状态与已发布评分的时长（秒）：其他进程停用用户或发布评分后，至多这么久生效",
    )
    run_cache_runs: int = Field(
        default=4, ge=1, le=64,
        description="每个工作进程在内存中保留的评分批次数据份数（2,791 家企业时每份约 11 MiB），超出时淘汰最久未用的",
    )
    database_busy_seconds: float = Field(
        default=60.0, gt=0, le=600,
        description="SQLite 写入时等待写锁的最长时间（秒）：发布评分时写锁可被占用数十秒；超时后审计写入会重试，失败的登录返回 503",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # The optional language model of the assistant (assistant.chat.llm): off unless a base URL is set.
    llm_base_url: str = Field(
        default="", description="OpenAI 兼容接口的地址（如 https://llm.example.cn/v1）；为空时不使用大模型，只用模板回答",
    )
    llm_api_key: SecretStr = Field(default=SecretStr(""), description="该接口的 API 密钥（只随请求发送，不写入日志）")
    llm_model: str = Field(default="", max_length=200, description="模型名称")
    llm_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="等待大模型回答的最长时间（秒）；超时则发送模板回答",
    )
    # Search (issue 5): which embedder serves the vector retriever; "none" leaves text retrieval only.
    embedder: Literal["e5", "none", "sentence-transformers"] = Field(
        default="e5", description="向量模型：e5（内置 multilingual-e5-small）、none（不用向量）、sentence-transformers（embedder_model_dir 指定的模型目录）",
    )
    embedder_model_dir: Path | None = Field(default=None, description="sentence-transformers 模型目录（如本地的 bge-small-zh-v1.5）")
    embedder_query_prefix: str = Field(default="", max_length=200, description="查询前缀（bge 中文模型：为这个句子生成表示以用于检索相关文章：）")
    embedder_passage_prefix: str = Field(default="", max_length=200, description="文档前缀")
    search_warm_start: bool = Field(default=True, description="启动时在后台载入已保存的搜索索引（从不在启动时编码）")
    # The assistant (issue 12): sessions in the store, a per-user limit on messages.
    policies_dir: Path = Field(default=DATA_DIR / "policies", description="政策文本目录（积分贷、政策兑现等，每项附原文）")
    chat_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="对话会话闲置多久后过期（分钟）；过期后同一会话号开始新的会话",
    )
    chat_turns_per_minute: int = Field(
        default=30, ge=0, le=10_000, description="每个用户每分钟最多发送的对话消息数（公众按客户端地址计）；0 表示不限",
    )
    # WeChat (issue 13): the official account (公众号) at /wechat and WeCom (企业微信) at /wechat/work;
    # an account without a token is not served.
    wechat_token: SecretStr = Field(default=SecretStr(""), description="公众号服务器配置中的令牌 Token（3–32 个字母或数字）")
    wechat_aes_key: SecretStr = Field(
        default=SecretStr(""), description="公众号的消息加解密密钥 EncodingAESKey（43 个字符）；设置后可用兼容模式和安全模式",
    )
    wechat_app_id: str = Field(default="", max_length=64, description="公众号的 AppID（解密时核对）")
    wechat_app_secret: SecretStr = Field(default=SecretStr(""), description="公众号的 AppSecret：超过 5 秒的回答经客服消息接口发送时需要")
    wechat_api_base: str = Field(default="https://api.weixin.qq.com", description="微信接口地址（测试时指向本机的模拟服务）")
    wework_token: SecretStr = Field(default=SecretStr(""), description="企业微信应用接收消息的 Token")
    wework_aes_key: SecretStr = Field(default=SecretStr(""), description="企业微信应用的 EncodingAESKey（43 个字符）")
    wework_corp_id: str = Field(default="", max_length=64, description="企业微信的企业 ID（CorpID）")
    wework_secret: SecretStr = Field(default=SecretStr(""), description="企业微信应用的 Secret：推送超过 5 秒的回答时需要")
    wework_agent_id: str = Field(default="", max_length=32, description="企业微信应用的 AgentId")
    wework_api_base: str = Field(default="https://qyapi.weixin.qq.com", description="企业微信接口地址")
    wechat_reply_seconds: float = Field(
        default=4.5, gt=0, le=4.8, description="被动回复的等待上限（秒）；更慢的回答先回复 success，再经客服消息接口推送",
    )
    wechat_timestamp_window_seconds: int = Field(
        default=300, ge=10, le=3600, description="接受的微信请求时间戳与本机时间的最大偏差（秒），防止重放",
    )
    portal_url: str = Field(
        default="", max_length=300,
        description="网页版（门户）供外部访问的地址，如 https://jf.example.gov.cn；设置后，微信中无法推送的过长回答附上网页版链接",
    )
    docs_enabled: bool = Field(default=True, description="是否提供接口文档 /docs、/redoc 与 /openapi.json（关闭后三者均返回 404）")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> object:
        # From the environment: `10.0.0.1,10.0.0.0/8` (or a JSON list).
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if not isinstance(value, list):
            return value  # pydantic names the wrong type
        items = [str(v).strip() for v in value if str(v).strip()]
        for item in items:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"INNOPOINTS_TRUSTED_PROXIES 中的“{item}”不是 IP 地址或网段（如 10.0.0.1、10.0.0.0/8）") from None
        return items

    @model_validator(mode="after")
    def _safe_secret(self) -> Settings:
        # A published or short secret lets anyone mint tokens, in development too (a development
        # server is often reachable); unset is safe: the service generates one (`secret_path`).
        if self.secret_key and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ValueError(
                "INNOPOINTS_SECRET_KEY 须为至少 32 个字符的随机值（源代码中公开过的开发密钥不能用）；"
                "不设置则首次启动时自动生成并保存在 data_dir/secret.key",
            )
        return self

    @model_validator(mode="after")
    def _llm(self) -> Settings:
        # The key travels with every request: in clear text only to this machine, outside development.
        if not self.llm_base_url:
            return self
        url = _http_url(self.llm_base_url)
        if url is None:
            raise ValueError(f"INNOPOINTS_LLM_BASE_URL 须为 http:// 或 https:// 开头的地址（收到 {self.llm_base_url!r}）")
        if not self.llm_model:
            raise ValueError("设置了 INNOPOINTS_LLM_BASE_URL 时须同时设置 INNOPOINTS_LLM_MODEL（模型名称）")
        scheme, host = url
        if scheme == "http" and self.environment != "development" and host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("INNOPOINTS_LLM_BASE_URL 在非开发环境中须使用 https（本机地址除外），否则 API 密钥以明文传输")
        return self

    @model_validator(mode="after")
    def _wechat(self) -> Settings:
        # Refused at start-up with the setting's name: a wrong key would otherwise fail every message.
        from assistant.wechat.crypto import aes_key

        for prefix, token, key, rid, rid_name, base in (
            ("WECHAT", self.wechat_token, self.wechat_aes_key, self.wechat_app_id, "APP_ID", self.wechat_api_base),
            ("WEWORK", self.wework_token, self.wework_aes_key, self.wework_corp_id, "CORP_ID", self.wework_api_base),
        ):
            t, k = token.get_secret_value(), key.get_secret_value()
            if not t:
                continue
            if not re.fullmatch(r"[A-Za-z0-9]{3,32}", t):
                raise ValueError(f"INNOPOINTS_{prefix}_TOKEN 须为 3–32 个字母或数字（与微信后台填写的一致）")
            if k:
                try:
                    aes_key(k)
                except ValueError as exc:
                    raise ValueError(f"INNOPOINTS_{prefix}_AES_KEY 无效：{exc}") from None
                if not rid:
                    raise ValueError(f"设置了 INNOPOINTS_{prefix}_AES_KEY 时须同时设置 INNOPOINTS_{prefix}_{rid_name}（解密时核对）")
            elif prefix == "WEWORK":
                raise ValueError("企业微信的回调消息总是加密的：须设置 INNOPOINTS_WEWORK_AES_KEY 和 INNOPOINTS_WEWORK_CORP_ID")
            url = _http_url(base)
            if url is None:
                raise ValueError(f"INNOPOINTS_{prefix}_API_BASE 须为 http:// 或 https:// 开头的地址（收到 {base!r}）")
            if url[0] == "http" and self.environment == "production" and url[1] not in ("127.0.0.1", "localhost", "::1"):
                raise ValueError(f"INNOPOINTS_{prefix}_API_BASE 在生产环境中须使用 https（本机地址除外）")
        return self

    @field_validator("portal_url")
    @classmethod
    def _portal_url(cls, value: str) -> str:
        # Sent to followers as a link: only a plain http(s) address, without query or fragment.
        if not value:
            return value
        parts = _http_url(value)
        if parts is None or urlsplit(value).query or urlsplit(value).fragment or any(c.isspace() for c in value):
            raise ValueError(f"INNOPOINTS_PORTAL_URL 须为 http:// 或 https:// 开头、不带查询参数的地址（收到 {value!r}）")
        return value.rstrip("/")

    @property
    def db_url(self) -> str:
        """The database URL in force (the SQLite file under `data_dir` unless set)."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    @property
    def secret_path(self) -> Path:
        """Where the generated signing secret is kept when `secret_key` is unset."""
        return self.data_dir / "secret.key"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "innopoints.sqlite"


def _http_url(text: str) -> tuple[str, str] | None:
    """(scheme, host) of an http(s) URL, or None if it is not one."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname
