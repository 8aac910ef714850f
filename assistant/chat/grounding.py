"""Grounding: every number a reply states must be one of its facts, at the precision shown.

`ungrounded(reply, facts, user_text=...)` lists the numbers of `reply` that no fact supports ([]:
grounded). The templated answers pass by construction (`assistant.chat.answers.facts` formats
each number from the fact it records); the check is what catches a rephrasing (the optional LLM)
or a template that prints a number it never recorded.

What counts as a number of the reply:
- Arabic numbers, with decimals, a sign, thousands separators and a percent sign ("-3.25",
  "20,000", "12.5 %"); Chinese numerals ("三家", "第十名", "十二点五分") where they count something:
  before a measure word or unit, or after 第. Chinese numerals are read by cn2an.
- Not numbers: digits inside identifiers (indicator codes "FD01", "T2A", USCCs, "tsme-2017",
  versions written "v1.1"); years (1900–2100 before 年, alone or in a range "2023–2025 年", and
  二〇二五年); document numbers "〔2017〕115号"; list ordinals, i.e. the marker that opens a line of a
  list ("1. ", "2、", "（3）", "第3名 " at the start of a line — a rank inside a sentence is a
  number like any other); and numbers the user typed (`user_text`).

Matching: a number shown with d decimals matches a fact value v when |shown − v| ≤ half a unit
of the d-th decimal (so 48.753 supports "48.75" and "48.8" but not "48.7"). A number shown
without a sign matches |v| too ("下降 3.25 分" is supported by the derived fact −3.25). Facts hold
values in the unit they are shown in: a share shown "12.5 %" is the fact 12.5 with unit "%".
Fact values that are numeric strings ("1.1") count; booleans and other text do not.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.chat.reply import Fact

_ARABIC = re.compile(
    r"(?<![A-Za-z0-9_.])(?<![A-Za-z]-)"  # not inside an identifier ("FD01", "tsme-2017", "v1.1")
    r"(?P<sign>[-−+]?)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?![A-Za-z_]|\.?\d)"
)
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# Chinese numerals count something before these (longest first) or after 第.
_MEASURES = ("万元", "亿元", "分位", "分比", "分之", "家", "名", "个", "项", "类", "分", "人", "倍", "件", "条", "位",
             "次", "档", "级", "元", "%", "％", "成", "年", "岁", "篇", "张", "所")
_NOT_A_COUNT = ("分位", "分比", "分之")
_ONE_AS_WORD = frozenset("上下同每任某唯统逐另单哪")  # before 一, a word ("下一档", "哪一家"), not the number one  # 百分位, 百分比, 百分之…: words, not a number of points
_CHINESE = re.compile(rf"(?P<ord>第)?(?P<num>[{_CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?)")
_YEAR_AFTER = re.compile(r"\s*(?:[–—\-~～至到、，,和与及]\s*\d{4}\s*)*年")
_DOCUMENT = re.compile(r"〔\d{4}〕\s*\d+\s*号")
_LIST_MARKER = re.compile(r"^[ \t]*(?:(?:第\s*)?(\d+)\s*(?:\.(?!\d)|[、)）]|名\s)|[（(]\s*(\d+)\s*[）)])", re.MULTILINE)


@dataclass(frozen=True)
class Number:
    """A number found in a text: as written, its value, the decimals shown, whether signed."""

    text: str
    value: float
    decimals: int
    signed: bool
    start: int


def numbers(text: str) -> list[Number]:
    """Every number of `text` that grounding checks (years, identifiers, document numbers and
    list markers left out), in order."""
    return list(_numbers(text))


@lru_cache(maxsize=4096)
def _numbers(text: str) -> tuple[Number, ...]:
    # Kept per text: the same answer to the same question comes again and again (an enterprise's
    # total, the policy texts), and reading its numbers was most of the grounding check.
    skip = _skipped_spans(text)
    found: list[Number] = []
    for m in _ARABIC.finditer(text):
        if any(a <= m.start("num") < b for a, b in skip):
            continue
        raw = m.group("num")
        value = float(raw.replace(",", ""))
        decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
        if decimals == 0 and 1900 <= value <= 2100 and _YEAR_AFTER.match(text, m.end()):
            continue  # a year (or the first year of a range)
        sign = m.group("sign")
        signed = bool(sign)
        if sign in ("-", "−"):
            value = -value
        found.append(Number(m.group(0).strip(), value, decimals, signed, m.start()))
    found.extend(_chinese_numbers(text, skip))
    return tuple(sorted(found, key=lambda n: n.start))


def ungrounded(reply: str, facts: Sequence[Fact], *, user_text: str = "") -> list[str]:
    """The numbers of `reply` that equal no fact at the precision shown ([] = grounded)."""
    values = sorted(_fact_values(facts))
    typed = [n.value for n in _numbers(user_text)] if user_text else []
    out = []
    for n in _numbers(reply):
        if any(_same(n, v) for v in _near(values, n)):
            continue
        if any(math.isclose(abs(n.value), abs(t), abs_tol=1e-9) for t in typed):
            continue
        out.append(n.text)
    return out


def _near(values: list[float], n: Number) -> Iterable[float]:
    """The sorted `values` that may be `_same` as `n` (a little wider; `_same` decides): a reply
    quotes tens of numbers and its facts number hundreds, so not every pair is compared."""
    wide = 0.5 * 10.0 ** -n.decimals + 1e-6
    centres = (n.value,) if n.signed else (n.value, -n.value)
    for c in centres:
        i = bisect.bisect_left(values, c - wide)
        while i < len(values) and values[i] <= c + wide:
            yield values[i]
            i += 1


def _same(n: Number, value: float) -> bool:
    tolerance = 0.5 * 10.0 ** -n.decimals + 1e-9
    if abs(n.value - value) <= tolerance:
        return True
    return not n.signed and abs(abs(n.value) - abs(value)) <= tolerance


def _fact_values(facts: Iterable[Fact]) -> Iterable[float]:
    for f in facts:
        v = f.value
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, (int, float)):
            if math.isfinite(v):
                yield float(v)
            continue
        try:
            parsed = float(str(v).replace(",", "").strip())
        except ValueError:
            continue
        if math.isfinite(parsed):
            yield parsed


def _skipped_spans(text: str) -> list[tuple[int, int]]:
    """Spans whose digits are not quantities: document numbers and list markers."""
    spans = [m.span() for m in _DOCUMENT.finditer(text)]
    for m in _LIST_MARKER.finditer(text):
        group = 1 if m.group(1) is not None else 2
        spans.append(m.span(group))
    return spans


def _chinese_numbers(text: str, skip: list[tuple[int, int]]) -> Iterable[Number]:
    for m in _CHINESE.finditer(text):
        if any(a <= m.start() < b for a, b in skip):
            continue
        after = text[m.end():m.end() + 2]
        measure = next((w for w in _MEASURES if after.startswith(w)), None)
        if m.group("ord") is None and (measure is None or measure in _NOT_A_COUNT):
            continue
        raw = m.group("num")
        if raw == "一" and m.group("ord") is None and text[m.start() - 1:m.start()] in _ONE_AS_WORD:
            continue  # 上一年, 下一档, 同一阶段, 每一项: "the previous/next/same", not a count
        value = _cn_value(raw)
        if value is None:
            continue
        if measure == "年" and 1900 <= value <= 2100 and len(raw) == 4:
            continue  # 二〇二五年: a year
        decimals = len(raw.split("点", 1)[1]) if "点" in raw else 0
        yield Number(m.group(0), value, decimals, False, m.start())


def _cn_value(raw: str) -> float | None:
    import cn2an  # only when a reply has Chinese numerals (its import reads dictionaries)

    try:
        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


__all__ = ["Number", "numbers", "ungrounded"]
