"""Finding, opening, checking and migrating the tracking database.

The database is `--db URL`, else $BACKPLAN_DB, else an SQLite file in the user's data
folder. A plain path means an SQLite file; `postgresql://` uses psycopg 3. Opening
never creates anything unless asked to (by `track start`), never writes to a database
that is not backplan's, and turns every database failure into a StoreError with a
message: a damaged file, a foreign one, a server that cannot be reached.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Optional, TypeVar

from recommender.core.errors import BackplanError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

DB_VARIABLE = "BACKPLAN_DB"
DEFAULT_NAME = "tracking.sqlite3"
#: Alembic's bookkeeping table, named for us: a shared PostgreSQL database may hold
#: another application's `alembic_version`.
VERSION_TABLE = "backplan_alembic_version"
_SQLITE_MAGIC = b"SQLite format 3\x00"

T = TypeVar("T")


class StoreError(BackplanError):
    """The tracking database cannot be used as it is (exit code 2); nothing was changed."""


class NotTracking(StoreError):
    """No course is stored yet: tracking starts with `backplan track start`."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"nothing is tracked yet in {where}: start with `backplan track start --answers FILE`"
        )


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("backplan", appauthor=False) / DEFAULT_NAME


def database_url(given: Optional[str] = None) -> str:
    """The SQLAlchemy URL of the database chosen by --db, $BACKPLAN_DB or the default."""
    chosen = (given or os.environ.get(DB_VARIABLE) or "").strip()
    if not chosen:
        return f"sqlite:///{default_path()}"
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().absolute()}"
    if chosen.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + chosen.split("://", 1)[1]
    if chosen.startswith(("sqlite:///", "postgresql+psycopg://")):
        return chosen
    raise StoreError(
        f"unsupported database {_shown(chosen)}: give a file path, sqlite:///PATH or "
        "postgresql://USER@HOST/NAME"
    )


def sqlite_path(url: str) -> Optional[Path]:
    """The file of an SQLite URL; None for a server."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url


def describe(url: str) -> str:
    path = sqlite_path(url)
    return str(path) if path else _shown(url)


def prepare_sqlite_file(path: Path, create: bool) -> None:
    """Refuse what is not an SQLite file; make a new one private (0600 in a 0700 folder)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        if not create:
            raise NotTracking(str(path)) from None
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            raise StoreError(f"cannot create the tracking database {path}: {exc}") from None
        return
    except OSError as exc:
        raise StoreError(f"cannot read the tracking database {path}: {exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path} is not a regular file; nothing was changed")
    try:
        with open(path, "rb") as file:
            head = file.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"cannot read the tracking database {path}: {exc}") from None
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not an SQLite database (is it another file?); nothing was changed"
        )


def connect(url: str, create: bool = False) -> Engine:
    """An engine on a checked database at the current schema. With `create`, an empty
    or missing database gets the schema; without it, it is reported as not tracking."""
    path = sqlite_path(url)
    if path is not None:
        prepare_sqlite_file(path, create)
    from sqlalchemy import create_engine

    if path is not None:
        # Another process may hold the write lock for a moment (two check-ins at once):
        # wait for it rather than fail.
        engine = create_engine(url, connect_args={"timeout": 30})
    else:
        try:
            engine = create_engine(url, pool_pre_ping=True)
        except Exception as exc:  # a malformed URL or a missing driver
            raise StoreError(f"cannot use the database {_shown(url)}: {exc}") from None
    guarded(lambda: _check_schema(engine, url, create), url)
    return engine


def guarded(work: Callable[[], T], url: str) -> T:
    """Run `work`, turning a database failure into a StoreError that names the database."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    try:
        return work()
    except DBAPIError as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreError(
            f"the tracking database {describe(url)} cannot be used ({detail}); nothing was changed"
        ) from None
    except SQLAlchemyError as exc:
        raise StoreError(f"the tracking database {describe(url)} failed: {exc}") from None


def _check_schema(engine: Engine, url: str, create: bool) -> None:
    from sqlalchemy import inspect, text

    from recommender.store.schema import HEAD, metadata

    with engine.begin() as connection:
        tables = set(inspect(connection).get_table_names())
        ours = {table.name for table in metadata.tables.values()} | {VERSION_TABLE}
        if sqlite_path(url) is not None and tables - ours:
            # A file of its own holding other tables is someone else's database.
            raise StoreError(
                f"{describe(url)} is not a backplan tracking database (it holds other "
                "tables); nothing was changed"
            )
        if VERSION_TABLE not in tables:
            if tables & ours:
                raise StoreError(
                    f"{describe(url)} has backplan's tables but no schema version; "
                    "nothing was changed"
                )
            if not create:
                raise NotTracking(describe(url))
            _migrate(connection)
            return
        version = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        if version == HEAD:
            return
        if version not in _known_revisions():
            raise StoreError(
                f"{describe(url)} was written by a newer backplan (schema {version}); "
                "upgrade backplan to use it. Nothing was changed"
            )
        _migrate(connection)


def _alembic_config(connection: Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def _known_revisions() -> set[str]:
    folder = Path(__file__).parent / "migrations" / "versions"
    return {p.name.split("_", 1)[0] for p in folder.glob("[0-9]*_*.py")}


def _migrate(connection: Connection) -> None:
    """Bring the schema to HEAD with Alembic, inside the caller's transaction."""
    from alembic import command

    command.upgrade(_alembic_config(connection), "head")  # type: ignore[arg-type]
