"""What a start builds from a collection and keeps in the knowledge state folder for the next start: numpy npz files
(never pickled objects), named by a key of everything they were built from, so a changed input builds anew."""

from __future__ import annotations

import logging
import os
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)
_KEY = re.compile(r"[0-9a-f]{24}")
"""The keys callers give (24 hex digits of a hash): what tells a kept file of ``stem`` from another stem's."""


class Keepable(Protocol):
    def save(self, path: Path) -> None: ...


K = TypeVar("K", bound=Keepable)


def kept(folder: Path, stem: str, key: str, *, load: Callable[[Path], K], build: Callable[[], K], what: str) -> K:
    """The thing kept as ``folder/stem-key.npz`` (``key``: 24 hex digits), else ``build()`` saved there (other keys of ``stem`` removed).
    An unreadable file is built anew; a folder that cannot be written only costs the next start the build."""
    path = folder / f"{stem}-{key}.npz"
    if path.is_file():
        try:
            return load(path)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            logger.warning("kept %s %s is unreadable (%s): building it again", what, path, error)
    made = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        made.save(path)
        for old in folder.glob(f"{stem}-*.npz"):
            if old != path and _KEY.fullmatch(old.name.removeprefix(f"{stem}-").removesuffix(".npz")):
                old.unlink(missing_ok=True)  # not "lexical-seller-x-…" of a collection named seller-x
    except OSError as error:
        logger.warning("could not keep the %s in %s: %s", what, folder, error)
    return made


def write_npz(path: Path, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
    """``arrays`` as an npz file at ``path``, written atomically (a reader never sees half a file)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with partial.open("wb") as out:
        np.savez(out, **arrays)  # type: ignore[arg-type]
    partial.replace(path)
