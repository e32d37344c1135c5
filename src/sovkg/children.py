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
from typing import TypeVar

Result = TypeVar("Result")
PR_SET_PDEATHSIG = 1  # prctl(2)


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """In a child of ``parent``: ask Linux to send it ``sig`` when that process dies, even by
    kill -9 (elsewhere nothing happens). A child whose parent is already gone leaves at once."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def in_child(function: Callable[..., Result], *args: object) -> Callable[[], Result]:
    """Start ``function(*args)`` in a forked child, which shares the parent's memory (the parsed
    quads) without copying it, and return the function that waits for its result or its error.
    Without fork, or when the child does not deliver (killed), the function runs in this process
    when its result is asked for. Call it before starting threads: a fork copies only the calling
    thread. The child dies with its parent."""
    if not hasattr(os, "fork"):
        return lambda: function(*args)
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

    def result() -> Result:
        with os.fdopen(read, "rb") as pipe:
            outcome = pipe.read()
        os.waitpid(child, 0)
        try:
            delivered, value = pickle.loads(outcome)
        except Exception:  # nothing came (the child was killed, say): do the work here
            return function(*args)
        if not delivered:
            raise value
        return value

    return result
