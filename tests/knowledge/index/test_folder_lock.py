"""The knowledge folder lock: any number of processes read a chromadb folder, one writes it, and only while no other
process has it open; an ingest while ``kkini serve`` runs is refused clearly instead of corrupting the folder."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from knowledge.index.folder_lock import FolderLock, KnowledgeBusy

HOLDER = """
import sys
from pathlib import Path
from knowledge.index.folder_lock import FolderLock

lock = FolderLock(Path(sys.argv[1]))
lock.open()
if sys.argv[2] == "write":
    with lock.writing():
        print("held", flush=True)
        sys.stdin.readline()
else:
    print("held", flush=True)
    sys.stdin.readline()
lock.close()
"""


@contextmanager
def held_elsewhere(folder: Path, mode: str = "read") -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``folder`` (reading, or writing) until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        yield process
    finally:
        if process.poll() is None:
            assert process.stdin is not None
            process.stdin.write("\n")
            process.stdin.flush()
        process.wait(timeout=30)


def test_a_write_is_refused_while_another_process_reads_and_allowed_after(tmp_path: Path) -> None:
    folder = tmp_path / "chroma"
    lock = FolderLock(folder)
    lock.open()
    try:
        with held_elsewhere(folder):
            with pytest.raises(KnowledgeBusy, match="open in another kkini process"), lock.writing():
                pass
        with lock.writing():  # the other process is gone
            pass
    finally:
        lock.close()


def test_openers_in_one_process_share_the_lock_and_can_write(tmp_path: Path) -> None:
    folder = tmp_path / "chroma"
    first, second = FolderLock(folder), FolderLock(folder)
    first.open()
    second.open()
    with first.writing(), second.writing():  # nested writes within one process are one write
        pass
    first.close()
    with second.writing():
        pass
    second.close()
    second.close()  # closing twice is harmless


def test_opening_waits_for_another_process_to_finish_writing(tmp_path: Path) -> None:
    folder = tmp_path / "chroma"
    with held_elsewhere(folder, "write"):
        with pytest.raises(KnowledgeBusy, match="stayed locked"):
            FolderLock(folder).open(wait_s=0.3)
    lock = FolderLock(folder)
    lock.open(wait_s=0.3)
    lock.close()


def test_ingest_while_another_process_has_the_folder_open_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"KKINI_DATA_DIR": str(tmp_path)}
    with held_elsewhere(tmp_path / "chroma"):
        refused = runner.invoke(main, ["knowledge", "ingest", "--collection", "meal", "builtin:meal"], env=env)
    assert refused.exit_code == 1
    assert "open in another kkini process" in refused.output and "stop it" in refused.output
    done = runner.invoke(main, ["knowledge", "ingest", "--collection", "meal", "builtin:meal"], env=env)
    assert done.exit_code == 0, done.output
    assert '"added": 53' in done.output
