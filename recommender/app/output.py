"""Where a command's output goes: the terminal, or a file written whole.

`-o FILE` writes into what FILE is:

- a regular file (or no file yet) is written whole, through a temporary file in the
  same folder that replaces it only when complete, so it is never left half-written;
  an existing file keeps its permissions, and a new one follows the umask, as any
  Unix tool's, or is made private to its owner (0600) with `--private`;
- a character device, a FIFO, or the shell's `/dev/stdout`, `/dev/stderr` and
  `/dev/fd/N` (which `>(command)` gives) are written straight through: they are
  streams, not files to replace. The shell's links are written through whatever they
  lead to, a redirected file too (never replaced: in /dev that would replace the
  system's link and leave the redirect empty), and appended to, as the shell opened
  it (`>>` keeps what was there);
- any other symbolic link, a folder, a read-only file and a folder that does not
  exist are refused with exit code 2, before anything is written.

A write that fails for a reason outside the person's control (a full disk) is
reported plainly with exit code 1, and leaves nothing behind. Warnings always reach
the terminal (standard error), whatever happens to the result
(docs/clinical-safety.md, H-WARNING-UNSEEN).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Optional

import click

from recommender.core.errors import BackplanError, ExitCode
from recommender.core.typed import escaped, quoted

if TYPE_CHECKING:  # annotations only: the commands that need no rules start sooner
    from recommender.pipeline.triage import Triage

#: Paths the shell hands over for its own streams: links, but links to follow.
_STREAM_LINKS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/")
#: Errors that are the person's to fix (a wrong path), not the machine's.
_BAD_PATH = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EROFS}


class OutputError(BackplanError):
    """The output could not be written; the message names the file and the reason."""


class EnvironmentFailure(OutputError):
    """The machine failed us (a full disk, an I/O error): not the person's doing."""

    exit_code = ExitCode.INTERNAL


def color_wanted(output: Optional[str]) -> bool:
    """Colour only on a terminal, and never with NO_COLOR (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or output:
        return False
    return sys.stdout.isatty()


def emit(text: str, output: Optional[str] = None, private: bool = False) -> None:
    """Print `text`, or write it into `output` whole (see the module's notes)."""
    if not output or output == "-":
        click.echo(text, nl=False, color=color_wanted(output))
        return
    with open_output(output, private) as stream:
        stream.write(text.encode("utf-8"))


@contextmanager
def open_output(output: str, private: bool = False) -> Iterator[BinaryIO]:
    """A binary stream into `output`, committed when the block ends without error.

    For a regular file the stream is a temporary file beside it, renamed over it at
    the end (and removed if anything fails); for a device or a FIFO it is the target
    itself.
    """
    target = Path(output)
    info = _inspect(target, output)
    through = _is_stream_link(target)
    if through or (info is not None and not stat.S_ISREG(info.st_mode)):
        with _failures(output):
            stream: BinaryIO = open(target, "ab" if through else "wb", buffering=0)  # noqa: SIM115
        try:
            yield stream
        except OSError as exc:
            raise _failure(output, exc) from None
        finally:
            _quietly_close(stream)
        return
    # lazy: off the path of `backplan --help` (its start-up)
    import tempfile

    folder = target.parent
    _clear_stale_temporary_files(target)
    with _failures(output):
        fd, temp = tempfile.mkstemp(dir=folder, prefix=_temporary_prefix(target), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
        mode = stat.S_IMODE(info.st_mode) if info is not None else _new_file_mode(private)
        os.chmod(temp, mode)
        if info is not None and hasattr(os, "chown"):
            try:  # root writing someone's file leaves it theirs
                os.chown(temp, info.st_uid, info.st_gid)
            except OSError:
                pass
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise _failure(output, exc) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _temporary_prefix(target: Path, pid: Optional[int] = None) -> str:
    """The name of `target`'s temporary file up to its random part; it carries the
    writer's process id, so that a later run can tell whether its writer still lives."""
    return f".{target.name}.{os.getpid() if pid is None else pid}."


def _clear_stale_temporary_files(target: Path) -> None:
    """Remove the temporary files an earlier run killed before it finished (SIGKILL,
    the out-of-memory killer) left beside `target`, saying so; name those it cannot
    judge (made by an older backplan, with no process id)."""
    pattern = re.compile(re.escape(f".{target.name}.") + r"(?:([0-9]+)\.)?[^.]+\.tmp")
    try:
        found = [p for p in target.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return
    for path in found:
        match = pattern.fullmatch(path.name)
        pid = int(match.group(1)) if match and match.group(1) else None
        shown = escaped(str(path))
        if pid is None:
            say(
                f"backplan: note: {shown} looks like a partial result left by an earlier "
                "run; delete it if nothing is writing it"
            )
        elif pid != os.getpid() and not _alive(pid):
            try:
                path.unlink()
            except OSError:
                continue
            say(
                f"backplan: removed {shown}, a partial result left by an earlier run that "
                "was stopped before it finished"
            )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def is_file_target(output: Optional[str]) -> bool:
    """Whether `output` names a file to write (or to create), not standard output or a
    stream the shell handed over."""
    if not output or output == "-" or str(output).startswith(_STREAM_LINKS):
        return False
    try:
        return stat.S_ISREG(os.stat(output).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def emit_with_folder(
    text: str, output: str, folder: str, files: dict[str, str], private: bool = False
) -> None:
    """Write `text` to the file `output` and `files` into `folder` beside it (a Markdown
    plan and its figures), all or nothing: everything is written to temporary names in
    the same folder first, then put in place, the folder before the file; if anything
    fails, what was there before stays as it was."""
    # lazy: off the path of `backplan --help` (its start-up)
    import tempfile

    target = Path(output)
    _inspect(target, output)  # refuses a link, a folder or a read-only file up front
    place = target.parent / folder
    _check_folder(place, output)
    mode = _new_file_mode(private)
    with _failures(output):
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{folder}."))
    old: Optional[Path] = None
    try:
        try:
            for name, body in sorted(files.items()):
                path = staging / name
                path.write_text(body, encoding="utf-8")
                os.chmod(path, mode)
            os.chmod(staging, _new_folder_mode(private))
        except OSError as exc:
            raise _failure(output, exc) from None
        try:
            if place.exists():
                old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{folder}.old."))
                os.rmdir(old)
                os.rename(place, old)
            os.rename(staging, place)
            staging = None  # type: ignore[assignment]
            with open_output(output, private) as stream:
                stream.write(text.encode("utf-8"))
        except BaseException as exc:
            # Put back what was there: the old folder, and no half-made new one.
            if staging is None and place.exists():
                shutil.rmtree(place, ignore_errors=True)
            if old is not None and old.exists():
                os.rename(old, place)
                old = None
            if isinstance(exc, OSError):
                raise _failure(output, exc) from None
            raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _check_folder(place: Path, output: str) -> None:
    """The figures' folder may be replaced only when it is ours: a real folder (not a
    link) that holds nothing but figures."""
    try:
        found = os.lstat(place)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _failure(output, exc) from None
    if not stat.S_ISDIR(found.st_mode):
        raise OutputError(
            f"{output}: its figures go in {str(place)!r}, which is not a folder; it was "
            "left as it is"
        )
    others = [p.name for p in place.iterdir() if not (p.is_file() and p.suffix == ".svg")]
    if others:
        raise OutputError(
            f"{output}: its figures go in {str(place)!r}, which holds other things "
            f"({', '.join(sorted(others)[:3])}); it was left as it is"
        )


def refuse_same_file(source: str, output: Optional[str]) -> None:
    """Refuse to write over the file being read (`batch X -o X`), before anything is
    truncated: compared by device and inode, so other names for it are caught too."""
    if not output or output == "-":
        return
    try:
        if source == "-":  # standard input may be the file itself (`< X -o X`)
            reading, writing = os.fstat(0), os.stat(output)
            same = stat.S_ISREG(reading.st_mode) and (reading.st_dev, reading.st_ino) == (
                writing.st_dev,
                writing.st_ino,
            )
        else:
            same = os.path.samefile(source, output)
    except OSError:
        return  # the output does not exist yet (or the input does not: reported later)
    if same:
        raise OutputError(f"{output}: is the input file; writing there would destroy it")


def _is_stream_link(target: Path) -> bool:
    """One of the shell's own stream links (/dev/stdout, /dev/fd/N, ...)."""
    if not str(target).startswith(_STREAM_LINKS):
        return False
    try:
        return stat.S_ISLNK(os.lstat(target).st_mode)
    except OSError:
        return False


def _inspect(target: Path, output: str) -> Optional[os.stat_result]:
    """What `target` is now (None: nothing yet), refusing what must not be written."""
    try:
        link = os.lstat(target)
    except FileNotFoundError:
        if not target.parent.is_dir():
            folder = str(target.parent)
            raise OutputError(f"{output}: the folder {quoted(folder)} does not exist") from None
        return None
    except OSError as exc:
        raise _failure(output, exc) from None
    if stat.S_ISLNK(link.st_mode):
        if not str(target).startswith(_STREAM_LINKS):
            raise OutputError(
                f"{output}: is a symbolic link; give the file it points to, so that "
                "backplan never writes somewhere you did not name"
            )
        try:
            link = os.stat(target)
        except OSError as exc:
            raise _failure(output, exc) from None
    if stat.S_ISDIR(link.st_mode):
        raise OutputError(f"{output}: is a folder; give a file name")
    if stat.S_ISREG(link.st_mode) and not (link.st_mode & 0o222 and os.access(target, os.W_OK)):
        raise OutputError(f"{output}: is read-only; it was left as it is")
    return link


def _new_folder_mode(private: bool) -> int:
    if private:
        return 0o700
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _new_file_mode(private: bool) -> int:
    if private:
        return 0o600
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def _failures(output: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise _failure(output, exc) from None


def _failure(output: str, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    if exc.errno in _BAD_PATH:
        return OutputError(f"could not write {output}: {reason}")
    return EnvironmentFailure(f"could not write {output}: {reason}")


def _quietly_close(stream: BinaryIO) -> None:
    try:
        stream.close()
    except OSError:
        pass


#: The narrowest and widest terminal that text is wrapped to; 78 off a terminal.
NARROWEST, WIDEST, OFF_TERMINAL = 40, 100, 78


def terminal_width(err: bool = False) -> int:
    """The width to wrap text to: the terminal's own (read afresh each time, so that a
    window resized during the intake is followed), between 40 and 100 columns; 78 in a
    file or a pipe, so that the same answers always give the same bytes there."""
    stream = sys.stderr if err else sys.stdout
    try:
        if not stream.isatty():
            return OFF_TERMINAL
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):  # no real file behind the stream
        return OFF_TERMINAL
    return max(NARROWEST, min(WIDEST, columns or OFF_TERMINAL))


def say(text: str) -> None:
    """A line of conversation or news for the person: always on standard error."""
    click.echo(text, err=True)


def show_in_place(text: str) -> None:
    """A line that replaces the one before on a terminal (a countdown)."""
    click.echo(f"\r\x1b[K{text}", err=True, nl=False)


def warn_beside(found: Triage, fmt: str, output: Optional[str], always: bool = False) -> None:
    """Show the warning on the terminal (stderr) when the result itself goes elsewhere.

    When the result is text on stdout the person reads the warning there; in a file, a
    machine format or a pipe they might never see it. `plan` does this at urgent and
    emergency; the intake, where a person is waiting at the terminal for their answer,
    at every level (`always`).
    """
    if not (always or found.withholds_plan):
        return
    if fmt == "text" and not output and sys.stdout.isatty():
        return  # the person is reading the warning on stdout already
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.render.text import render_warning

    warning = render_warning(found, color=color_wanted(None), width=terminal_width(err=True))
    click.echo(warning, err=True, nl=False)
