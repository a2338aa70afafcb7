"""Run independent output jobs side by side on the machine's cores.

Where the operating system can fork (Linux, macOS), each extra job runs in a
forked child that inherits the night's data, and sends its (small) result
back through a pipe; an error in a child is raised in the parent with the
child's traceback. Elsewhere the jobs simply run one after another.
"""
from __future__ import annotations

import os
import pickle
import signal
import traceback
from typing import Any, Callable


def run_jobs(jobs: list[Callable[[], Any]]) -> list[Any]:
    if len(jobs) < 2 or not hasattr(os, "fork"):
        return [job() for job in jobs]
    children: list[tuple[int, int]] = []
    try:
        for job in jobs[1:]:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # child: run the job, report, leave without running the parent's cleanup
                os.close(read_fd)
                try:
                    payload = pickle.dumps(("ok", job()))
                except BaseException:  # noqa: BLE001 - everything goes back to the parent
                    payload = pickle.dumps(("error", traceback.format_exc()))
                with os.fdopen(write_fd, "wb") as fh:
                    fh.write(payload)
                os._exit(0)
            os.close(write_fd)
            children.append((pid, read_fd))
        results = [jobs[0]()]
        while children:
            pid, read_fd = children.pop(0)
            with os.fdopen(read_fd, "rb") as fh:
                data = fh.read()
            os.waitpid(pid, 0)
            status, value = pickle.loads(data) if data else ("error", "子进程意外退出")
            if status == "error":
                raise RuntimeError(f"并行生成输出时出错:\n{value}")
            results.append(value)
        return results
    finally:
        for pid, read_fd in children:  # the parent failed: stop and reap the children
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            os.close(read_fd)
