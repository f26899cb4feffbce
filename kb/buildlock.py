"""One build at a time per knowledge base folder.

The lock is ``INDEX/build.lock``, holding the builder's pid, locked with ``flock``: the
operating system releases it when the process ends however it ends (SIGKILL, out of memory),
so a lock left by a dead build is simply taken over.  Where ``flock`` is missing, the file is
created exclusively and a lock whose pid is not alive is taken over.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from kb.errors import Busy

try:
    import fcntl
except ImportError:         # not POSIX
    fcntl = None

LOCK_NAME = "build.lock"
POLL = 0.2                  # seconds between tries when waiting without flock


def alive(pid: int) -> bool:
    """Whether a process of that pid exists."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # exists, someone else's
        return True
    except OSError:
        return False
    return True


def holder(index_dir: str | os.PathLike) -> int | None:
    """The pid written in the lock file (the last build's, maybe not running), or None."""
    try:
        text = (Path(index_dir) / LOCK_NAME).read_text().strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


@contextmanager
def build_lock(index_dir: str | os.PathLike, wait: bool = False,
               waiting: Callable[[int | None], None] | None = None):
    """Hold the build lock of ``index_dir`` for the ``with`` block.  Raises Busy when another
    build holds it, or with ``wait`` waits for it (``waiting(pid)`` is called once first)."""
    path = Path(index_dir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        with _pidfile_lock(path, index_dir, wait, waiting):
            yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = holder(index_dir)
            if not wait:
                raise Busy(pid, str(index_dir)) from None
            if waiting:
                waiting(pid)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)        # releases the lock; the file stays (removing it would race a waiter)


@contextmanager
def _pidfile_lock(path: Path, index_dir, wait: bool, waiting):
    told = False
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            pid = holder(index_dir)
            if pid is None or not alive(pid):
                path.unlink(missing_ok=True)       # a dead build's lock: take it over
                continue
            if not wait:
                raise Busy(pid, str(index_dir)) from None
            if waiting and not told:
                waiting(pid)
                told = True
            time.sleep(POLL)
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        path.unlink(missing_ok=True)


def stale_temporaries(index_dir: str | os.PathLike) -> list[Path]:
    """Temporary files (``*.tmp-<pid>``) left in ``index_dir`` by builds that are not running."""
    out = []
    for p in Path(index_dir).glob("*.tmp-*"):
        pid = p.name.rsplit(".tmp-", 1)[1]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            out.append(p)
    return out
