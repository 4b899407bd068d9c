"""The one error the corpus loaders raise for input they will not read."""

from __future__ import annotations


class FaqFormatError(ValueError):
    """A FAQ file is unreadable as a whole: wrong format, too large, corrupt, or not the shape it must have.

    The message names what was wrong (and where, when it is known), so that an operator can fix the file.
    Single bad rows of a JSONL or CSV file are not errors: they are reported and skipped.
    """
