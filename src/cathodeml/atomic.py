"""Writing files so that an error, a crash or a ``kill -9`` never leaves a half-written one.

Every file cathodeml writes goes first to a hidden temporary file in the target's own folder
(the same file system, so the final rename is atomic) and is renamed over the target only once
it is complete and flushed to disk: an existing output stays as it was until its replacement is
whole, and an interrupted write leaves at most a hidden ``.NAME.XXXX.tmp…`` file beside it.
A directory (a model) is staged the same way and swapped in with one atomic exchange
(``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames, a window of microseconds).

Outputs are also checked against the inputs *by identity* (device and inode), so a hard link, a
symlink or ``./x`` for ``x`` cannot make a command truncate the file it is reading.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cathodeml.errors import OutputIsInputError


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when ``a`` and ``b`` are one file (hard link, symlink, ``./x`` vs ``x`` included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return Path(a).resolve() == Path(b).resolve()


def check_not_input(output: str | Path, *inputs: str | Path | None) -> None:
    """Refuse an output that is one of the inputs: a user's file is only ever read."""
    for p in inputs:
        if p is not None and same_file(output, p):
            raise OutputIsInputError(f"{output}: refusing to overwrite the input file {p}; choose another output")


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask would, briefly, for every thread)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path, default: int) -> int:
    """Keep the permissions of the file being replaced; a new one gets what ``open`` would give."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return default & ~_umask()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds it becomes ``path``.

    The temporary name keeps the target's suffix (``.csv``, ``.gz``, ``.png``), so writers that
    infer a format or a compression from it behave as for the target. On any error the temporary
    file is removed and ``path`` is left exactly as it was.
    """
    path = Path(path)
    if os.path.exists(path) and (not os.access(path, os.W_OK) or not os.stat(path).st_mode & 0o222):
        # a rename would bypass the protection (even root's: no write bit at all means "keep")
        raise PermissionError(f"{path}: the file is read-only; refusing to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        os.chmod(tmp, _mode_for(path, 0o666))
        os.replace(tmp, path)
        _fsync(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; return ``path``."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_csv(frame: Any, path: str | Path, **to_csv: Any) -> Path:
    """``frame.to_csv(path, **to_csv)``, atomically; return ``path``."""
    with replacing(path) as tmp:
        frame.to_csv(tmp, **to_csv)
    return Path(path)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directory entries in one step (Linux ``renameat2``); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system or kernel cannot
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextmanager
def staged_dir(target: str | Path) -> Iterator[Path]:
    """Yield an empty hidden folder beside ``target``; when the block succeeds it becomes ``target``.

    An existing ``target`` is exchanged with the staged folder in one step and then deleted, so at
    every instant ``target`` is either the old folder or the new one, each complete.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        for f in tmp.rglob("*"):
            if f.is_file():
                _fsync(f)
        os.chmod(tmp, _mode_for(target, 0o777))
        if not os.path.lexists(target):
            os.rename(tmp, target)
        elif _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # now the old folder
        else:
            old = tmp.with_name(tmp.name + ".old")
            os.rename(target, old)
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        _fsync(target.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
