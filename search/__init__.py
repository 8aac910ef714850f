"""Enterprise search: names, short names, pinyin, typos, products and meaning, fused and explained.

A plain library: it takes documents and options as arguments, imports no web or database
framework and reads no environment.

>>> from search import Document, HybridSearcher
>>> searcher = HybridSearcher([Document(id="91320411MA1XXXXX0X", name="常州天合光能有限公司")])
>>> searcher.search("thgn")[0].name
'常州天合光能有限公司'
"""

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
