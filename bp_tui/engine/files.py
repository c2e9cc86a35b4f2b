"""Reading and writing the user's files safely: regular files only, bounded, atomic.

Every file bp-tui reads (a scenario, a CSV, a weights file) or writes (an
export, a screenshot) goes through here, so that:

- a FIFO, a device (``/dev/zero``) or a folder given as a file is refused at
  once, never read from: opening a FIFO would block forever and a device may
  never end.  The path is checked with ``stat`` before it is opened, opened
  with ``O_NONBLOCK`` (a FIFO swapped in between cannot block), then checked
  again on the open descriptor;
- a read is bounded: the size is checked before anything is read;
- a path with a NUL byte or longer than the system allows is a clear error,
  not Python's ValueError or a traceback;
- a write goes to a temporary file in the same folder, then is renamed over
  the target in one step: the target is the old file or the new one, never
  half of each.  A symbolic link at the target is never followed (it could
  be planted in a shared folder to redirect the write), and a target that is
  not a regular file (a FIFO, ``/dev/null``) is never replaced.

Problems raise ``FileProblem`` whose message is the WHAT of a one-line
error; callers add the path and field (``ScenarioError``, ``ExportError``).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from typing import BinaryIO

#: A path longer than this is refused before any system call (Linux PATH_MAX).
MAX_PATH = 4096


class FileProblem(Exception):
    """Why a file cannot be read or written, as the WHAT of a one-line error."""


_WHY = {
    errno.ENOENT: "no such file", errno.ENOTDIR: "part of the path is not a folder",
    errno.EACCES: "permission denied", errno.EPERM: "permission denied",
    errno.EISDIR: "is a folder", errno.ENOSPC: "no space left on the device",
    errno.EROFS: "read-only file system", errno.EDQUOT: "disk quota exceeded",
    errno.ENAMETOOLONG: "the path is too long", errno.ELOOP: "too many symbolic links",
}


def why(exc: OSError, missing: str = "no such file") -> str:
    """An OSError in a few words (``no such file``, ``permission denied``...)."""
    if exc.errno == errno.ENOENT:
        return missing
    return _WHY.get(exc.errno or 0) or (exc.strerror or str(exc) or type(exc).__name__)


def check_path(path) -> str:
    """``path`` as a string, or FileProblem if no system call could take it."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if "\0" in text:
        raise FileProblem("the path contains a NUL byte")
    if not text:
        raise FileProblem("empty path")
    if len(text.encode("utf-8", "surrogateescape")) > MAX_PATH:
        raise FileProblem(f"the path is too long (over {MAX_PATH} bytes)")
    return text


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def _regular(mode: int, size: int, limit: int | None) -> None:
    if stat.S_ISDIR(mode):
        raise FileProblem("is a folder")
    if not stat.S_ISREG(mode):
        what = kind(mode)
        raise FileProblem(f"is {what}, not a regular file" if what.startswith("a ") else what)
    if limit is not None and size > limit:
        raise FileProblem(f"too large ({_mib(size)}; the limit is {_mib(limit)})")


def _mib(n: int) -> str:
    return f"{n / 1024**2:.0f} MiB" if n >= 1024**2 else f"{n} bytes"


def open_regular(path, limit: int | None = None) -> BinaryIO:
    """A regular file opened for reading in binary, at most ``limit`` bytes big."""
    text = check_path(path)
    try:
        info = os.stat(text)
        _regular(info.st_mode, info.st_size, limit)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(text, flags)
    except OSError as exc:
        raise FileProblem(why(exc)) from None
    try:
        info = os.fstat(fd)  # what was opened, not what was there a moment before
        _regular(info.st_mode, info.st_size, limit)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes."""
    handle = open_regular(path, limit)
    try:
        with handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileProblem(f"cannot read: {why(exc)}") from None
    if len(data) > limit:  # grew while being read
        raise FileProblem(f"too large (over {_mib(limit)})")
    return data


# ------------------------------------------------------------------ writing
def check_target(path) -> tuple[str, str]:
    """``(target, folder)`` for a write to ``path``, or FileProblem.

    The final component is looked at with ``lstat``: a symbolic link there is
    refused (not followed), as is anything but a regular file.
    """
    target = os.path.abspath(check_path(path))
    folder = os.path.dirname(target)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise FileProblem(why(exc, "no such folder")) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        what = kind(info.st_mode)
        if stat.S_ISLNK(info.st_mode):
            raise FileProblem("is a symbolic link (not followed: give the path it points to)")
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem("is a folder")
        raise FileProblem(f"is {what}: only regular files are replaced")
    if not os.path.isdir(folder):
        raise FileProblem("part of the path is not a folder" if os.path.exists(folder) else "no such folder")
    return target, folder


def atomic_write(path, write: Callable, binary: bool = False) -> None:
    """Write through ``write(handle)`` to a temporary file, then rename it over ``path``.

    Text is UTF-8 with ``\\n`` line ends.  On any failure the target is left
    as it was and the temporary file is removed; an OSError becomes
    FileProblem, anything else (a bug) is raised as it is.
    """
    target, folder = check_target(path)
    try:
        fd, temp = _create_temp(folder, os.path.basename(target))
    except OSError as exc:
        raise FileProblem(why(exc, "no such folder")) from None
    try:
        handle = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(target, temp)
        os.replace(temp, target)  # a rename never follows a symlink at the target
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise FileProblem(why(exc, "no such folder")) from None
        raise
    _sync_folder(folder)


def _create_temp(folder: str, name: str) -> tuple[int, str]:
    """A new file next to the target, created with the usual permissions
    (0666 less the umask, as ``open`` would), hidden by a leading dot."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    name = name[:200]  # the temporary name must fit the folder's name limit too
    for _ in range(100):
        temp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.tmp")  # not `secrets`: 25 ms to import
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "could not create a temporary file")


def _keep_mode(target: str, temp: str) -> None:
    """Replacing a file keeps its permissions."""
    try:
        os.chmod(temp, stat.S_IMODE(os.lstat(target).st_mode))
    except OSError:
        pass


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
