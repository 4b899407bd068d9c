"""The key-value store: sessions, de-duplication, locks, rate limits and caches, in Redis or in-process."""

from storage.kv.base import KeyTypeError, KeyValueStore, Lock, LockNotAcquired, Value, lock
from storage.kv.factory import create_store
from storage.kv.memory import InProcessStore
from storage.kv.redis import RedisStore

__all__ = [
    "InProcessStore",
    "KeyTypeError",
    "KeyValueStore",
    "Lock",
    "LockNotAcquired",
    "RedisStore",
    "Value",
    "create_store",
    "lock",
]
