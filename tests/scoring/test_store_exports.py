"""`from scoring import store` hands out every public name of the store's modules (no list that drifts)."""

from __future__ import annotations

import importlib
import inspect

import pytest

from scoring import store


@pytest.mark.parametrize("module", ["models", "db", "enterprises", "raw", "runs", "advice"])
def test_every_public_name_is_exported(module: str) -> None:
    mod = importlib.import_module(f"scoring.store.{module}")
    defined = {
        name for name, value in vars(mod).items()
        if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == mod.__name__
    }
    missing = sorted(defined - set(store.__all__))
    assert not missing, f"scoring.store does not export {missing} from scoring.store.{module}"
    for name in defined:
        assert getattr(store, name) is getattr(mod, name)
