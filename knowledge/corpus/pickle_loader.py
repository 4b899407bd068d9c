"""Load a FAQ pickle (a plain ``dict`` of question -> answer) without letting it run code.

``pickle.load`` imports and calls whatever the file names, so an untrusted pickle is a program. The unpickler here
refuses every global: a dict of strings is built from opcodes alone (``EMPTY_DICT``, ``BINUNICODE``, ``SETITEMS``),
so nothing legitimate is lost, and a file that tries to reach ``os.system`` or any class fails before anything runs.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path
from typing import NoReturn

from knowledge.corpus.errors import FaqFormatError

DEFAULT_MAX_BYTES = 32 * 1024 * 1024
"""The largest pickle read by default; the SmartStore FAQ is 3.3 MiB."""

_PREVIEW = 60


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves no globals at all: classes, functions and extension codes are all refused."""

    def find_class(self, module: str, name: str) -> NoReturn:
        """Refuse ``module.name``; called for GLOBAL, STACK_GLOBAL, INST, OBJ and EXT opcodes alike."""
        raise FaqFormatError(
            f"the pickle refers to {module}.{name}; a FAQ pickle must be a plain dict of strings and may name no"
            " class or function"
        )

    def persistent_load(self, pid: object) -> NoReturn:
        """Refuse persistent ids: they stand for objects outside the file."""
        raise FaqFormatError("the pickle uses a persistent id; a FAQ pickle must be self-contained")


def load_faq_pickle(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, expected_sha256: str | None = None
) -> dict[str, str]:
    """The question -> answer dict stored in the pickle at ``path``, in the file's order.

    Raises ``FaqFormatError`` when the file is larger than ``max_bytes`` (checked before reading), does not match
    ``expected_sha256`` (when given), names any global, is truncated or corrupt, or is not a dict of str to str.
    ``OSError`` (a missing file, say) passes through unchanged.
    """
    path = Path(path)
    data = read_bounded(path, max_bytes, "a FAQ pickle")
    if expected_sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != expected_sha256.lower():
            raise FaqFormatError(f"{path} has sha256 {digest}, expected {expected_sha256}")
    try:
        return loads_faq_pickle(data)
    except FaqFormatError as error:
        raise FaqFormatError(f"{path}: {error}") from error.__cause__


def read_bounded(path: Path, max_bytes: int, what: str) -> bytes:
    """The bytes of ``path``, refused with ``FaqFormatError`` when over ``max_bytes`` (checked before reading)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise FaqFormatError(f"{path} is {size:,} bytes, over the limit of {max_bytes:,} bytes for {what}")
    with path.open("rb") as file:
        data = file.read(max_bytes + 1)  # the file may have grown since stat
    if len(data) > max_bytes:
        raise FaqFormatError(f"{path} is over the limit of {max_bytes:,} bytes for {what}")
    return data


def loads_faq_pickle(data: bytes) -> dict[str, str]:
    """The question -> answer dict in the pickle bytes ``data``; see ``load_faq_pickle`` for the checks."""
    if not data:
        raise FaqFormatError("the pickle is empty")
    stream = io.BytesIO(data)
    try:
        result = RestrictedUnpickler(stream).load()
    except FaqFormatError:
        raise
    except EOFError as error:
        raise FaqFormatError("the pickle is truncated: it ends before its STOP opcode") from error
    except (pickle.UnpicklingError, ValueError, TypeError, IndexError, KeyError, AttributeError) as error:
        raise FaqFormatError(f"the pickle is corrupt: {error}") from error
    except (OverflowError, MemoryError, RecursionError) as error:
        raise FaqFormatError(f"the pickle is corrupt: {type(error).__name__}") from error
    trailing = len(data) - stream.tell()
    if trailing:
        raise FaqFormatError(f"the pickle has {trailing:,} bytes after its STOP opcode")
    return _check_shape(result)


def _check_shape(result: object) -> dict[str, str]:
    if not isinstance(result, dict):
        raise FaqFormatError(f"the pickle holds a {type(result).__name__}, expected a dict of question -> answer")
    for key, value in result.items():
        if not isinstance(key, str):
            raise FaqFormatError(f"the dict has a {type(key).__name__} key {_preview(key)}, expected str questions")
        if not isinstance(value, str):
            raise FaqFormatError(f"the answer to {_preview(key)} is a {type(value).__name__}, expected a str")
    return result


def _preview(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _PREVIEW else text[: _PREVIEW - 1] + "…"
