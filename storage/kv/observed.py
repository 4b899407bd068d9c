"""`ObservedStore`: any key-value store, with each failed operation reported (the metrics' error counter)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, cast

from storage.kv.base import KeyValueStore


class ObservedStore:
    """Delegates every operation to ``store``; an operation that raises is told to ``on_error`` by its name, then
    raised as it was. Attributes that are not coroutines pass through untouched."""

    def __init__(self, store: KeyValueStore, on_error: Callable[[str], None]) -> None:
        self._store = store
        self._on_error = on_error

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if not inspect.iscoroutinefunction(attribute) or name == "close":
            return attribute

        @functools.wraps(attribute)
        async def observed(*args: Any, **kwargs: Any) -> Any:
            try:
                return await attribute(*args, **kwargs)
            except Exception:
                self._on_error(name)
                raise

        return observed

    async def close(self) -> None:
        await self._store.close()


def observed(store: KeyValueStore, on_error: Callable[[str], None]) -> KeyValueStore:
    """``store`` with its failures counted; typed as the store it wraps."""
    return cast(KeyValueStore, ObservedStore(store, on_error))
