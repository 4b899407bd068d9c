"""Garbage-collector settings for a long-running server.

A full (generation 2) collection walks every object in the process. After start-up that is mostly what never
dies: imported modules, the SDKs, the dialogue engine's indexes and models, several hundred thousand objects. Under
load a full collection then stops the event loop for 100-400 ms (measured by bench/channels_bench.py on the
development machine), and every webhook waiting in that moment is acknowledged that much later. Freezing those
objects (`gc.freeze`) moves them to a permanent generation the collector no longer visits; what requests create is
still collected as before.
"""

from __future__ import annotations

import gc


def freeze_long_lived_objects() -> None:
    """Collect what start-up left behind, then freeze every object alive now; call again after more is loaded."""
    gc.collect()
    gc.freeze()
