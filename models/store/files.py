"""Every file callsheet writes besides the database: owner-only, whole or not at all.

A consultant's client history is personal data, so what callsheet writes (exports, fact
sheets, backups, the copy kept aside by a restore) is created with mode 0600, and any
folder callsheet creates for it with mode 0700, whatever the umask. Files are written next
to their target and renamed into place, so an interrupted write never leaves half a file.
"""

from __future__ import annotations

import errno
import os
import re
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
    """Create an empty 0600 file at ``path`` (it must not exist), in 0700 folders if new."""
    path = Path(path).expanduser()
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    return path


@contextmanager
def private_text_file(path: str | os.PathLike) -> Iterator[TextIO]:
    """Write a text file readable by its owner only; it appears complete, or not at all."""
    target = Path(path).expanduser()
    if not str(path).strip():
        raise FileNotFoundError(errno.ENOENT, "no file name given", str(path))
    if not target.name or target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
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
