"""A serving worker's long-lived objects, kept out of the cyclic garbage collector's full passes.

A worker holds about half a million long-lived objects: the search index, the assistant's
vocabulary and classifier, a published run's data for every firm and what is built from it.
Python's full (generation 2) collection walks every one of them, holding the interpreter: at 20
WeChat followers on 2 cores each took 0.65–1.3 s, and every request of that worker waited through
it (benchmarks/wechat.py: the whole 1 s+ tail, timed with `gc.callbacks`). `gc.freeze()` moves the
objects that exist into a permanent generation the collector no longer walks.

`freeze_long_lived` is called where a worker has just loaded such objects (the end of the
lifespan's start-up, the evaluations scored ahead, a run's data read); it does nothing until
`enable` is called, which `innopoints serve` does in each worker process: a test process that
builds many apps must not keep each one's reference cycles for good. Frozen objects are still
freed by reference counting when dropped; only a cycle that is already garbage at the moment of a
freeze is never reclaimed, which is why the start-up collects first.
"""

from __future__ import annotations

import gc
import threading

_enabled = threading.Event()
_lock = threading.Lock()


def enable() -> None:
    """Let `freeze_long_lived` freeze (a serving worker process)."""
    _enabled.set()


def freeze_long_lived(*, collect: bool = False) -> bool:
    """Freeze what is alive now (after a full collection with `collect`); False when not enabled."""
    if not _enabled.is_set():
        return False
    with _lock:
        if collect:
            gc.collect()
        gc.freeze()
    return True


__all__ = ["enable", "freeze_long_lived"]
