"""Checks on the files the command line is given to read, and writing its output files.

:func:`check_input` refuses, before anything is read, a path that is not a regular file: a
device such as ``/dev/zero`` (which never ends), a FIFO (which would wait for a writer), a
directory, or a file behind a folder that cannot be entered.  :func:`write_output` writes
a file atomically in place of a regular file only: never through a symbolic link, never over
a directory, FIFO or device node; an existing file keeps its mode and is replaced only when
asked; a new one gets the mode the umask gives.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from .errors import FormatError, InputError

__all__ = ["check_input", "check_output", "write_output"]


def _kind(mode: int) -> str:
    """Return what a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def check_input(path: str | Path) -> os.stat_result:
    """Raise :class:`FormatError` naming ``path`` unless it is a regular file we may read.

    Symbolic links are followed (a link to a ballot file is a ballot file); what they lead
    to must be regular.  Return its status (the readers take its size from it).  The one
    check for every input: the command line's and the readers' (``tellers.read``).
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FormatError("no such file", path=path) from None
    except OSError as e:
        raise FormatError(f"cannot read: {e.strerror or e}", path=path) from None
    if stat.S_ISDIR(st.st_mode):
        raise FormatError("is a directory, not a file", path=path)
    if not stat.S_ISREG(st.st_mode):
        raise FormatError(f"not a regular file ({_kind(st.st_mode)}); give a file", path=path)
    if not os.access(path, os.R_OK):
        raise FormatError("cannot read: Permission denied", path=path)
    return st


def check_output(path: str | Path, *, force: bool = False) -> int | None:
    """Raise :class:`InputError` unless ``path`` may be written as :func:`write_output` does.

    Return the permission bits of the file it would replace (None for a new file).  Called
    before a long job as well, so a refusal comes before the work, not after it.
    """
    p = Path(path)
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise InputError(f"cannot write {p}: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"cannot write {p}: it is a directory; name a file inside it")
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"cannot write {p}: it is a symbolic link; name the file it points to")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"cannot write {p}: not a regular file ({_kind(st.st_mode)})")
    if not force:
        raise InputError(f"{p} already exists; pass --force to replace it")
    return stat.S_IMODE(st.st_mode)


def write_output(path: str | Path, data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; raise :class:`InputError` if it may not.

    The data goes to a temporary file beside ``path`` that is renamed over it, so a failure
    leaves nothing half-written.  ``path`` must be a regular file or not exist: a directory,
    symbolic link, FIFO, socket or device node is refused, and an existing file is replaced
    only with ``force`` (it keeps its permission bits).  Missing parent folders are made.
    """
    p = Path(path)
    mode = check_output(p, force=force)
    body = data.encode("utf-8") if isinstance(data, str) else data
    tmp = p.parent / f".{p.name}.{secrets.token_hex(6)}.tmp"
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        # 0o666 less the umask, as any new file; an existing file's own bits instead.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    except OSError as e:
        raise InputError(f"cannot write {p}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.fchmod(f.fileno(), mode)
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException as e:
        tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise InputError(f"cannot write {p}: {e.strerror or e}") from None
        raise
