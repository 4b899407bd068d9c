"""What every job is given: the stores, its settings, the channel notifiers and a clock tests can move."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from jobs.notifier import Notifier
from jobs.settings import CardIssuerSettings, JobsSettings, NotifySettings
from storage.database import Database
from storage.kv import KeyValueStore
from storage.models import utcnow

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware."""

Counts = dict[str, int]
"""What a run did, by name: {"fetched": 1000, "written": 312}."""


@dataclass(frozen=True, slots=True)
class JobConfig:
    """The settings sections the jobs read; the composition root hands them over from the application settings."""

    jobs: JobsSettings = field(default_factory=JobsSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    card_issuer: CardIssuerSettings = field(default_factory=CardIssuerSettings)


@dataclass(frozen=True, slots=True)
class JobContext:
    db: Database
    kv: KeyValueStore
    config: JobConfig
    notifiers: Mapping[str, Notifier] = field(default_factory=dict)
    clock: Clock = utcnow
