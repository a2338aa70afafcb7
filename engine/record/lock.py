"""One run at a time per output folder: an exclusive lock on the folder itself.

The lock is an ``flock`` on the open output folder, so the operating system
releases it when the process ends, however it ends (a kill -9 leaves no stale
lock), and it leaves no file behind. A
second run waits a little, then stops with a message (exit 2) rather than
numbering notices from a register the first run is about to change.

While this process holds the lock, :func:`held` says so: the register only
recovers an interrupted run's numbers under the lock (see
:meth:`engine.record.register.Register.load`).
"""
from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import OutputBusy, OutputFolderError

WAIT_SECONDS = float(os.environ.get("WUYE_LOCK_WAIT", "5"))  # how long a second run waits before it stops

_held: dict[Path, int] = {}  # resolved output folder → depth (the lock is re-entrant within one process)


def held(out: Path) -> bool:
    """True while this process holds the lock on ``out``."""
    return _key(out) in _held


def _key(out: Path) -> Path:
    return Path(os.path.abspath(out))


def output_error(out: Path, exc: OSError, doing: str = "写入") -> OutputFolderError:
    """A Chinese message for an OSError met while writing the output folder."""
    reasons: dict[int | None, str] = {
        errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EROFS: "文件系统只读",
        errno.EACCES: "没有写入权限（或文件系统只读）", errno.EPERM: "没有写入权限", errno.ENAMETOOLONG: "文件名过长",
        errno.ENOTDIR: "路径中有同名文件而不是文件夹", errno.EEXIST: "路径中有同名文件而不是文件夹",
        errno.EIO: "磁盘读写错误",
    }
    reason = reasons.get(exc.errno, exc.strerror or exc.__class__.__name__)
    return OutputFolderError(f"无法{doing}输出文件夹 {out}：{reason}")


@contextmanager
def output_lock(out: Path, wait: float = WAIT_SECONDS) -> Iterator[Path]:
    """Hold the output folder's lock for the block; raise OutputBusy if another run keeps it for ``wait`` s."""
    out = Path(out)
    key = _key(out)
    if key in _held:  # already ours (a nested call in this process)
        _held[key] += 1
        try:
            yield out
        finally:
            _held[key] -= 1
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise output_error(out, exc, "创建") from None
    if not os.access(out, os.W_OK):  # a read-only folder or file system: say so before the night's work
        os.close(fd)
        raise output_error(out, OSError(errno.EACCES, "no write access", str(out)))
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputBusy(f"另一个检查正在向同一输出文件夹写入（{out}），本次未运行，未发出任何编号") from None
                time.sleep(0.1)
        _held[key] = 1
        try:
            yield out
        finally:
            del _held[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def die_with_parent(parent_pid: int) -> None:
    """For worker processes (``ProcessPoolExecutor(initializer=die_with_parent, initargs=(os.getpid(),))``):
    on Linux the worker is killed when the run that started it dies, so a killed night leaves no orphans."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return  # not Linux: the pool's own shutdown is all there is
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)
