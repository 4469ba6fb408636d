"""Every file callsheet writes besides the database: owner-only, whole or not at all.

A consultant's client history is personal data, so what callsheet writes (exports, fact
sheets, backups, the copy kept aside by a restore) is created with mode 0600, and any
folder callsheet creates for it with mode 0700, whatever the umask. Files are written next
to their target and renamed into place, so an interrupted write never leaves half a file.

A special file named as the target is never replaced (``-o /dev/null``, a FIFO, a link to
``/dev/stdout``): a FIFO or a character device is opened and written to, anything else that
is not a regular file is refused; a symbolic link is followed, so the file it points to is
written and the link stays.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TextIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` and any missing parents as 0700 folders; existing ones are left as they are."""
    path = Path(path).expanduser()
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        with suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=DIR_MODE)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def create_private_file(path: str | os.PathLike) -> Path:
    """Create an empty 0600 file at ``path`` (it must not exist), in 0700 folders if new.

    The folder is synced after the file is made: SQLite syncs the folder of a WAL it creates
    but not of a database file someone else created, and without that a power cut can take
    a new database (and everything acknowledged in it) away with its folder entry.
    """
    path = Path(path).expanduser()
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    sync_folder(path.parent)
    return path


def _special_target(path: Path) -> int | None:
    """An open descriptor for writing when ``path`` is a FIFO or a character device (followed
    through links, /dev/stdout included); None when it is missing or a regular file. Raises
    OSError naming the path for anything else (a block device, a socket)."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        raise OSError(errno.EINVAL, "not a regular file, FIFO or terminal: refused", str(path))
    # O_NONBLOCK: a FIFO with no reader fails at once (ENXIO) instead of waiting forever
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "a FIFO with nothing reading it", str(path)) from None
        raise type(error)(error.errno, error.strerror, str(path)) from None
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)  # then write as to any stream
    return fd


@contextmanager
def private_text_file(path: str | os.PathLike) -> Iterator[TextIO]:
    """Write a text file readable by its owner only; it appears complete, or not at all.

    A FIFO or a character device is written to in place (it has no "complete" state to
    wait for, and replacing it would break whatever reads it); a link is followed."""
    target = Path(path).expanduser()
    if not str(path).strip():
        raise FileNotFoundError(errno.ENOENT, "no file name given", str(path))
    if not target.name or target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    special = _special_target(target)
    if special is not None:
        with os.fdopen(special, "w", encoding="utf-8", newline="") as stream:
            yield stream
        return
    if target.is_symlink():  # write the file it points to; the link stays a link
        target = Path(os.path.realpath(target))
    private_dir(target.parent)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except OSError as error:  # name the file the person asked for, not our partial
        raise type(error)(error.errno, error.strerror, str(target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, target)
        os.chmod(target, FILE_MODE)
    finally:
        partial.unlink(missing_ok=True)


def default_folder() -> Path:
    # deferred: slow to import, and only this path needs it
    import platformdirs

    return Path(platformdirs.user_data_dir("callsheet")) / "fact-sheets"


def slug_of(client: Any) -> str:
    """The file-name stem of a client's fact sheets (``forget`` removes them by it)."""
    return re.sub(r"[^\w-]+", "-", client.name.casefold()).strip("-") or f"client-{client.id}"


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that the names of files created in it survive a power cut."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # a platform (or file system) where folders cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the data's own sync still stands
    finally:
        os.close(fd)
