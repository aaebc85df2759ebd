"""The schema revision this code reads and writes (Alembic's revision id), kept apart
from the tables so that the quick SQLite path can check it without SQLAlchemy."""

HEAD = "0003"
