"""One writer or many readers per chromadb folder, across the processes of one machine.

chromadb's ``PersistentClient`` is not safe with two processes on one folder while either writes: each keeps its
own copy of the vector index in memory and writes it back. So every process that opens the folder holds a shared
``flock`` on ``<folder>.lock`` for as long as it has it open (``kkini serve``, ``kkini chat``, searches), and a
write (an ingest) needs it exclusively: it waits for nobody, and is refused with `KnowledgeBusy` while another
process has the folder open. Inside one process every opener shares one lock (chromadb shares its client per
folder the same way), which is why the registry of held locks is per process.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

WAIT_FOR_WRITER_S = 600.0
"""How long opening a folder waits for another process's ingest to finish."""


class KnowledgeBusy(RuntimeError):
    """Another kkini process has the knowledge folder open, so it cannot be written now."""


@dataclass(slots=True)
class _Held:
    fd: int
    openers: int = 0
    writing: bool = False


_HELD: dict[Path, _Held] = {}
_GUARD = threading.Lock()


def lock_path(folder: Path) -> Path:
    return folder.with_name(folder.name + ".lock")


class FolderLock:
    """This process's hold on one folder: `open` once per user of the folder, `close` when done."""

    def __init__(self, folder: Path) -> None:
        self.path = lock_path(folder).resolve()
        self._open = False

    def open(self, wait_s: float = WAIT_FOR_WRITER_S) -> None:
        """Join this process's readers of the folder; waits up to ``wait_s`` for another process's write."""
        with _GUARD:
            held = _HELD.get(self.path)
            if held is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                try:
                    _wait(fd, fcntl.LOCK_SH, wait_s, self.path)
                except BaseException:
                    os.close(fd)
                    raise
                held = _HELD[self.path] = _Held(fd)
            held.openers += 1
        self._open = True

    def close(self) -> None:
        if not self._open:
            return
        self._open = False
        with _GUARD:
            held = _HELD.get(self.path)
            if held is None:
                return
            held.openers -= 1
            if held.openers <= 0:
                del _HELD[self.path]
                os.close(held.fd)  # releases the flock

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the folder exclusively for the block; `KnowledgeBusy` at once when another process has it open."""
        if not self._open:
            raise RuntimeError("open the folder lock before writing")
        with _GUARD:
            held = _HELD[self.path]
            nested = held.writing
            if not nested:
                try:
                    fcntl.flock(held.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise KnowledgeBusy(
                        f"the knowledge folder {self.path.with_suffix('')} is open in another kkini process "
                        "(kkini serve or kkini chat); stop it, run this again, then start it again"
                    ) from None
                held.writing = True
        try:
            yield
        finally:
            if not nested:
                with _GUARD:
                    held.writing = False
                    # Back to reading. flock may drop the lock for an instant while converting; a writer that
                    # slips in then only makes this process's copy stale, since it writes nothing more itself.
                    fcntl.flock(held.fd, fcntl.LOCK_SH)


def _wait(fd: int, mode: int, wait_s: float, path: Path) -> None:
    deadline = time.monotonic() + wait_s
    warned = False
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise KnowledgeBusy(f"{path} stayed locked by another kkini process for {wait_s:.0f} s") from None
            if not warned:
                logger.warning("waiting for another kkini process to finish writing the knowledge folder")
                warned = True
            time.sleep(0.2)
