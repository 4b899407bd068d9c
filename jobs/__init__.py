"""Scheduled jobs: the runner and scheduler, balance sync from the card issuer, the notification outbox and its
delivery, the daily aggregates and retention. Imports only storage and the `jobs.notifier.Notifier` protocol; the
composition root hands in the channel notifiers (`jobs.registry.build_jobs` lists every job)."""
