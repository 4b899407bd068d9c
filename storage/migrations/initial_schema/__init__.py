"""The tables migration 0001 creates, by domain, in an order their foreign keys allow.

Frozen as 0001 first created them: a change to the schema is a new migration in ``versions/``, never an edit here.
They live outside ``versions/`` because alembic reads every module there as a revision.
"""
