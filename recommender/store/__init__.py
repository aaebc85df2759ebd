"""Where tracking keeps a person's course: answers, the plans issued, and check-ins.

Health data, so: nothing is stored unless the person runs `backplan track start`; the
SQLite file is private to its owner (mode 0600, in a 0700 folder); a database that is
not backplan's, or is damaged, is refused with a message and never written to.
SQLAlchemy (and Alembic, for migrations) are imported by this package alone, and only
by the `track` commands, never on the `plan` path.
"""
