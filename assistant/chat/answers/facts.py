"""The facts of one answer, recorded as each number is written into the reply.

An answerer never formats a number itself: it asks the sheet, which records the `Fact` and returns
the text to print (`Shown`), so that the reply is grounded by construction and
`assistant.chat.grounding.ungrounded` is the check that it stays so. Formats are the project's
(`scoring.systems.words`): points with 2 decimals ("48.75"), figures as people write them ("12.5",
"20000"), shares and percentiles as percentages ("12.5 %").

A fact's value is in the unit shown: a share of 0.125 is the fact 12.5 with unit "%".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.chat.grounding import numbers
from assistant.chat.reply import Fact, Source
from scoring.systems.words import number as fmt_number
from scoring.systems.words import points as fmt_points

MISSING = "缺失"


@dataclass(frozen=True)
class Shown:
    """A number as printed, and the position of its fact (for the `inputs` of derived facts)."""

    text: str
    index: int
    value: float | None

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)


def run_source(run: int | None, *, indicator: str | None = None, system: str | None = None,
               field: str | None = None) -> Source:
    """A figure of a published score run."""
    return Source(kind="run", run=run, indicator=indicator, system=system, field=field)


def _finite(value: float | int | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


class FactSheet:
    """The facts of one answer, in the order their numbers appear."""

    def __init__(self) -> None:
        self._facts: list[Fact] = []

    @property
    def facts(self) -> tuple[Fact, ...]:
        return tuple(self._facts)

    def add(self, fact: Fact) -> int:
        """Record a fact; its position."""
        self._facts.append(fact)
        return len(self._facts) - 1

    def _show(self, text: str, label: str, value: float | None, unit: str, source: Source,
              year: int | None, uscc: str | None) -> Shown:
        index = self.add(Fact(label=label, value=value, unit=unit, year=year, uscc=uscc, source=source))
        return Shown(text, index, value)

    def points(self, label: str, value: float | None, *, source: Source, year: int | None = None,
               uscc: str | None = None) -> Shown:
        """Points, 2 decimals: "48.75"."""
        v = _finite(value)
        return self._show(fmt_points(v) if v is not None else MISSING, label, v, "分", source, year, uscc)

    def number(self, label: str, value: float | None, *, unit: str = "", source: Source,
               year: int | None = None, uscc: str | None = None, decimals: int = 2) -> Shown:
        """A figure as people write it, without its unit: "12.5", "20000"."""
        v = _finite(value)
        shown = fmt_number(v, decimals=decimals) if v is not None else MISSING
        return self._show(shown, label, v, unit, source, year, uscc)

    def count(self, label: str, value: int, *, unit: str, source: Source, year: int | None = None,
              uscc: str | None = None) -> Shown:
        """A whole number (a rank, a count): "32"."""
        return self._show(str(int(value)), label, int(value), unit, source, year, uscc)

    def percent(self, label: str, value: float | None, *, source: Source, year: int | None = None,
                uscc: str | None = None) -> Shown:
        """A value already in percent (a percentile 0–100): "62.5 %"."""
        v = _finite(value)
        return self._show(f"{fmt_number(v)} %" if v is not None else MISSING, label, v, "%", source, year, uscc)

    def quantity(self, label: str, value: float | None, unit: str, *, source: Source, year: int | None = None,
                 uscc: str | None = None) -> Shown:
        """A value with its unit: a share (unit "%") as "12.5 %" (the fact in percent), else "20000万元"."""
        v = _finite(value)
        if unit == "%":
            return self.percent(label, None if v is None else v * 100, source=source, year=year, uscc=uscc)
        shown = f"{fmt_number(v)}{unit}" if v is not None else MISSING
        return self._show(shown, label, v, unit, source, year, uscc)

    def derived(self, label: str, value: float, *, inputs: Sequence[Shown | int], unit: str = "分",
                year: int | None = None, uscc: str | None = None, signed: bool = False,
                magnitude: bool = False) -> Shown:
        """A number computed from recorded facts (a difference, a gain): points format for "分",
        else as people write it; `signed` prints "+1.25" / "-1.25", `magnitude` "1.25" for −1.25
        (after a word that says the direction: "下降 1.25 分"); the fact keeps its sign."""
        positions = tuple(i.index if isinstance(i, Shown) else i for i in inputs)
        shown = abs(value) if magnitude else value
        text = fmt_points(shown) if unit == "分" else fmt_number(shown)
        if unit == "%":
            text = f"{text} %"
        if signed and value > 0:
            text = f"+{text}"
        source = Source(kind="derived", inputs=positions)
        index = self.add(Fact(label=label, value=value, unit=unit, year=year, uscc=uscc, source=source))
        return Shown(text, index, value)

    def quote(self, text: str, *, label: str, source: Source, year: int | None = None) -> str:
        """A text from a system file or a policy document, its numbers recorded as facts of that
        source ("职工总数不超过500人" → the fact 500); the text itself is returned unchanged."""
        for n in numbers(text):
            self.add(Fact(label=f"{label}：{n.text}", value=n.value, unit="", year=year, source=source))
        return text

    def name(self, text: str, *, system: str | None, indicator: str | None = None) -> str:
        """A name from a system file ("近两年研发费用平均增长率"): a number in it is the file's."""
        return self.quote(text, label="名称", source=Source(kind="system", system=system, indicator=indicator))


__all__ = ["MISSING", "FactSheet", "Shown", "run_source"]
