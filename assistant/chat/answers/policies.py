"""Zone policy as data: `data/policies/*.yaml`, validated into pydantic models.

A file holds `policies:`, a list of items. Each item has an id, a title, a kind — `credit`
(积分贷: who is listed, the cut-off, what banks receive), `evaluation` (an official evaluation whose
verdict is computed by the system file named in `evaluation`), `reward` (政策兑现) — the words
people use for it, a summary, and the document it rests on: its id (文号), title and source text.
A cut-off that is null is "not configured", and is said so: the assistant never invents one.
Example items (`example: true`) are illustrations, said to be examples whenever quoted.

The loader refuses a broken file naming the file, the item and the problem: YAML errors, unknown
keys, a missing field, a duplicate id (across files), an evaluation kind without its system, an
evaluation system that the systems folder does not hold.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import Unavailable
from scoring.systems.yaml_text import load_yaml

PolicyKind = Literal["credit", "evaluation", "reward"]
# YAML folds a long text's lines with spaces, which Chinese does not put between its characters.
_FOLD = re.compile(r"(?<=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])[ \t\n]+(?=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])")


def joined(text: object) -> object:
    """A folded Chinese text without the spaces YAML put between its lines."""
    return _FOLD.sub("", text).strip() if isinstance(text, str) else text


Text = Annotated[str, BeforeValidator(joined), Field(min_length=1)]


class InvalidPolicyFile(Unavailable):
    """A policy file that cannot be used (the message names the file and the item)."""

    def __init__(self, problem: str, *, file: str, item: str = "") -> None:
        where = f"{file}" + (f"，条目 {item}" if item else "")
        super().__init__(f"政策文件有误（{where}）：{problem}")
        self.file, self.item, self.problem = file, item, problem


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cutoff(_Model):
    """Who is listed: total ≥ `min_total`, and/or rank ≤ `top_per_stage`; null: not configured."""

    min_total: Annotated[float, Field(ge=0)] | None = None
    top_per_stage: Annotated[int, Field(ge=1)] | None = None

    @property
    def configured(self) -> bool:
        return self.min_total is not None or self.top_per_stage is not None


class Policy(_Model):
    """One policy item and the document it rests on."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    title: Text
    kind: PolicyKind
    aliases: list[str] = []
    summary: Text
    document: Text  # 文号 or the zone's document id
    document_title: Text
    source_text: Text
    example: bool = False
    evaluation: str | None = None  # the system version that computes eligibility (tsme-2017 …)
    cutoff: Cutoff | None = None
    receives: Text | None = None  # credit: what banks receive
    how_to_apply: Annotated[str, BeforeValidator(joined)] = ""

    @model_validator(mode="after")
    def _kind_needs(self) -> Policy:
        if self.kind == "evaluation" and not self.evaluation:
            raise ValueError("kind: evaluation 必须给出 evaluation（评价指标体系的版本，如 tsme-2017）")
        if self.kind == "credit" and self.cutoff is None:
            raise ValueError("kind: credit 必须给出 cutoff（入选规则；未确定的项写 null）")
        return self

    @property
    def words(self) -> tuple[str, ...]:
        """Everything people may call it: title and aliases, longest first."""
        return tuple(sorted({self.title, *self.aliases}, key=len, reverse=True))


class PolicyFile(_Model):
    policies: Annotated[list[Policy], Field(min_length=1)]


def _problems(exc: ValidationError, raw: object) -> tuple[str, str]:
    """(item, problem) of the first error: the item by its id where it has one."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    item = ""
    if len(loc) >= 2 and loc[0] == "policies" and isinstance(loc[1], int):
        entries = raw.get("policies") if isinstance(raw, dict) else None
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        item = str(entry.get("id")) if isinstance(entry, dict) and entry.get("id") else f"第 {loc[1] + 1} 条"
        loc = loc[2:]
    where = ".".join(map(str, loc))
    return item, f"{where}: {err['msg']}" if where else str(err["msg"])


def load_policy_file(path: Path) -> list[Policy]:
    """One file's items, validated."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidPolicyFile(f"YAML 格式错误：{exc}", file=path.name) from None
    try:
        return PolicyFile.model_validate(raw).policies
    except ValidationError as exc:
        item, problem = _problems(exc, raw)
        raise InvalidPolicyFile(problem, file=path.name, item=item) from None


def load_policies(folder: Path, *, systems: frozenset[str] | None = None) -> dict[str, Policy]:
    """Every item of `folder/*.yaml` by id; `systems` (versions in the systems folder), when
    given, must hold every evaluation an item names."""
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(Path(folder).glob("*.yaml")))
    return _load(str(folder), stamp, systems)


@lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple[tuple[str, int, int], ...], systems: frozenset[str] | None) -> dict[str, Policy]:
    out: dict[str, Policy] = {}
    origin: dict[str, str] = {}
    for name, _, _ in stamp:
        path = Path(folder) / name
        for policy in load_policy_file(path):
            if policy.id in out:
                raise InvalidPolicyFile(f"id 重复（已在 {origin[policy.id]} 中出现）", file=name, item=policy.id)
            if systems is not None and policy.evaluation and policy.evaluation not in systems:
                raise InvalidPolicyFile(f"找不到评价指标体系 {policy.evaluation}；可用：{'、'.join(sorted(systems))}",
                                        file=name, item=policy.id)
            out[policy.id] = policy
            origin[policy.id] = name
    return out


def find_policy(policies: dict[str, Policy], *, slot: str | None, text: str) -> Policy | None:
    """The item a question is about: the slot (an id or an evaluation system), else the longest
    of the items' words the text contains ("高企奖励" is the reward, "高企" the certification; on a
    tie of length the policy itself wins over a reward that builds on it)."""
    if slot:
        if slot in policies:
            return policies[slot]
        by_system = [p for p in policies.values() if p.evaluation == slot]
        if by_system:
            return next((p for p in by_system if p.kind == "evaluation"), by_system[0])
    best: tuple[int, int, Policy] | None = None
    for p in policies.values():
        for word in p.words:
            if word and word in text:
                key = (len(word), 1 if p.kind != "reward" else 0, p)
                if best is None or key[:2] > best[:2]:
                    best = key
                break
    return best[2] if best else None


__all__ = ["Cutoff", "Text", "joined", "InvalidPolicyFile", "Policy", "PolicyKind", "find_policy", "load_policies", "load_policy_file"]
