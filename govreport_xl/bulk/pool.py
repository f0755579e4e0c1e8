"""Worker processes with a budget per item: a batch survives its worst file.

Each item runs in a worker process under a time limit (the parent kills the worker when it is
past its deadline, whatever it is doing, C code included) and a memory limit (the worker's
address space, where the platform has one). An item past either limit, or whose worker the
operating system killed (what the OOM killer does), gives the caller's record for it, and a fresh
worker takes the next item: the item costs only itself. Results come back in input order with a
bounded number in flight, so memory stays flat however many items there are.

Stopping (Ctrl-C, SIGTERM turned into KeyboardInterrupt by the CLI) asks every worker to stop,
gives them a moment to remove their temporary files, then kills what is left.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait

TIME, MEMORY, KILLED = "time", "memory", "killed"
_STOP_GRACE = 2.0  # seconds a stopped worker gets to clean up before it is killed


@dataclass(frozen=True)
class Budget:
    """Per item: wall-clock seconds, and megabytes of address space for the worker (None: no limit)."""

    seconds: float | None = 60.0
    memory_mb: int | None = 1024


_memory_limited = False  # this process runs under _limit_memory


def out_of_memory(exc: BaseException) -> bool:
    """Whether `exc` means the memory ran out: a MemoryError, or, in a worker under its memory
    limit, the SystemError CPython raises where a failed allocation was never turned into a
    MemoryError (a missed PyErr_NoMemory; seen in 3.11 building a dict). Elsewhere a SystemError
    stays what it says, an internal error."""
    return isinstance(exc, MemoryError) or (
        _memory_limited and isinstance(exc, SystemError) and "without exception set" in str(exc))


def _limit_memory(megabytes: int | None) -> None:
    global _memory_limited
    if megabytes is None:
        return
    try:
        import resource
    except ImportError:  # Windows: no per-process address-space limit here; the time limit still holds
        return
    limit = megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _memory_limited = True


def _limit_cpu(seconds: float | None) -> None:
    """A backstop for a worker whose parent died: the CPU it may still use for this item."""
    if seconds is None:
        return
    try:
        import resource
    except ImportError:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    want = int(spent + 2 * seconds + 5)
    if hard == resource.RLIM_INFINITY or want <= hard:
        resource.setrlimit(resource.RLIMIT_CPU, (want, hard))


def _stop_here(signum, frame):
    raise KeyboardInterrupt


def _orphaned(parent: int) -> bool:
    return os.getppid() != parent


def _worker(conn, fn, init, init_args, budget: Budget, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _stop_here)  # unwinds, so temporary outputs are removed
    # past the memory limit a finalizer may fail too ("Exception ignored in …: MemoryError"): the
    # item's record already says what happened, the user's terminal gets no traceback
    sys.unraisablehook = lambda unraisable: None
    try:
        _limit_memory(budget.memory_mb)
        if init is not None:
            init(*init_args)
        while True:
            # a parent killed outright sends no EOF (forked siblings hold its ends of the pipes):
            # an idle worker looks for its parent every second and leaves when it is gone
            while not conn.poll(1.0):
                if _orphaned(parent):
                    return
            try:
                task = conn.recv()
            except (EOFError, OSError):
                return
            if task is None:
                return
            index, item, seconds = task
            _limit_cpu(seconds)
            try:
                reply = (index, True, fn(item))
            except (MemoryError, SystemError) as exc:
                if not out_of_memory(exc):
                    raise
                reply = (index, False, MEMORY)
            try:
                conn.send(reply)
            except MemoryError:
                conn.send((index, False, MEMORY))
    except (KeyboardInterrupt, BrokenPipeError, EOFError):
        return


class _Worker:
    def __init__(self, ctx, fn, init, init_args, budget: Budget, daemon: bool = True):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, fn, init, init_args, budget, os.getpid()), daemon=daemon)
        self.process.start()
        child.close()
        self.task: tuple[int, object] | None = None
        self.deadline: float | None = None

    def give(self, index: int, item, seconds: float | None) -> None:
        self.task = (index, item)
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.conn.send((index, item, seconds))

    def end(self, hard: bool = False) -> None:
        if hard:
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def budgeted_map(fn: Callable, items: Iterable, jobs: int, budget: Budget, overrun: Callable[[object, str], object],
                 init: Callable | None = None, init_args: tuple = (), abandoned: Callable[[object], None] | None = None) -> Iterator:
    """fn(item) for every item, in input order, in `jobs` worker processes, each item under
    `budget`. An item past its budget yields `overrun(item, TIME | MEMORY | KILLED)` instead;
    `abandoned(item)` is called for an item whose worker was killed mid-way (to remove what it
    left half written)."""
    ctx = mp.get_context()
    source = enumerate(items)
    ahead = max(1, jobs) * 4
    workers: list[_Worker] = []
    done: dict[int, object] = {}
    next_out = 0
    exhausted = False
    pending: tuple[int, object] | None = None

    def fresh() -> _Worker:
        return _Worker(ctx, fn, init, init_args, budget)

    def replace(w: _Worker, kind: str, hard: bool) -> None:
        index, item = w.task
        w.end(hard=hard)
        if hard and abandoned is not None:
            abandoned(item)
        done[index] = overrun(item, kind)
        workers[workers.index(w)] = fresh()

    try:
        workers.extend(fresh() for _ in range(max(1, jobs)))
        while True:
            for w in workers:  # hand out work, staying at most `ahead` items past the next to yield
                if w.task is not None or exhausted:
                    continue
                if pending is None:
                    pending = next(source, None)
                    if pending is None:
                        exhausted = True
                        break
                if pending[0] >= next_out + ahead:
                    break
                w.give(*pending, budget.seconds)
                pending = None
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            busy = [w for w in workers if w.task is not None]
            if not busy:
                if exhausted and pending is None:
                    return
                continue
            deadlines = [w.deadline for w in busy if w.deadline is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
            now = time.monotonic()
            for w in busy:
                if w.conn in ready:
                    try:
                        index, ok, value = w.conn.recv()
                    except (EOFError, OSError):  # died while answering: the OS killed it
                        replace(w, KILLED, hard=True)
                        continue
                    done[index] = value if ok else overrun(w.task[1], value)
                    w.task = w.deadline = None
                    if not ok:  # after a MemoryError the worker starts afresh
                        w.end()
                        workers[workers.index(w)] = fresh()
                elif w.process.sentinel in ready:
                    replace(w, KILLED, hard=True)
                elif w.deadline is not None and now >= w.deadline:
                    replace(w, TIME, hard=True)
    finally:
        _stop(workers, abandoned)


def _stop(workers: list[_Worker], abandoned) -> None:
    """Idle workers are told to leave; busy ones are asked to stop (they remove their temporary
    files as they unwind) and killed if they have not within a moment."""
    for w in workers:
        if w.task is None:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        elif w.process.is_alive():
            w.process.terminate()
    end = time.monotonic() + _STOP_GRACE
    for w in workers:
        w.process.join(max(0.0, end - time.monotonic()))
        if w.process.is_alive():
            w.process.kill()
            w.process.join(5)
            if w.task is not None and abandoned is not None:
                abandoned(w.task[1])
        try:
            w.conn.close()
        except OSError:
            pass


def _apply(call: tuple):
    """Run one call of a WorkerPool in its worker: what it raises travels back as a value (the
    worker lives on); MemoryError is the budget's business."""
    fn, args, kwargs = call
    try:
        return True, fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - re-raised in the caller's process
        if out_of_memory(exc):
            raise MemoryError from exc
        return False, exc


class Overrun(Exception):
    """A call past its budget (TIME, MEMORY) or whose worker the system killed (KILLED)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


class WorkerPool:
    """Long-lived workers for calls that come one at a time from several threads (the office
    server): each call runs in a worker under `budget` as `budgeted_map`'s items do, and a worker
    past it, or killed, is replaced without touching the others. `call` blocks: give it a thread.
    The workers are not daemonic, so a call may itself run a budgeted batch (a round's download
    reads every file under its own budget); `close` ends them, and one whose parent died ends at
    its next read of the pipe."""

    def __init__(self, workers: int, budget: Budget, context: str | None = None, init: Callable | None = None,
                 init_args: tuple = ()):
        self.budget, self.size = budget, max(1, workers)
        self._ctx = mp.get_context(context)
        self._init = (init, init_args)  # run once in each worker as it starts (imports, say)
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.size)

    def _new(self) -> _Worker:
        w = _Worker(self._ctx, _apply, *self._init, self.budget, daemon=False)
        with self._lock:
            self._all.append(w)
        return w

    def start(self) -> None:
        """Start every worker now rather than at its first call: the first calls then do not wait
        for a process to start and import what it needs (a second or two each)."""
        with self._lock:
            missing = self.size - len(self._all)
        for _ in range(missing):
            self._idle.put(self._new())

    def _take(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:  # a slot is free but no worker made for it yet
            return self._new()

    def _drop(self, w: _Worker, hard: bool) -> None:
        w.end(hard=hard)
        with self._lock:
            self._all.remove(w)

    def call(self, fn: Callable, *args, seconds: float | None = None, **kwargs):
        """fn(*args, **kwargs) in a worker within `seconds` (default: the budget's); its value, or
        what it raised, or Overrun(TIME | MEMORY | KILLED)."""
        seconds = seconds if seconds is not None else self.budget.seconds
        with self._slots:
            w = self._take()
            w.give(0, (fn, args, kwargs), seconds)
            ready = wait([w.conn, w.process.sentinel], seconds)
            if w.conn in ready:
                try:
                    _, ok, value = w.conn.recv()
                except (EOFError, OSError):  # died while answering
                    self._drop(w, hard=True)
                    raise Overrun(KILLED) from None
                w.task = w.deadline = None
                if not ok:  # after a MemoryError the worker starts afresh
                    self._drop(w, hard=False)
                    raise Overrun(value)
                self._idle.put(w)
                done, result = value
                if not done:
                    raise result
                return result
            self._drop(w, hard=True)
            raise Overrun(KILLED if w.process.sentinel in ready else TIME)

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        _stop(workers, None)


def in_this_process(fn: Callable, items: Iterable, init: Callable | None = None, init_args: tuple = ()) -> Iterator:
    """The same map without workers or budget (an embedding program that manages its own)."""
    if init is not None:
        init(*init_args)
    yield from map(fn, items)


def worker_count(jobs: int | None) -> int:
    return jobs or os.cpu_count() or 1
