"""Enterprise search: names, short names, pinyin, typos, products and meaning, fused and explained.

A plain library: it takes documents and options as arguments, imports no web or database
framework and reads no environment.

>>> from search import Document, HybridSearcher
>>> searcher = HybridSearcher([Document(id="91320411MA1XXXXX0X", name="常州天合光能有限公司")])
>>> searcher.search("thgn")[0].name
'常州天合光能有限公司'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from search.documents import Document, Filters, passage_text
    from search.errors import (
        DictionaryError,
        EmbedderUnavailable,
        IndexMismatch,
        IndexNotBuilt,
        InvalidArgument,
        SearchError,
    )
    from search.hybrid import Hit, HybridSearcher, SearchOptions
    from search.suggest import Suggestion

_WHERE = {
    "DictionaryError": "search.errors",
    "Document": "search.documents",
    "EmbedderUnavailable": "search.errors",
    "Filters": "search.documents",
    "Hit": "search.hybrid",
    "HybridSearcher": "search.hybrid",
    "IndexMismatch": "search.errors",
    "IndexNotBuilt": "search.errors",
    "InvalidArgument": "search.errors",
    "SearchError": "search.errors",
    "SearchOptions": "search.hybrid",
    "Suggestion": "search.suggest",
    "passage_text": "search.documents",
}

__all__ = [
    "DictionaryError",
    "Document",
    "EmbedderUnavailable",
    "Filters",
    "Hit",
    "HybridSearcher",
    "IndexMismatch",
    "IndexNotBuilt",
    "InvalidArgument",
    "SearchError",
    "SearchOptions",
    "Suggestion",
    "passage_text",
]


def __getattr__(name: str) -> Any:
    # PEP 562: a name is imported on first use, so importing the package stays cheap.
    if name not in _WHERE:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
