"""Every lazily exported name (PEP 562 `__getattr__`) resolves to the object its module defines."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["search", "scoring", "scoring.formula", "scoring.systems", "scoring.engine",
            "scoring.store", "scoring.ingest", "scoring.excel", "scoring.demo", "assistant",
            "assistant.api"]


@pytest.mark.parametrize("package", PACKAGES)
def test_public_names_resolve(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert value is not None, f"{package}.{name}"
        source = getattr(value, "__module__", None)
        if source is not None and isinstance(source, str) and source.startswith(package.split(".")[0]):
            # Defined in our code: the package hands out the very object its module defines.
            assert getattr(importlib.import_module(source), getattr(value, "__name__", name), value) is value


@pytest.mark.parametrize("package", PACKAGES)
def test_unknown_name_is_an_attribute_error(package: str) -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        importlib.import_module(package).no_such_name  # noqa: B018


def test_from_import_of_a_lazy_name() -> None:
    from scoring.formula import expr, parse
    from scoring.store import latest_run
    from search import HybridSearcher

    assert parse is expr.parse
    assert latest_run.__module__ == "scoring.store.runs"
    assert HybridSearcher.__module__ == "search.hybrid"
