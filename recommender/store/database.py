"""Finding, opening, checking and migrating the tracking database.

The database is `--db URL`, else $BACKPLAN_DB, else an SQLite file in the user's data
folder. A plain path means an SQLite file; `postgresql://` uses psycopg 3. Opening
never creates anything unless asked to (by `track start`), never writes to a database
that is not backplan's, and turns every database failure into a StoreError with a
message: a damaged file, a foreign one, a server that cannot be reached, a full disk.

An SQLite file holds health data, so it must be the user's own, in a folder of their
own, and neither may be writable by others: a file planted in a shared folder is
refused with the reason, never used. Passwords in a URL are never shown.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, TypeVar

from recommender.core.errors import BackplanError, ExitCode

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection, Engine

DB_VARIABLE = "BACKPLAN_DB"
DEFAULT_NAME = "tracking.sqlite3"
#: Alembic's bookkeeping table, named for us: a shared PostgreSQL database may hold
#: another application's `alembic_version`.
VERSION_TABLE = "backplan_alembic_version"
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: The key of the PostgreSQL advisory lock held while the schema is created or
#: migrated, so that two first `track start`s at once do it once (any fixed number
#: that no other application is likely to use).
SCHEMA_LOCK = 0x6261636B706C616E  # "backplan"
#: Query-string keys that carry a password (libpq's `password`, and common spellings).
_PASSWORD_KEYS = re.compile(r"(?i)([?&;](?:password|passwd|pass|pwd)=)([^&;#]*)")

T = TypeVar("T")


class StoreError(BackplanError):
    """The tracking database cannot be used as it is (exit code 2); nothing was changed."""


class StoreFull(StoreError):
    """The disk (or the server's) is full: the machine's failure, not the person's."""

    exit_code = ExitCode.INTERNAL


class NotTracking(StoreError):
    """No course is stored yet: tracking starts with `backplan track start`."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"nothing is tracked yet in {where}: start with `backplan track start --answers FILE`"
        )


def default_path() -> Path:
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
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
        f"unsupported database {shown(chosen)}: give a file path, sqlite:///PATH or "
        "postgresql://USER@HOST/NAME"
    )


def sqlite_path(url: str) -> Optional[Path]:
    """The file of an SQLite URL; None for a server."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _passwords(url: str) -> list[str]:
    """The passwords a URL carries: in its user part, and in its query string."""
    found = [value for _, value in _PASSWORD_KEYS.findall(url) if value]
    before_query = url.split("?", 1)[0]
    if "://" in before_query and "@" in before_query:
        credentials = before_query.split("://", 1)[1].rsplit("@", 1)[0]
        if ":" in credentials and credentials.split(":", 1)[1]:
            found.append(credentials.split(":", 1)[1])
    return found


def shown(url: str) -> str:
    """The URL as messages show it: without the password of its user part, and with
    any password in its query string masked."""
    before_query, query_mark, query = url.partition("?")
    if "@" in before_query and "://" in before_query:
        scheme, rest = before_query.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        before_query = f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    query = _PASSWORD_KEYS.sub(r"\1***", "?" + query)[1:] if query_mark else ""
    return before_query + query_mark + query


def scrubbed(text: str, url: str) -> str:
    """`text` (a driver's message, say) with every password of `url` masked."""
    for password in sorted(_passwords(url), key=len, reverse=True):
        text = text.replace(password, "***")
    return text


def describe(url: str) -> str:
    path = sqlite_path(url)
    return str(path) if path else shown(url)


def private(url: str) -> bool:
    """True for an SQLite file that only its owner can read (its folder included)."""
    path = sqlite_path(url)
    if path is None:
        return False
    try:
        mode, folder = path.stat().st_mode, path.parent.stat().st_mode
    except OSError:
        return False
    return not (mode & 0o044 and folder & 0o011)


def _refuse_shared(path: Path, info: os.stat_result, what: str) -> None:
    """Refuse a file or folder that is not the user's own, or that others can write."""
    mine = os.geteuid() if hasattr(os, "geteuid") else info.st_uid
    if info.st_uid != mine:
        raise StoreError(
            f"{path} is not yours (its {what} belongs to another user): backplan keeps "
            "health data only in a file and folder of your own; nothing was changed"
        )
    if info.st_mode & 0o022:
        raise StoreError(
            f"others can write to {path} (mode "
            f"{stat.S_IMODE(info.st_mode):04o}): backplan keeps health data only where you "
            "alone can change it; nothing was changed"
        )


def prepare_sqlite_file(path: Path, create: bool) -> bool:
    """Refuse what is not an SQLite file of the user's own; make a new one private
    (0600 in a 0700 folder). True when this call created the file."""
    folder = path.parent
    try:
        info = path.lstat()
    except FileNotFoundError:
        if not create:
            raise NotTracking(str(path)) from None
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _refuse_shared(folder, folder.stat(), "folder")
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                # Another `track start` made it a moment ago: use it as it is now.
                return prepare_sqlite_file(path, create=False)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise StoreFull(
                    f"the disk is full: cannot create {path}; nothing was stored"
                ) from None
            raise StoreError(f"cannot create the tracking database {path}: {exc}") from None
        return True
    except OSError as exc:
        raise StoreError(f"cannot read the tracking database {path}: {exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path} is not a regular file; nothing was changed")
    _refuse_shared(path, info, "file")
    try:
        _refuse_shared(folder, folder.stat(), "folder")
    except OSError as exc:
        raise StoreError(f"cannot read the folder of {path}: {exc}") from None
    try:
        with open(path, "rb") as file:
            head = file.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"cannot read the tracking database {path}: {exc}") from None
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not an SQLite database (is it another file?); nothing was changed"
        )
    return False


def discard_new_file(path: Path) -> None:
    """Remove a database file this run created and could not fill (a full disk), with
    SQLite's journal, so that nothing half-made is left to read as "nothing tracked"."""
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        try:
            leftover.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass  # nothing more can be done; the message already says nothing was stored


def connect(url: str, create: bool = False) -> Engine:
    """An engine on a checked database at the current schema. With `create`, an empty
    or missing database gets the schema; without it, it is reported as not tracking."""
    return open_database(url, create)[0]


def open_database(url: str, create: bool = False) -> tuple[Engine, bool]:
    """`connect`, and whether this call created the database's file (only the process
    that created it may remove it again, should its first write fail)."""
    path = sqlite_path(url)
    created = prepare_sqlite_file(path, create) if path is not None else False
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from sqlalchemy import create_engine

    try:
        if path is not None:
            # Another process may hold the write lock for a moment (two check-ins at
            # once): wait for it rather than fail.
            engine = create_engine(url, connect_args={"timeout": 30})
            _transactional_ddl(engine)
        else:
            try:
                engine = create_engine(url, pool_pre_ping=True)
            except Exception as exc:  # a malformed URL or a missing driver
                raise StoreError(
                    f"cannot use the database {shown(url)}: {scrubbed(str(exc), url)}"
                ) from None
        guarded(lambda: _check_schema(engine, url, create), url)
    except StoreError:
        if created:
            assert path is not None
            discard_new_file(path)
        raise
    return engine, created


def _transactional_ddl(engine: Engine) -> None:
    """Let SQLite's own transactions hold the schema too: Python's sqlite3 module runs
    CREATE TABLE outside any transaction, so another process could see a schema half
    made (and a failed migration would leave one). SQLAlchemy's recipe: the driver
    begins nothing, and each transaction is one BEGIN ... COMMIT of ours."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def _full(exc: BaseException) -> bool:
    """The database failed because a disk is full (SQLite's SQLITE_FULL, PostgreSQL's
    disk_full, or the system's ENOSPC)."""
    if getattr(exc, "sqlite_errorcode", None) == 13 or getattr(exc, "sqlstate", None) == "53100":
        return True
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    return "disk is full" in str(exc) or "No space left on device" in str(exc)


def guarded(work: Callable[[], T], url: str) -> T:
    """Run `work`, turning a database failure into a StoreError that names the database."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    try:
        return work()
    except DBAPIError as exc:
        if exc.orig is not None and _full(exc.orig):
            raise StoreFull(
                f"the disk holding the tracking database {describe(url)} is full: nothing "
                "was stored"
            ) from None
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreError(
            f"the tracking database {describe(url)} cannot be used "
            f"({scrubbed(detail, url)}); nothing was changed"
        ) from None
    except SQLAlchemyError as exc:
        raise StoreError(
            f"the tracking database {describe(url)} failed: {scrubbed(str(exc), url)}"
        ) from None
    except OSError as exc:
        if _full(exc):
            raise StoreFull(
                f"the disk holding the tracking database {describe(url)} is full: nothing "
                "was stored"
            ) from None
        raise


def _check_schema(engine: Engine, url: str, create: bool) -> None:
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from sqlalchemy import text

    from recommender.store.schema import HEAD

    with engine.connect() as connection:
        if _schema_state(connection, url, create) == HEAD:
            return
    # The schema is to be made or migrated: once, even when two first `track start`s
    # (or two processes after an upgrade) get here together. Whoever waited finds it
    # done and changes nothing.
    with _schema_lock(url), engine.begin() as connection:
        if sqlite_path(url) is None:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        if _schema_state(connection, url, create) != HEAD:
            _migrate(connection)


def _schema_state(connection: Connection, url: str, create: bool) -> Optional[str]:
    """The schema revision found (None for an empty database that may be made), or a
    StoreError for what must not be touched."""
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from sqlalchemy import inspect, text

    from recommender.store.schema import metadata

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
                f"{describe(url)} has backplan's tables but no schema version; nothing was changed"
            )
        if not create:
            raise NotTracking(describe(url))
        return None
    version = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    if version is None:
        raise StoreError(
            f"{describe(url)} has backplan's tables but no schema version; nothing was changed"
        )
    if version not in _known_revisions():
        raise StoreError(
            f"{describe(url)} was written by a newer backplan (schema {version}); "
            "upgrade backplan to use it. Nothing was changed"
        )
    return str(version)


@contextmanager
def _schema_lock(url: str) -> Iterator[None]:
    """On SQLite, an exclusive lock on the file while its schema is made (PostgreSQL
    takes an advisory lock in the same transaction instead). SQLite's own locks are
    byte ranges of the same file; this whole-file lock (flock) does not meet them."""
    path = sqlite_path(url)
    try:
        # lazy: POSIX only (the module imports on Windows too)
        import fcntl
    except ImportError:  # not on this system: SQLite's own lock still keeps one writer
        path = None
    if path is None:
        yield
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        # fcntl is imported here: without it, path was set to None above.
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # pyright: ignore[reportPossiblyUnboundVariable]
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _alembic_config(connection: Connection) -> Config:
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
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
    # lazy: off the `track checkin` path (benchmarks/tracking.py (a))
    from alembic import command

    command.upgrade(_alembic_config(connection), "head")
