"""What the searcher reads: enterprise documents, filters on them, and the texts derived from them.

Search never imports scoring: the caller (assistant/) turns store rows into ``Document``s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from search.names import NameForms
from search.normalize import fold
from search.segment import Segmenter

__all__ = ["Document", "Filters", "business_reason", "document_terms", "document_words",
           "passage_text", "product_items"]  # fmt: skip

_ITEMS = re.compile("[、，,；;]")
_CLAUSE = re.compile("[；;、，,。.]")


@dataclass(frozen=True)
class Document:
    """One enterprise profile as the searcher sees it."""

    id: str  # USCC
    name: str
    short_name: str | None = None
    former_names: tuple[str, ...] = ()
    english_name: str | None = None
    aliases: tuple[str, ...] = ()  # other names: brands, common abbreviations, English acronyms
    stock_codes: tuple[str, ...] = ()  # as the exchanges write them: 300750.SZ, 00700.HK
    stock_names: tuple[str, ...] = ()  # 股票简称
    products: str | None = None
    industry: str | None = None
    business_scope: str | None = None
    address: str | None = None
    stage: str | None = None
    total: float | None = None  # latest total points: used by the points filter only, never to order hits
    year: int | None = None


@dataclass(frozen=True)
class Filters:
    """Restrictions on hits: stage, industry, year and a points range (inclusive)."""

    stage: str | None = None
    industry: str | None = None
    year: int | None = None
    points_min: float | None = None
    points_max: float | None = None

    def admits(self, doc: Document) -> bool:
        """Whether a document passes every set restriction (no points: outside any range)."""
        if self.stage is not None and doc.stage != self.stage:
            return False
        if self.industry is not None and doc.industry != self.industry:
            return False
        if self.year is not None and doc.year != self.year:
            return False
        if self.points_min is not None and (doc.total is None or doc.total < self.points_min):
            return False
        return not (
            self.points_max is not None and (doc.total is None or doc.total > self.points_max)
        )


def passage_text(doc: Document) -> str:
    """The text embedded for a document: its names and what it does."""
    parts = [doc.name]
    if doc.short_name:
        parts.append(f"简称：{doc.short_name}")
    if doc.former_names:
        parts.append("曾用名：" + "、".join(doc.former_names))
    if doc.industry:
        parts.append(f"行业：{doc.industry}")
    if doc.products:
        parts.append(f"产品：{doc.products}")
    if doc.business_scope:
        parts.append(f"经营范围：{doc.business_scope}")
    return "；".join(parts)


def product_items(products: str | None) -> list[str]:
    """The folded items of a products field: 工业机器人、精密减速器 → [工业机器人, 精密减速器]."""
    return [item.strip() for item in _ITEMS.split(fold(products or "")) if item.strip()]


def document_words(docs: Iterable[Document], forms: Iterable[NameForms]) -> Iterable[str]:
    """Words the segmenter learns from the documents: names, short names, products, industries."""
    seen: set[str] = set()
    for doc, f in zip(docs, forms, strict=True):
        for word in (f.core, f.trade, *f.shorts):
            if word not in seen:
                seen.add(word)
                yield word
        for item in _ITEMS.split(fold("、".join(p for p in (doc.products, doc.industry) if p))):
            item = item.strip()
            if item and item not in seen:
                seen.add(item)
                yield item


def document_terms(
    docs: Iterable[Document], forms: Iterable[NameForms], segmenter: Segmenter
) -> Iterable[list[str]]:
    """BM25 terms of each document: products, industry, scope and the name's industry words."""
    cache: dict[str, list[str]] = {}  # scope clauses repeat across firms: cut each once
    for doc, f in zip(docs, forms, strict=True):
        terms: list[str] = []
        text = "；".join(p for p in (doc.products, doc.industry, doc.business_scope) if p)
        for clause in (*_CLAUSE.split(fold(text)), f.descriptor):
            if clause:
                got = cache.get(clause)
                if got is None:
                    got = cache[clause] = segmenter.terms(clause)
                terms += got
        yield terms


def business_reason(doc: Document, forms: NameForms, matched: Iterable[str]) -> str:
    """Where the matched query words occur, in Chinese: 产品: 光伏组件, 行业: …, 名称含: …."""
    matched = tuple(matched)
    for label, text in (("产品", doc.products), ("行业", doc.industry)):
        for item in _ITEMS.split(text or ""):
            if item.strip() and any(t in fold(item) for t in matched):
                return f"{label}: {item.strip()}"
    if forms.descriptor and any(t in forms.descriptor for t in matched):
        return f"名称含: {forms.descriptor}"
    return f"经营范围: {'、'.join(matched)}"
