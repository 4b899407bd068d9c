"""Opening the SQLite key-value file: check that it is kkini's, create its schema on first use, switch it to WAL.

The file says what it is in its header: ``PRAGMA application_id`` is `APPLICATION_ID` and ``PRAGMA user_version``
the schema version, so a file of another application, or of a newer kkini, is refused with `NotAKeyValueFile`
instead of being written to.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

APPLICATION_ID = 0x6B6B4B56  # "kkKV" in the file header: this file is a kkini key-value store
SCHEMA_VERSION = 2  # PRAGMA user_version
STRING, LIST = "string", "list"  # entries.kind

_SCHEMA = f"""
CREATE TABLE entries (
    key TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('{STRING}', '{LIST}')),
    value TEXT NOT NULL,
    expires_at REAL
);
CREATE INDEX entries_by_expiry ON entries (expires_at) WHERE expires_at IS NOT NULL;
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = 1;
"""
_QUEUES = """
CREATE TABLE queue_items (
    queue TEXT NOT NULL,
    member TEXT NOT NULL,
    value TEXT NOT NULL,
    due REAL NOT NULL,
    claims INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, member)
) WITHOUT ROWID;
CREATE INDEX queue_items_by_due ON queue_items (queue, due);
PRAGMA user_version = 2;
"""
UPGRADES = {0: _SCHEMA, 1: _QUEUES}
"""The statements that bring a file from each schema version to the next (0: a new file)."""


class NotAKeyValueFile(RuntimeError):
    """The path holds something other than a kkini key-value file (or one from a newer kkini)."""


def open_file(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """A connection to the key-value file at ``path`` in autocommit mode, creating the folder, file and schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: autocommit, so each statement is its own transaction unless one is begun.
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        _prepare(conn, path, busy_timeout)
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection, path: Path, busy_timeout: float) -> None:
    try:
        application_id, version, empty = _header(conn)
        if (application_id, version, empty) == (0, 0, True) or (
            application_id == APPLICATION_ID and version in UPGRADES
        ):
            # Another process may be creating or upgrading it right now: take the write lock, then look again.
            with immediate(conn):
                application_id, version, empty = _header(conn)
                if (application_id, version, empty) == (0, 0, True):
                    application_id = APPLICATION_ID
                while application_id == APPLICATION_ID and version in UPGRADES:
                    for statement in UPGRADES[version].split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    version += 1
    except sqlite3.DatabaseError as error:
        if "not a database" not in str(error):
            raise
        raise NotAKeyValueFile(f"{path} is not a kkini key-value file: {error}") from error
    if application_id != APPLICATION_ID:
        raise NotAKeyValueFile(
            f"{path} is an SQLite file of another application, not a kkini key-value file; "
            "move it away or point the data dir elsewhere"
        )
    if version != SCHEMA_VERSION:
        raise NotAKeyValueFile(f"{path} has key-value schema version {version}; this kkini reads {SCHEMA_VERSION}")
    _switch_to_wal(conn, path, busy_timeout)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA journal_size_limit = 67108864")  # give the WAL back to the disk after a burst


def _switch_to_wal(conn: sqlite3.Connection, path: Path, busy_timeout: float) -> None:
    """WAL mode, which stays in the file once set; the first switch needs a moment with no other connection in it.

    While other processes open a new file at the same time, the switch fails at once with "database is locked"
    (SQLite does not wait on it), so it is tried again until the busy timeout has passed.
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        else:
            if mode == "wal":
                return
            if time.monotonic() > deadline:
                raise NotAKeyValueFile(f"{path} stays in {mode} journal mode, not WAL (is it on a network share?)")
        time.sleep(0.005)


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the file's write lock at once, so what is read inside it stays true."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _header(conn: sqlite3.Connection) -> tuple[int, int, bool]:
    """(application id, schema version, whether the file has no tables), read in one statement so in one snapshot."""
    application_id, version, empty = conn.execute(
        "SELECT (SELECT application_id FROM pragma_application_id()), (SELECT user_version FROM pragma_user_version()), "
        "NOT EXISTS (SELECT 1 FROM sqlite_master)"
    ).fetchone()
    return int(application_id), int(version), bool(empty)
