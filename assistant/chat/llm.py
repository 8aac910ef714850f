"""The optional language model: an OpenAI-compatible chat-completions endpoint (off by default).

It is asked for two things only, and anything it returns is checked before it is used:

- **understanding** what the rules and the classifier could not (`understand`): the intents are
  offered as tools (function calling), one per intent, whose parameters are the slots (company as
  typed, years, N, stage, industry, category, indicator, policy). Who asks is never a parameter:
  identity comes from the channel, and a tool call that carries any argument the schema does not
  define (a role, a USCC "of the asker") is refused whole. The result is an `Understanding` for the
  dialogue to resolve like any other — the model fetches nothing and writes no query.
- **rephrasing** a templated `Answer` (`rephrase`): the model sees only the reply and its facts,
  and its text is accepted only when every number in it equals a fact at the precision shown
  (`assistant.chat.grounding.ungrounded`) and every number of the template is still there.

On any failure — timeout, connection error, an HTTP error, a body that is not the protocol's, an
unknown tool, arguments that do not validate, a number that is not a fact — the method returns
None and the caller keeps its own understanding or the templated answer. The API key is sent in the
`Authorization` header only: it is never logged and never part of `repr`.

>>> model = configured(base_url="", api_key="", model="")  # nothing configured: no model
>>> model is None
True
"""

from __future__ import annotations

import importlib
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal, Protocol, runtime_checkable

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.chat.intents import BY_NAME, IntentSpec
from assistant.chat.request import Answer
from assistant.chat.understanding import Slots, Understanding
from scoring.systems.labels import STAGES

log = logging.getLogger(__name__)

# What the dialogue sees as the model's confidence: the model gives none that is calibrated, and it
# is only asked when the rules and the classifier fell below their thresholds.
CONFIDENCE = 0.8
# A rephrasing may be longer than the template, not an essay.
MAX_GROWTH = 2.0
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_POLICY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

REPHRASE_PROMPT = (
    "你是企业科技创新积分助手的润色员。把用户给出的回复改写得更自然、简洁，适合手机阅读。"
    "必须原样保留回复中的每一个数字（含小数位和单位），不得新增、删除或改动任何数字，"
    "不得加入回复和事实表之外的企业名称或信息。只输出改写后的中文纯文本。"
)
UNDERSTAND_PROMPT = (
    "你是企业科技创新积分助手的理解模块。今天是 {today}。从用户的话中选出最合适的一个工具（意图）并填写参数："
    "企业名称照用户的原话填写；“今年/去年/前年”换算成公历年份；阶段、类别、指标只填给定的代码。"
    "提问者的身份由系统确定，不要在参数中填写任何身份信息。无法判断时不要调用工具。"
)


@runtime_checkable
class ChatModel(Protocol):
    """What the chat service asks of a language model; None means "use your own"."""

    def rephrase(self, answer: Answer) -> str | None:
        """The answer reworded, every number still a fact; None on any doubt."""

    def understand(self, text: str, *, intents: Iterable[str | IntentSpec], today: date) -> Understanding | None:
        """The intent and slots of ``text`` among ``intents``; None when not understood."""


# ----------------------------------------------------------------------------- the protocol's shapes


class _Function(BaseModel):
    name: str
    arguments: str


class _ToolCall(BaseModel):
    type: Literal["function"] = "function"
    function: _Function


class _Message(BaseModel):
    content: str | None = None
    tool_calls: list[_ToolCall] | None = None


class _Choice(BaseModel):
    message: _Message


class _Completion(BaseModel):
    """A chat completion as the OpenAI protocol returns it (fields we do not read are ignored)."""

    choices: list[_Choice] = Field(min_length=1)


class SlotArguments(BaseModel):
    """A tool call's arguments: the slots, nothing else (an unknown key refuses the whole call)."""

    model_config = ConfigDict(extra="forbid")

    company: str | None = Field(default=None, min_length=1, max_length=100)
    other_company: str | None = Field(default=None, min_length=1, max_length=100)
    year: int | None = Field(default=None, ge=1990, le=2100)
    other_year: int | None = Field(default=None, ge=1990, le=2100)
    n: int | None = Field(default=None, ge=1, le=100)
    stage: str | None = None
    industry: str | None = Field(default=None, max_length=40)
    category: str | None = Field(default=None, max_length=40)
    indicator: str | None = Field(default=None, max_length=40)
    policy: str | None = Field(default=None, max_length=40)


def slot_schema(*, categories: Mapping[str, str], indicators: Mapping[str, str]) -> dict[str, Any]:
    """The JSON schema of the tools' parameters (codes enumerated where the system files give them)."""

    def codes(names: Mapping[str, str]) -> dict[str, Any]:
        return {"type": "string", "enum": list(names), "description": "；".join(f"{c}={n}" for c, n in names.items())}

    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "company": {"type": "string", "description": "企业名称、简称或统一社会信用代码，照用户原话"},
            "other_company": {"type": "string", "description": "对比时的第二家企业"},
            "year": {"type": "integer", "description": "公历年份"},
            "other_year": {"type": "integer", "description": "同比时的另一年份"},
            "n": {"type": "integer", "description": "前 N 名的 N"},
            "stage": {"type": "string", "enum": list(STAGES), "description": "；".join(f"{c}={n}" for c, n in STAGES.items())},
            "industry": {"type": "string", "description": "行业"},
            "category": codes(categories) if categories else {"type": "string"},
            "indicator": codes(indicators) if indicators else {"type": "string"},
            "policy": {"type": "string", "description": "tsme-2017=科技型中小企业；hte-2016=高新技术企业；credit=积分贷"},
        },
    }


# ----------------------------------------------------------------------------- the model


class OpenAICompatibleModel:
    """A chat-completions endpoint (`{base_url}/chat/completions`) as the optional `ChatModel`."""

    def __init__(self, base_url: str, api_key: str, model: str, *, timeout: float = 10.0,
                 confidence: float = CONFIDENCE, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.confidence = confidence
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=httpx.Timeout(timeout),
                                    transport=transport, trust_env=False)

    def __repr__(self) -> str:
        return f"OpenAICompatibleModel(base_url={self.base_url!r}, model={self.model!r}, timeout={self.timeout})"

    def close(self) -> None:
        self._client.close()

    def rephrase(self, answer: Answer) -> str | None:
        """The answer's reply reworded by the model, if every number of it is a fact (else None)."""
        if answer.kind != "answer" or not answer.reply:
            return None
        facts = [{"label": f.label, "value": f.value, "unit": f.unit, "year": f.year} for f in answer.facts]
        content = f"回复：{answer.reply}\n事实表：{json.dumps(facts, ensure_ascii=False)}"
        message = self._complete([{"role": "system", "content": REPHRASE_PROMPT}, {"role": "user", "content": content}])
        if message is None or not message.content:
            return None
        text = message.content.strip()
        problem = _rephrasing_problem(text, answer)
        if problem:
            log.warning("chat model: rephrasing refused (%s)", problem)
            return None
        return text

    def understand(self, text: str, *, intents: Iterable[str | IntentSpec], today: date,
                   categories: Mapping[str, str] | None = None,
                   indicators: Mapping[str, str] | None = None) -> Understanding | None:
        """One intent with its slots chosen by the model among ``intents`` (None if none is chosen
        or the call does not validate). ``categories`` / ``indicators``: code → name, enumerated in
        the schema so that the model answers with codes."""
        specs = [BY_NAME.get(i, IntentSpec(i, i)) if isinstance(i, str) else i for i in intents]
        schema = slot_schema(categories=categories or {}, indicators=indicators or {})
        tools = [{"type": "function", "function": {"name": s.name, "description": s.title, "parameters": schema}}
                 for s in specs]
        message = self._complete(
            [{"role": "system", "content": UNDERSTAND_PROMPT.format(today=today.isoformat())},
             {"role": "user", "content": text}],
            tools=tools,
        )
        if message is None or not message.tool_calls:
            return None
        call = message.tool_calls[0].function
        names = {s.name for s in specs}
        if call.name not in names:
            log.warning("chat model: unknown tool %r", call.name[:60])
            return None
        try:
            args = SlotArguments.model_validate(json.loads(call.arguments or "{}"))
        except (ValueError, ValidationError) as exc:
            log.warning("chat model: invalid tool arguments (%s)", type(exc).__name__)
            return None
        slots = _slots(args, today=today, categories=categories or {}, indicators=indicators or {})
        if slots is None:
            return None
        return Understanding(intent=call.name, confidence=self.confidence, slots=slots, text=text)

    def _complete(self, messages: Sequence[Mapping[str, str]], *, tools: list[dict[str, Any]] | None = None) -> _Message | None:
        """One chat completion's message, or None on any failure (logged without secrets)."""
        body: dict[str, Any] = {"model": self.model, "messages": list(messages), "temperature": 0}
        if tools:
            body["tools"] = tools
            body["tool_choice"] = "auto"
        try:
            response = self._client.post("/chat/completions", json=body)
            response.raise_for_status()
            return _Completion.model_validate_json(response.content).choices[0].message
        except httpx.TimeoutException:
            log.warning("chat model: no answer within %s s", self.timeout)
        except httpx.HTTPStatusError as exc:
            log.warning("chat model: HTTP %s", exc.response.status_code)
        except httpx.HTTPError as exc:
            log.warning("chat model: %s", type(exc).__name__)
        except ValidationError:
            log.warning("chat model: the answer is not a chat completion")
        return None


def _rephrasing_problem(text: str, answer: Answer) -> str | None:
    """Why a rephrasing may not replace the template (None: it may)."""
    if not _CJK.search(text):
        return "not Chinese"
    if len(text) > MAX_GROWTH * len(answer.reply) + 40:
        return "too long"
    # The answers' grounding rule (`assistant.chat.grounding.ungrounded`), looked up when first
    # needed: the one rule for every number of a reply, not a second copy of it here.
    ungrounded = importlib.import_module("assistant.chat.grounding").ungrounded
    wrong = ungrounded(text, answer.facts)
    if wrong:
        return f"numbers not in the facts: {', '.join(wrong[:5])}"
    kept = _DIGITS.findall(text)
    for number in _DIGITS.findall(answer.reply):
        if number not in kept:
            return f"dropped {number}"
        kept.remove(number)
    return None


def _slots(args: SlotArguments, *, today: date, categories: Mapping[str, str],
           indicators: Mapping[str, str]) -> Slots | None:
    """Slots from validated arguments; None when one names a code or year that cannot be."""
    if args.stage is not None and args.stage not in STAGES:
        return None
    if categories and args.category is not None and args.category not in categories:
        return None
    if indicators and args.indicator is not None and args.indicator not in indicators:
        return None
    if args.policy is not None and not _POLICY.match(args.policy):
        return None
    years = tuple(sorted({y for y in (args.year, args.other_year) if y is not None}))
    if any(y > today.year + 1 for y in years):
        return None
    return Slots(
        companies=tuple(c.strip() for c in (args.company, args.other_company) if c and c.strip()),
        years=years, n=args.n, stage=args.stage, industry=args.industry, category=args.category,
        indicator=args.indicator, policy=args.policy,
    )


def configured(*, base_url: str, api_key: str, model: str, timeout: float = 10.0) -> OpenAICompatibleModel | None:
    """The model the settings describe, or None when no base URL is set (the default: no model)."""
    if not base_url:
        return None
    return OpenAICompatibleModel(base_url, api_key, model, timeout=timeout)


__all__ = ["CONFIDENCE", "ChatModel", "OpenAICompatibleModel", "SlotArguments", "configured", "slot_schema"]
