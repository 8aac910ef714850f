"""How the programme works, what the assistant can do for each role, and small talk.

The texts are data (`data/assistant/programme.yaml`), validated on load; their numbers come only
through placeholders filled from the newest zone system file ({n_indicators} …), so that every
number the assistant says has a source: a literal number in a text is refused by the loader.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from assistant.access.privacy import Principal
from assistant.chat.answers.facts import FactSheet
from assistant.chat.answers.policies import joined
from assistant.chat.context import ChatContext
from assistant.chat.grounding import numbers
from assistant.chat.reply import Source
from assistant.chat.request import Answer, Request
from assistant.errors import Unavailable
from assistant.queries.audit import Audit
from innopoints_data import DATA_DIR
from scoring.store.pipeline import zone_systems
from scoring.systems.diff import stage_rule_words
from scoring.systems.schema import SOURCES, IndicatorSystem
from scoring.systems.yaml_text import load_yaml

PROGRAMME_FILE = DATA_DIR / "assistant" / "programme.yaml"
PLACEHOLDERS = frozenset({"version", "n_categories", "n_indicators", "max_total", "category_list", "stage_rules", "sources"})
ROLES = ("official", "enterprise", "public")
# Departments whose records feed the points (the self-report and the reviewers are said apart).
DEPARTMENTS = ("tax", "ip", "hr", "cert", "stats", "credit", "finance", "register")


class InvalidProgrammeFile(Unavailable):
    """The programme file cannot be used (the message names the file and the section)."""

    def __init__(self, problem: str, *, file: str, item: str = "") -> None:
        super().__init__(f"助手说明文件有误（{file}" + (f"，{item}" if item else "") + f"）：{problem}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_text(text: str) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    unknown = names - PLACEHOLDERS
    if unknown:
        raise ValueError(f"未知的占位符 {'、'.join(sorted(unknown))}；可用：{'、'.join(sorted(PLACEHOLDERS))}")
    literal = numbers("".join(lit for lit, _, _, _ in string.Formatter().parse(text)))
    if literal:
        raise ValueError(f"文字中不能直接写数字（{'、'.join(n.text for n in literal)}）：请用占位符，或改写")
    return text


class Section(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    keywords: list[str] = []
    text: Annotated[str, BeforeValidator(joined)]

    @model_validator(mode="after")
    def _text(self) -> Section:
        _check_text(self.text)
        return self


class Help(_Model):
    official: list[str]
    enterprise: list[str]
    public: list[str]
    examples: dict[str, list[str]]

    @model_validator(mode="after")
    def _no_numbers(self) -> Help:
        for role in ROLES:
            for line in getattr(self, role):  # examples are questions for buttons, not reply text
                _check_text(line)
        return self


class Programme(_Model):
    sections: Annotated[list[Section], Field(min_length=1)]
    help: Help
    out_of_scope: Annotated[str, BeforeValidator(joined)]

    def section(self, sid: str) -> Section:
        return next(s for s in self.sections if s.id == sid)


def load_programme(path: Path = PROGRAMME_FILE) -> Programme:
    """The programme texts, validated (cached per file version)."""
    st = path.stat()
    return _load(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int, _size: int) -> Programme:
    name = Path(path).name
    try:
        raw = load_yaml(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidProgrammeFile(f"YAML 格式错误：{exc}", file=name) from None
    try:
        return Programme.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        item = ""
        if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
            entries = raw.get("sections") if isinstance(raw, dict) else None
            entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
            item = f"段落 {entry.get('id')}" if isinstance(entry, dict) and entry.get("id") else f"第 {loc[1] + 1} 段"
        raise InvalidProgrammeFile(f"{'.'.join(map(str, loc))}: {err['msg']}", file=name, item=item) from None


def _placeholder(fs: FactSheet, name: str, system: IndicatorSystem) -> str:
    """One placeholder's text, its numbers recorded as facts of the system file."""
    src = Source(kind="system", system=system.version)
    if name == "version":
        return system.version
    if name == "n_categories":
        return str(fs.count("类别数", len(system.categories), unit="个", source=src))
    if name == "n_indicators":
        return str(fs.count("指标数", len(system.indicators), unit="项", source=src))
    if name == "max_total":
        return str(fs.number("满分", system.max_total, unit="分", source=src))
    if name == "category_list":
        return "、".join(f"{c.name}（满分 {fs.number(c.name + '满分', c.max_points, unit='分', source=src)} 分）"
                        for c in system.categories)
    if name == "stage_rules":
        return "；".join(fs.quote(stage_rule_words(r), label="阶段划分条件", source=src) for r in system.stages)
    return "、".join(SOURCES[s] for s in DEPARTMENTS)  # sources


def _fill(fs: FactSheet, text: str, system: IndicatorSystem) -> str:
    """The text with its placeholders filled (in order, so that the facts follow the reply)."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(text):
        parts.append(literal)
        if name:
            parts.append(_placeholder(fs, name, system))
    return "".join(parts)


def _role(principal: Principal) -> str:
    return "official" if principal.sees_all else ("enterprise" if principal.role == "enterprise" else "public")


def _newest(ctx: ChatContext) -> IndicatorSystem:
    return zone_systems(ctx.systems_dir)[-1][0]


def programme_info(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """积分制度介绍: the sections the question names (by their keywords), else the overview."""
    prog = load_programme()
    # The sections whose words the question holds, the most specific word first ("发展期的标准是
    # 什么" is about the stages more than "是什么" is about the overview).
    found = {s.id: max((len(k) for k in s.keywords if k in request.text), default=0) for s in prog.sections}
    hits = sorted((s for s in prog.sections if found[s.id]), key=lambda s: (-found[s.id], s.id == "overview"))
    chosen = hits[:2] or [prog.section("overview")]
    fs = FactSheet()
    system = _newest(ctx)
    body = "\n".join(f"【{s.title}】{_fill(fs, s.text, system)}" for s in chosen)
    others = [s.title for s in prog.sections if s not in chosen][:3]
    return Answer(reply=body, facts=fs.facts, suggestions=tuple(f"{t}？" for t in others))


def help(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """使用帮助: what the assistant does for this asker's role, with example questions."""
    prog = load_programme()
    role = _role(principal)
    lines = getattr(prog.help, role)
    body = "我可以帮您：\n" + "\n".join(f"· {line}" for line in lines)
    return Answer(reply=body, suggestions=tuple(prog.help.examples.get(role, [])[:4]))


def chitchat_out_of_scope(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """闲聊与范围外: a short redirect to what the assistant does."""
    prog = load_programme()
    role = _role(principal)
    first = getattr(prog.help, role)[:3]
    body = prog.out_of_scope + "您可以问我：" + "；".join(first) + "。"
    return Answer(reply=body, kind="redirect", suggestions=tuple(prog.help.examples.get(role, [])[:4]))


__all__ = ["PROGRAMME_FILE", "InvalidProgrammeFile", "Programme", "chitchat_out_of_scope", "help", "load_programme",
           "programme_info"]
