"""The one scripted understanding for tests: each text read exactly as the test says, so a test of the engine, a
handler or a channel does not depend on the classifier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dialogue.nlu.types import Understanding

UNSCRIPTED = Understanding("general_chat", 0.5)


class ScriptedNLU:
    """Reads each scripted text as its `Understanding`, anything else as ``default``; records the contexts given."""

    def __init__(self, script: Mapping[str, Understanding], default: Understanding | None = UNSCRIPTED) -> None:
        self.script = script
        self.default = default
        self.contexts: list[tuple[str, ...]] = []

    def parse(self, text: str, context: Sequence[str] = ()) -> Understanding:
        self.contexts.append(tuple(context))
        found = self.script.get(text, self.default)
        if found is None:
            raise KeyError(f"no reading scripted for {text!r}")
        return found
