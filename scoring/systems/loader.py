"""Read an indicator-system file, validate it, and refuse a broken one with a precise error.

Every error names the file, the place (indicator code, category, stage rule, verdict) and the
problem in Chinese. Checks beyond the pydantic models: unique codes and names, known categories,
formulas that parse and read only declared fields, weights that add up per stage, formula
cycles between indicators, stage-table shape and verdict names.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scoring.errors import ExpressionError, InvalidIndicatorSystem, UnknownRule
from scoring.formula import expr
from scoring.systems.fields import SYSTEMS_DIR, default_fields
from scoring.systems.rules import RULES, Input, Levels
from scoring.systems.schema import PLACEHOLDER, STAGES, FieldDef, IndicatorSystem
from scoring.systems.yaml_text import load_yaml


def load_system(path: str | Path, *, fields: Mapping[str, FieldDef] | None = None) -> IndicatorSystem:
    """Load and validate one system file.

    >>> load_system("data/indicator_systems/v1.0.yaml").version
    '1.0'
    """
    p = Path(path)
    if fields is None:
        try:
            stat = p.stat()
        except FileNotFoundError:
            raise InvalidIndicatorSystem("文件不存在", file=str(p)) from None
        # Validating 121 indicators takes a fraction of a second: keep each file's result until
        # the file changes (systems are listed and diffed on every API call).
        return _load_unchanged(str(p), stat.st_mtime_ns, stat.st_size)
    return _load_text(p, fields)


@lru_cache(maxsize=64)
def _load_unchanged(path: str, _mtime_ns: int, _size: int) -> IndicatorSystem:
    return _load_text(Path(path), None)


def _load_text(p: Path, fields: Mapping[str, FieldDef] | None) -> IndicatorSystem:
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidIndicatorSystem("文件不存在", file=str(p)) from None
    except UnicodeDecodeError:
        raise InvalidIndicatorSystem("文件不是 UTF-8 编码", file=str(p)) from None
    return parse_system(text, file=str(p), fields=fields)


def parse_system(
    text: str, *, file: str = "<text>", fields: Mapping[str, FieldDef] | None = None
) -> IndicatorSystem:
    """Validate the YAML text of a system file (as stored in the database, say)."""
    registry = default_fields() if fields is None else fields
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise InvalidIndicatorSystem(f"YAML 格式错误：{getattr(exc, 'problem', exc)}", file=file, where=where) from None
    if not isinstance(doc, dict):
        raise InvalidIndicatorSystem("文件内容必须是一个映射（version、name、indicators …）", file=file)
    _check_rule_kinds(doc, file)
    try:
        system = IndicatorSystem.model_validate(doc)
    except ValidationError as exc:
        raise _from_validation(exc, doc, file) from None
    try:
        check_system(system, registry)
    except InvalidIndicatorSystem as exc:
        raise exc.located(file=file) from None
    return system


def _check_rule_kinds(doc: dict[str, Any], file: str) -> None:
    """Refuse an unknown rule kind before validation, naming the indicator."""
    for k, item in enumerate(doc.get("indicators") or []):
        rule = item.get("rule") if isinstance(item, dict) else None
        if isinstance(rule, dict) and rule.get("kind") not in RULES:
            where = _describe_location(["indicators", k], doc)
            raise UnknownRule(
                f"未知的规则类型“{rule.get('kind')}”；可用的类型：{', '.join(RULES)}", file=file, where=where
            )


def _from_validation(exc: ValidationError, doc: dict[str, Any], file: str) -> InvalidIndicatorSystem:
    """Turn pydantic's first error into one that names the indicator and the problem."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = _describe_location(loc, doc)
    msg = err["msg"]
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, UnknownRule):
        return UnknownRule(ctx_error.problem, file=file, where=where)
    if isinstance(ctx_error, Exception):
        msg = str(ctx_error)
    kind = err["type"]
    field = ".".join(str(x) for x in loc[2:] if not isinstance(x, int)) or ".".join(map(str, loc))
    if kind == "missing":
        problem = f"缺少必填项 {field}"
    elif kind == "extra_forbidden":
        problem = f"不认识的键 {loc[-1]}"
    elif kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        problem = f"{field} 的值 {err.get('input')!r} 不被接受，应为 {expected}"
        if "weights" in loc or loc[-1] == "stage":
            problem = f"未知的阶段 {err.get('input')!r}；可用的阶段：{', '.join(STAGES)}"
    elif kind.endswith("_type") or kind.endswith("_parsing"):
        problem = f"{field} 的类型不对（{err.get('input')!r}）：{msg}"
    else:
        problem = f"{field}：{msg}"
    return InvalidIndicatorSystem(problem, file=file, where=where)


def _describe_location(loc: list[Any], doc: dict[str, Any]) -> str:
    if len(loc) >= 2 and loc[0] in ("indicators", "categories", "stages", "verdicts") and isinstance(loc[1], int):
        items = doc.get(loc[0]) or []
        item = items[loc[1]] if loc[1] < len(items) and isinstance(items[loc[1]], dict) else {}
        label = {"indicators": "指标", "categories": "类别", "stages": "阶段规则", "verdicts": "结论"}[loc[0]]
        code = item.get("code") or item.get("stage") or f"第 {loc[1] + 1} 项"
        return f"{label} {code}"
    return "顶层" if loc else ""


def check_system(system: IndicatorSystem, registry: Mapping[str, FieldDef]) -> None:
    """Cross-checks that need the whole file."""
    _check_unique(system)
    fields = set(registry)
    _check_stages(system, fields)
    _check_indicators(system, registry)
    _check_choices(system, registry)  # before the weights: a choice on a summed category is the real mistake
    _check_weights(system)
    _check_cycles(system)
    _check_verdicts(system, fields)


def _check_unique(system: IndicatorSystem) -> None:
    seen: set[str] = set()
    for cat in system.categories:
        if cat.code in seen:
            raise InvalidIndicatorSystem(f"类别代码 {cat.code} 重复", where=f"类别 {cat.code}")
        seen.add(cat.code)
    codes: set[str] = set()
    names: dict[str, str] = {}
    for ind in system.indicators:
        if ind.code in codes:
            raise InvalidIndicatorSystem(f"指标代码 {ind.code} 重复", where=f"指标 {ind.code}")
        codes.add(ind.code)
        if ind.name in names:
            raise InvalidIndicatorSystem(
                f"指标名称“{ind.name}”与指标 {names[ind.name]} 重复", where=f"指标 {ind.code}"
            )
        names[ind.name] = ind.code
        if ind.category not in seen:
            raise InvalidIndicatorSystem(
                f"未知的类别 {ind.category}；本文件的类别：{', '.join(c.code for c in system.categories)}",
                where=f"指标 {ind.code}",
            )


def _check_stages(system: IndicatorSystem, fields: set[str]) -> None:
    for i, rule in enumerate(system.stages):
        where = f"阶段规则第 {i + 1} 条（{rule.stage}）"
        try:
            expr.parse(rule.when, names=fields)
        except ExpressionError as exc:
            raise exc.located(where=where) from None
        unknown = sorted(set(PLACEHOLDER.findall(rule.reason)) - fields)
        if unknown:
            raise InvalidIndicatorSystem(f"理由模板引用了未声明的字段：{'、'.join(unknown)}", where=where)
    if system.stages[-1].when.strip().lower() != "true":
        raise InvalidIndicatorSystem('阶段表的最后一条必须是兜底规则 when: "true"', where="阶段规则")


def _check_indicators(system: IndicatorSystem, registry: Mapping[str, FieldDef]) -> None:
    fields = set(registry)
    codes = {f"val.{i.code}" for i in system.indicators}
    for ind in system.indicators:
        where = f"指标 {ind.code}"
        try:
            formula = expr.parse(ind.formula, names=fields | codes)
            if isinstance(ind.rule, Input) and ind.rule.basis:
                expr.parse(ind.rule.basis, names=fields | codes)
        except ExpressionError as exc:
            raise exc.located(where=where) from None
        if isinstance(ind.rule, Levels):
            _check_levels_formula(formula, registry, where)
        if isinstance(ind.rule, Input) and ind.rule.grades is not None:
            _check_grade_basis(expr.parse(ind.rule.basis or ""), registry, where)
        missing_stages = [s for s in STAGES if s not in ind.weights]
        if missing_stages:
            raise InvalidIndicatorSystem(f"权重缺少阶段：{'、'.join(missing_stages)}", where=where)


def _check_levels_formula(formula: expr.Expression, registry: Mapping[str, FieldDef], where: str) -> None:
    """A `levels` rule reads one text field (a grade, a board): its values are the level names."""
    _require_text_field(
        formula, registry, where,
        f"按等级计分（levels）的公式必须是一个文本字段（如 tax_credit_grade），而不是“{formula.text}”",
    )


def _check_grade_basis(basis: expr.Expression, registry: Mapping[str, FieldDef], where: str) -> None:
    """Ranges by grade read the expert's grade: one text field (A–E), not a computed number."""
    _require_text_field(
        basis, registry, where,
        f"按评审档次给范围（grades）时 basis 必须是一个文本字段（如 hte_grade_advancement），而不是“{basis.text}”",
    )


def _require_text_field(
    expression: expr.Expression, registry: Mapping[str, FieldDef], where: str, problem: str
) -> None:
    """Refuse, with `problem`, an expression that is not one registered text field."""
    root = expression.root
    spec = registry.get(root.name) if isinstance(root, expr.Field) else None
    if spec is None or not spec.is_text:
        raise InvalidIndicatorSystem(problem, where=where)


def _check_weights(system: IndicatorSystem) -> None:
    for cat in system.categories:
        members = [i for i in system.indicators_of(cat.code) if not i.bonus and not i.is_deduction]
        if not members:
            raise InvalidIndicatorSystem("类别下没有计分指标", where=f"类别 {cat.code}")
        target = Fraction(repr(float(cat.max_points)))
        for stage, label in STAGES.items():
            weights = [i.exact_weight(stage) for i in members]
            if cat.aggregate == "sum":
                total = sum(weights, Fraction(0))
                if total != target:
                    raise InvalidIndicatorSystem(
                        f"{label}权重合计 {float(total):g}，应等于类别满分 {cat.max_points:g}",
                        where=f"类别 {cat.code}",
                    )
            else:
                over = [i.code for i, w in zip(members, weights, strict=True) if w > target]
                if over or target not in weights:
                    raise InvalidIndicatorSystem(
                        f"取最高分的类别中，{label}每项权重不得超过 {cat.max_points:g}，且至少一项等于它",
                        where=f"类别 {cat.code}",
                    )


def _check_choices(system: IndicatorSystem, registry: Mapping[str, FieldDef]) -> None:
    """A declared choice picks one of a `max` category's alternatives, read from a text field."""
    for cat in system.categories:
        if cat.choice is None:
            continue
        where = f"类别 {cat.code}"
        if cat.aggregate != "max":
            raise InvalidIndicatorSystem("申报口径（choice）只用于取最高分的类别（aggregate: max）", where=where)
        spec = registry.get(cat.choice.field)
        if spec is None or not spec.is_text:
            raise InvalidIndicatorSystem(f"申报口径的字段 {cat.choice.field} 必须是登记过的文本字段", where=where)
        members = [i.code for i in system.indicators_of(cat.code) if not i.bonus and not i.is_deduction]
        if sorted(cat.choice.options) != sorted(members):
            raise InvalidIndicatorSystem(
                f"申报口径须为本类别的每个计分指标各列出取值：应为 {'、'.join(members)}，"
                f"写的是 {'、'.join(cat.choice.options)}",
                where=where,
            )


def _check_cycles(system: IndicatorSystem) -> None:
    deps = {
        i.code: {n[4:] for n in expr.parse(i.formula).names if n.startswith("val.")}
        for i in system.indicators
    }
    state: dict[str, int] = {}

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = path[path.index(code):] + [code]
            raise InvalidIndicatorSystem(f"公式循环引用：{' → '.join(cycle)}", where=f"指标 {code}")
        state[code] = 1
        for dep in sorted(deps[code]):
            visit(dep, path + [code])
        state[code] = 2

    for code in deps:
        visit(code, [])


def verdict_names(system: IndicatorSystem, fields: set[str], upto: int) -> set[str]:
    """Names a verdict condition may read (earlier verdicts only)."""
    names = set(fields) | {"total", "stage"}
    names |= {f"cat.{c.code}" for c in system.categories}
    names |= {f"pts.{i.code}" for i in system.indicators} | {f"val.{i.code}" for i in system.indicators}
    names |= {f"verdict.{v.code}" for v in system.verdicts[:upto]}
    return names


def _check_verdicts(system: IndicatorSystem, fields: set[str]) -> None:
    seen: set[str] = set()
    for k, verdict in enumerate(system.verdicts):
        where = f"结论 {verdict.code}"
        if verdict.code in seen:
            raise InvalidIndicatorSystem(f"结论代码 {verdict.code} 重复", where=where)
        seen.add(verdict.code)
        names = verdict_names(system, fields, k)
        for cond in [*verdict.requires, *verdict.routes]:
            try:
                expr.parse(cond.when, names=names)
            except ExpressionError as exc:
                raise exc.located(where=f"{where}「{cond.name}」") from None


def system_files(folder: Path = SYSTEMS_DIR) -> list[Path]:
    """The system files of a folder, in name order.

    Listed again only when the folder changes (a file added, removed or renamed changes its
    mtime): every chat answer asks for the systems, and globbing the folder each time was a
    twentieth of a turn's CPU."""
    try:
        stamp = Path(folder).stat().st_mtime_ns
    except FileNotFoundError:
        return []
    return list(_listing(str(folder), stamp))


@lru_cache(maxsize=32)
def _listing(folder: str, _mtime_ns: int) -> tuple[Path, ...]:
    return tuple(sorted(Path(folder).glob("*.yaml")))


def system_text(path: Path) -> str:
    """A system file's text, read again only when the file changes (like `load_system`)."""
    stat = path.stat()
    return _text_unchanged(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _text_unchanged(path: str, _mtime_ns: int, _size: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_all(folder: Path = SYSTEMS_DIR) -> dict[str, IndicatorSystem]:
    """Every system in a folder, by version."""
    out: dict[str, IndicatorSystem] = {}
    for path in system_files(folder):
        system = load_system(path)
        out[system.version] = system
    return out


def system_from_user(text: str, folder: Path = SYSTEMS_DIR) -> IndicatorSystem:
    """A system by version, or by the path of a YAML file that a local user names (the CLI).

    Only for local users: a path reads any file the process can read, so the HTTP API takes
    versions only (`find_system`).
    """
    p = Path(text)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return load_system(p)
    return find_system(text, folder)


def find_system(version: str, folder: Path = SYSTEMS_DIR) -> IndicatorSystem:
    """A system of `folder` by version (`1.0`, `v1.0`) or file stem (`tsme-2017`); never a path."""
    wanted = version[1:] if version.startswith("v") and version[1:2].isdigit() else version
    for path in system_files(folder):
        if path.stem in (version, f"v{wanted}"):
            return load_system(path)
    systems = load_all(folder)
    if wanted in systems:
        return systems[wanted]
    raise InvalidIndicatorSystem(
        f"找不到指标体系版本 {version}；已有版本：{', '.join(systems) or '无'}"
    )
