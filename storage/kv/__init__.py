"""The key-value store: sessions, de-duplication, locks, rate limits and caches.

`SqliteStore` (one file shared by every kkini process on the machine) is the default, `RedisStore` the choice for
several machines, and `InProcessStore` a fast single-process store for tests and benchmarks.
"""

from storage.kv.base import Claimed, KeyTypeError, KeyValueStore, Lock, LockNotAcquired, Value, lock, renewing
from storage.kv.factory import create_store
from storage.kv.memory import InProcessStore
from storage.kv.redis import RedisStore
from storage.kv.sqlite import SqliteStore
from storage.kv.sqlite_file import NotAKeyValueFile

__all__ = [
    "Claimed",
    "InProcessStore",
    "KeyTypeError",
    "KeyValueStore",
    "Lock",
    "LockNotAcquired",
    "NotAKeyValueFile",
    "RedisStore",
    "SqliteStore",
    "Value",
    "create_store",
    "lock",
    "renewing",
]
