"""Worker processes that typeset the PDF's pieces side by side.

Why not `multiprocessing.Pool`: each of its workers would import WeasyPrint itself
(half a second of CPU each), and it cannot start before the pieces exist. Here one
process is forked as soon as a build knows it will write a PDF, imports WeasyPrint
while the register is still being read and checked, and then forks its siblings,
which start with WeasyPrint already loaded. Jobs and results go through files in a
private temporary folder, so the parent never blocks on a full pipe while it writes
the other formats; the pipes carry only short messages.

`run([(job, text), ...])` writes one file per text and tells every worker; each worker takes
the next file nobody has taken (an atomic rename decides), so a worker that finishes
early takes more, with no scheduler in the parent. A worker runs `jobs[job](text)` and
answers with its (picklable) result or the error's text. If the parent goes away, a
worker's pipe closes and it exits.
"""

from __future__ import annotations

import errno
import gc
import os
import pickle
import signal
import tempfile
import traceback
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection, Pipe, wait
from pathlib import Path

from ...diagnostics import ReportgenError


class WorkerError(ReportgenError):
    """The PDF could not be typeset: one line (a worker's last traceback line, when it failed
    unexpectedly, with the whole traceback as `details`)."""

    def __init__(self, answer: str):
        lines = answer.strip().splitlines() or ["a PDF typesetting process failed"]
        super().__init__(lines[-1])
        self.details = answer if len(lines) > 1 else None


def _cannot_write(folder: str, exc: OSError) -> str:
    """One line for a temporary file that could not be written (TMPDIR full, say)."""
    why = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why += "; set TMPDIR to a folder with room"
    return f"cannot write the PDF's temporary files in {folder}: {why}"


class Workers:
    """`n` forked workers, ready after `prepare()` has run in the first (before the others fork)."""

    def __init__(self, n: int, prepare: Callable[[], None], jobs: Mapping[str, Callable[[str], object]]):
        self.dir: tempfile.TemporaryDirectory[str] | None = tempfile.TemporaryDirectory(prefix="reportgen-pdf-")
        self.conns: list[Connection] = []
        ends = [Pipe() for _ in range(n)]
        self.pid = os.fork()
        if self.pid == 0:  # the first worker: prepare, fork the others, serve
            code = 1
            # Ctrl-C is the parent's to handle: it closes the pipes, and the workers end on EOF.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                for parent_end, _ in ends:
                    parent_end.close()
                try:
                    prepare()
                except Exception as exc:  # noqa: BLE001 - e.g. WeasyPrint's libraries are missing
                    _refuse([child_end for _, child_end in ends], f"{type(exc).__name__}: {exc}")
                    code = 0
                    return  # (the finally below exits)
                # What the workers share (the imported libraries) is never garbage: keep the
                # collector off it, so it is neither scanned nor copied page by page after the fork.
                gc.freeze()
                mine = ends[0][1]
                children = []
                for i in range(1, n):
                    pid = os.fork()
                    if pid == 0:
                        for j, (_, child_end) in enumerate(ends):
                            if j != i:
                                child_end.close()
                        _serve(ends[i][1], jobs)
                        os._exit(0)
                    children.append(pid)
                for _, child_end in ends[1:]:
                    child_end.close()
                _serve(mine, jobs)
                for pid in children:
                    os.waitpid(pid, 0)
                code = 0
            except BaseException:  # noqa: BLE001 - a forked child must never return into the caller
                traceback.print_exc()
            finally:
                os._exit(code)
        for parent_end, child_end in ends:
            child_end.close()
            self.conns.append(parent_end)
        self._seq = 0

    def run(self, jobs: list[tuple[str, str]]) -> None:
        """Queue each (job, text), taken in this order by whichever worker is free; the
        answers come from `results`, with the item's index in `jobs`."""
        self._seq += 1
        items = []
        assert self.dir is not None, "the workers were stopped"
        for i, (job, text) in enumerate(jobs):
            path = Path(self.dir.name) / f"{self._seq}-{i}"
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise WorkerError(_cannot_write(os.path.dirname(self.dir.name), exc)) from exc
            items.append((job, str(path)))
        for conn in self.conns:
            conn.send(items)

    def results(self, count: int) -> list[tuple[int, object]]:
        """The next `count` answers as (index, result), in the order they arrive."""
        out: list[tuple[int, object]] = []
        while len(out) < count:
            for conn in wait(self.conns):
                assert isinstance(conn, Connection)
                try:
                    ok, payload = conn.recv()
                except EOFError:
                    raise WorkerError("a PDF typesetting process stopped unexpectedly") from None
                if not ok:
                    raise WorkerError(str(payload))
                index, path = payload
                with open(path, "rb") as fh:
                    out.append((index, pickle.load(fh)))
        return out

    def stop(self) -> None:
        """Tell the workers to end (they are done); they exit while the caller goes on."""
        for conn in self.conns:
            if conn.closed:
                continue
            try:
                conn.send(None)
            except OSError:
                pass
            conn.close()

    def close(self) -> None:
        """Stop the workers and wait for them (they are done, or the build failed). Safe to
        call twice."""
        if self.dir is None:
            return
        self.stop()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.dir.cleanup()
        self.dir = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _serve(conn: Connection, jobs: Mapping[str, Callable[[str], object]]) -> None:
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        for i, (job, path) in enumerate(msg):
            mine = f"{path}.{os.getpid()}"
            try:
                os.rename(path, mine)  # atomic: exactly one worker takes each job
            except FileNotFoundError:
                continue
            # The cyclic garbage collector is paused during a job. Typesetting allocates
            # hundreds of thousands of objects, so it would run thousands of times in a piece,
            # about a seventh of the piece's time, mostly finding nothing. A piece does leave
            # cycles (its document tree and styles: 20 to 30 thousand objects on the 2021/22
            # register's pieces, 300 thousand on a 1000-entry register's): one collection
            # after the answer is sent frees them, so the parent does not wait for it and a
            # long register's worker does not grow piece by piece.
            was = gc.isenabled()
            gc.disable()
            answer: tuple[bool, object]
            try:
                result = jobs[job](Path(mine).read_text(encoding="utf-8"))
                out = mine + ".out"
                try:
                    with open(out, "wb") as fh:
                        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    answer = (True, (i, out))
                except OSError as exc:
                    answer = (False, _cannot_write(os.path.dirname(os.path.dirname(out)), exc))
            except Exception:  # noqa: BLE001 - reported to the parent, which raises it
                answer = (False, traceback.format_exc(limit=-3))
            finally:
                if was:
                    gc.enable()
            result = None  # the piece (its PDF bytes) is written out: not kept while collecting
            try:
                conn.send(answer)
            except OSError:  # the parent has gone (interrupted, say): nothing to answer to
                return
            gc.collect()


def _refuse(conns: list[Connection], why: str) -> None:
    """The workers could not start: answer the parent's first jobs with why, on every pipe,
    so the build fails with that one line rather than 'stopped unexpectedly'."""
    for conn in conns:
        try:
            if conn.poll(60) and conn.recv() is not None:
                conn.send((False, f"the PDF cannot be typeset: {why}"))
        except (EOFError, OSError):
            pass
