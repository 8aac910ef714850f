"""An enterprise's declared choice among a category's alternative indicators.

科技型中小企业评价: “企业从（1）、（2）两项指标中选择一个指标进行评分” — R&D / sales or R&D / total
cost, as the enterprise declares. A category with `aggregate: max` may say so with `choice`: a
text field holding the declaration and, per alternative indicator, the texts that choose it. A
declared choice counts even when the other alternative scores more; with none declared the best
counts, and the explanation says which and why (`choice_words`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.errors import InputProblem


def choice_key(text: object) -> str:
    """A declaration compared loosely: blanks around it and the case of Latin letters do not matter."""
    return str(text).strip().lower()


class Choice(BaseModel):
    """Which text field holds the declared choice, and the texts that choose each alternative."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    field: str
    options: Annotated[dict[str, Annotated[list[str], Field(min_length=1)]], Field(min_length=2)]

    @model_validator(mode="after")
    def _distinct(self) -> Choice:
        seen: set[str] = set()
        for texts in self.options.values():
            for text in texts:
                if choice_key(text) in seen:
                    raise ValueError(f"申报口径的取值“{text}”出现了不止一次")
                seen.add(choice_key(text))
        return self

    def chosen(
        self, declared: np.ndarray, *, row_names: Sequence[str] | np.ndarray, column: str
    ) -> tuple[np.ndarray, list[InputProblem]]:
        """The option each row declared (index into `options`, −1: none) and the rows whose
        declaration names no option."""
        n = declared.shape[0]
        out = np.full(n, -1, dtype=np.int16)
        if declared.dtype != object:  # the field is absent from every source: nobody declared
            return out, []
        import pandas as pd  # a hash lookup in C, as for `levels`

        table = {choice_key(t): k for k, texts in enumerate(self.options.values()) for t in texts}
        text = pd.Series(declared, dtype=object)
        keys = text.astype(str).str.strip().str.lower()
        blank = (text.isna() | (keys == "")).to_numpy()
        index = keys.map(table).to_numpy(dtype=float, na_value=np.nan)
        known = ~np.isnan(index) & ~blank
        out[known] = index[known]
        listed = "、".join(texts[0] for texts in self.options.values())
        problems = [
            InputProblem(
                f"企业 {row_names[i]}" if len(row_names) else f"第 {i + 1} 行",
                column, declared[i], f"不是可选的口径（可选：{listed}；不填则取较优的一项）",
            )
            for i in map(int, np.flatnonzero(~known & ~blank))
        ]
        return out, problems


def choice_words(*, names: Sequence[str], points: Sequence[float], declared: int) -> str:
    """Which alternative counted, for people: the declared one, or the best when none was declared."""
    from scoring.systems.words import number

    if declared >= 0:
        return f"按企业申报的口径：{names[declared]}（{number(points[declared])} 分）"
    best = max(range(len(points)), key=lambda k: (points[k], -k))  # a tie: the first listed
    among = "两者" if len(points) == 2 else f"{len(points)} 项"
    return f"未申报口径，取{among}中较优的：{names[best]}（{number(points[best])} 分）"
