"""Errors raised by the search library.

Bad *queries* never raise: an empty, overlong or garbage query gives an empty result. These
errors are for programming misuse and broken inputs to the index::

    SearchError                 base class of everything raised here
    ├── InvalidArgument         a call argument out of range (limit ≤ 0), also a ValueError
    ├── DictionaryError         a line in data/dicts/ that cannot be parsed (names file and line)
    ├── IndexNotBuilt           a vector index was asked for before it was built or loaded
    ├── IndexMismatch           vectors that do not fit the documents or the embedder
    └── EmbedderUnavailable     an embedding model that cannot be loaded (missing folder, package)
"""

from __future__ import annotations

__all__ = [
    "DictionaryError", "EmbedderUnavailable", "IndexMismatch", "IndexNotBuilt", "InvalidArgument",
    "SearchError",
]


class SearchError(Exception):
    """Base class of the errors raised by the search library."""


class InvalidArgument(SearchError, ValueError):
    """A call argument is out of its allowed range."""


class DictionaryError(SearchError):
    """A dictionary file line cannot be parsed."""


class IndexNotBuilt(SearchError):
    """A vector index is used before it was built or loaded."""


class IndexMismatch(SearchError):
    """Vectors do not match the documents (ids, count) or the embedder (dimension, model)."""


class EmbedderUnavailable(SearchError):
    """The embedding model cannot be loaded (missing model folder or package)."""
