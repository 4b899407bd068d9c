"""Understanding users' messages: intents and entities of ../shared/spec/nlu.md, offline.

``OfflineNLU`` is imported lazily: importing ``dialogue.nlu.types`` must not pull in kiwi and numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dialogue.nlu.types import INTENTS, Understander, Understanding

if TYPE_CHECKING:
    from dialogue.nlu.understander import OfflineNLU

__all__ = ["INTENTS", "OfflineNLU", "Understander", "Understanding"]


def __getattr__(name: str) -> Any:
    if name == "OfflineNLU":
        from dialogue.nlu.understander import OfflineNLU

        return OfflineNLU
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
