"""Work done in child processes: a child that never outlives its parent, and a function run in a
forked child while the parent goes on.

Written here once for the build's writer, the Oxigraph server the tests and ``sovkg serve`` start,
and the support rules that run beside the reasoner (``sovkg build`` and ``sovkg validate``).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import signal
from collections.abc import Callable
from typing import Generic, TypeVar

Result = TypeVar("Result")
PR_SET_PDEATHSIG = 1  # prctl(2)


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """In a child of ``parent``: ask Linux to send it ``sig`` when that process dies, even by
    kill -9 (elsewhere nothing happens). A child whose parent is already gone leaves at once."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class Beside(Generic[Result]):
    """Work started by :func:`in_child`: call it for the result (or the error); :meth:`cancel`
    stops the child when the result is no longer wanted (the parent failed meanwhile)."""

    def __init__(self, function: Callable[..., Result], args: tuple[object, ...],
                 child: int | None = None, read: int | None = None) -> None:
        self.function, self.args, self.child, self.read = function, args, child, read

    def __call__(self) -> Result:
        if self.child is None or self.read is None:  # no fork here, or asked for already
            return self.function(*self.args)
        with os.fdopen(self.read, "rb") as pipe:
            self.read = None
            outcome = pipe.read()
        os.waitpid(self.child, 0)
        self.child = None
        try:
            delivered, value = pickle.loads(outcome)
        except Exception:  # nothing came (the child was killed, say): do the work here
            return self.function(*self.args)
        if not delivered:
            raise value
        return value

    def cancel(self) -> None:
        """Kill the child and reap it, if its result was never asked for."""
        if self.child is not None:
            with contextlib.suppress(OSError):
                os.kill(self.child, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self.child, 0)
            self.child = None
        if self.read is not None:
            os.close(self.read)
            self.read = None


def in_child(function: Callable[..., Result], *args: object) -> Beside[Result]:
    """Start ``function(*args)`` in a forked child, which shares the parent's memory (the parsed
    quads) without copying it. Without fork, or when the child does not deliver (killed), the
    function runs in this process when its result is asked for. Call it before starting threads:
    a fork copies only the calling thread. The child dies with its parent."""
    if not hasattr(os, "fork"):
        return Beside(function, args)
    read, write = os.pipe()
    parent = os.getpid()
    child = os.fork()
    if child == 0:  # the child: work, hand the outcome over, leave without the parent's clean-up
        gc.disable()
        try:
            os.close(read)
            die_with_parent(parent)
            try:
                outcome = pickle.dumps((True, function(*args)))
            except Exception as error:
                try:
                    outcome = pickle.dumps((False, error))
                except Exception:
                    outcome = b""  # the parent runs the function itself and meets the error there
            with os.fdopen(write, "wb") as pipe:
                pipe.write(outcome)
        finally:
            os._exit(0)
    os.close(write)
    return Beside(function, args, child, read)
