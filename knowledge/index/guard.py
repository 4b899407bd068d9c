"""Make chromadb's default embedding function fail loudly instead of downloading a model.

chromadb falls back to ``DefaultEmbeddingFunction`` (ONNX all-MiniLM-L6-v2, fetched from the internet on first
use) whenever a collection is opened without an embedding function and then given documents without vectors.
kkini always passes its own vectors; this guard turns any accidental use of the default into an immediate
``DefaultEmbeddingForbidden`` before a byte is downloaded.
"""

from __future__ import annotations

from typing import Any, NoReturn


class DefaultEmbeddingForbidden(RuntimeError):
    """Something asked chromadb's default (downloaded) embedding model for vectors."""


_MESSAGE = (
    "chromadb's default embedding model was asked for vectors; kkini never lets chromadb embed (it would "
    "download all-MiniLM-L6-v2). Pass precomputed embeddings, and open collections with embedding_function=None."
)


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise DefaultEmbeddingForbidden(_MESSAGE)


def _refuse_call(self: Any, input: Any) -> NoReturn:  # chromadb checks this exact signature
    raise DefaultEmbeddingForbidden(_MESSAGE)


def forbid_default_embedding() -> None:
    """Replace the entry points of chromadb's default model with ``_refuse``. Idempotent and process-wide, because
    chromadb builds the default itself, wherever it is; doing this in the store's constructor keeps it out of
    import time."""
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    targets: list[tuple[type, str, Any]] = [
        (DefaultEmbeddingFunction, "__call__", _refuse_call),
        (ONNXMiniLM_L6_V2, "__call__", _refuse_call),
        (ONNXMiniLM_L6_V2, "_download_model_if_not_exists", _refuse),
        (ONNXMiniLM_L6_V2, "_download", _refuse),
        (ONNXMiniLM_L6_V2, "_forward", _refuse),
    ]
    for owner, attribute, replacement in targets:
        if hasattr(owner, attribute) and getattr(owner, attribute) is not replacement:
            setattr(owner, attribute, replacement)
