"""Work done in a second process that is a fork of this one.

A fork shares the night's data with this process copy-on-write: nothing is pickled over, and nothing has to be
imported again. What the work returns is pickled back through a temporary file. If it fails in any way —
an exception, a signal, the out-of-memory killer — :meth:`Forked.result` raises :class:`ForkFailed` and the
caller does the work itself: a night is never lost to the second core. Only a process with no other threads is
forked (a thread holding a lock at the moment of the fork would leave it held for ever in the copy).
"""
from __future__ import annotations

import os
import pickle
import signal
import struct
import tempfile
import threading
from typing import Callable, Iterable, Iterator


class ForkFailed(Exception):
    """The second process did not hand back its result."""


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def _fork(work: Callable[[int], None]) -> tuple[int, int]:
    """(pid, the read end of a pipe) of a forked process running ``work(write end)``, then exiting."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the second process: never returns into the caller's code
        status = 1
        try:
            os.close(read_end)
            from .record.lock import die_with_parent

            die_with_parent(parent)
            work(write_end)
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of output buffers copied from this process
    os.close(write_end)
    return pid, read_end


class Forked:
    """``work()`` running in a forked process from the moment this object is made. What it returns is written
    to a temporary file, not a pipe: the process ends as soon as its work is done and gives its memory back,
    without waiting for this one to take the result."""

    def __init__(self, work: Callable[[], object]):
        def send(fd: int) -> None:
            result = work()
            assert self._file is not None
            with os.fdopen(os.dup(self._file.fileno()), "wb") as out:  # pickled straight into the file: the
                pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)  # pickle is never whole in memory
            os.close(fd)

        self.pid, self._read_end = 0, -1
        self._file = None
        self._status: int | None = None  # its exit status, once finished() has seen it end
        try:
            self._file = tempfile.TemporaryFile(prefix="wuye-")
            self.pid, self._read_end = _fork(send)
        except OSError:  # no room for a temporary file, or no second process to be had: the caller does the work
            if self._file is not None:
                self._file.close()

    def finished(self) -> bool:
        """Whether the process has ended (its result is ready, or it failed), without waiting for it."""
        if not self.pid or self._status is not None:
            return True
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except OSError:  # (not ours to wait for any more: result() says so)
            return True
        if pid:
            self._status = status
        return bool(pid)

    def result(self):
        """What ``work()`` returned; raises :class:`ForkFailed` if the process failed (or never started)."""
        if not self.pid:
            raise ForkFailed("未能启动第二个进程")
        os.close(self._read_end)
        self._read_end = -1
        status = self._status if self._status is not None else os.waitpid(self.pid, 0)[1]
        assert self._file is not None
        with self._file as fh:
            if status != 0 or not fh.seek(0, os.SEEK_END):
                raise ForkFailed(f"进程 {self.pid} 未完成（状态 {status}）")
            fh.seek(0)
            try:
                return pickle.load(fh)  # read as it is unpickled, not whole first
            except Exception as exc:
                raise ForkFailed(str(exc)) from exc

    def kill(self) -> None:
        """Stop the process and wait for it (when the caller's own work has failed)."""
        if self._read_end == -1:
            return
        if self._status is None:  # (once it has been waited for, its number may be another process's)
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        os.close(self._read_end)
        self._read_end = -1
        if self._file is not None:
            self._file.close()


class ForkedItems:
    """The items of ``produce()`` made in a forked process and handed over one by one as they are ready, so the
    caller can use the first while the next are being made. :meth:`next` returns None once the process has
    failed (the caller then does the rest itself); :meth:`close` stops and reaps it."""

    def __init__(self, produce: Callable[[], Iterable[object]]):
        def send(fd: int) -> None:
            with os.fdopen(fd, "wb") as out:
                for item in produce():
                    data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
                    out.write(struct.pack("<Q", len(data)) + data)
                    out.flush()

        self.pid, fd = _fork(send)
        self._in = os.fdopen(fd, "rb")
        self._failed = False

    def next(self) -> object | None:
        if self._failed:
            return None
        head = self._in.read(8)
        if len(head) == 8:
            size = struct.unpack("<Q", head)[0]
            data = self._in.read(size)
            try:
                if len(data) == size:
                    return pickle.loads(data)
            except Exception:
                pass
        self._failed = True  # the process ended (or broke off) before handing this item over
        return None

    def __iter__(self) -> Iterator[object]:
        while (item := self.next()) is not None:
            yield item

    def forget(self) -> None:
        """In a process forked from the caller after this one started: let go of the pipe, leave the process be."""
        self._in.close()

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        self._in.close()
