"""Steps of a long command, shown on a terminal and nowhere else.

A build or a validation of a large graph takes a minute, and a question the build did not keep an
answer to takes seconds; a user at a terminal should see that it is moving. Once a command has
run for ``delay`` seconds (``SOVKG_PROGRESS_DELAY``, default 2), the current step and its elapsed
time are redrawn on one line of standard error, and each finished step is written on its own line.
A command done sooner shows nothing, and piped or redirected output (a script, CI) never does.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    """Reports the steps of ``command`` (as the user typed it: "sovkg build"); a no-op unless the
    stream is a terminal."""

    def __init__(self, stream: TextIO | None = None, delay: float | None = None,
                 command: str = "sovkg") -> None:
        self.command = command
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        if delay is None:
            try:
                delay = float(os.environ.get("SOVKG_PROGRESS_DELAY", "2"))
            except ValueError:
                delay = 2.0
        self.delay = delay
        self.start = time.perf_counter()
        self._current: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._shown = False
        self._ticker: threading.Thread | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time one named step (parse, reason, validate, answer, write, store)."""
        if not self.enabled:
            yield
            return
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        began = time.perf_counter()
        with self._lock:
            self._current = (name, began)
            # at a step's start too, not only at the next tick: a step shorter than a tick is shown
            self._show_once()
        try:
            yield
        finally:
            with self._lock:
                self._current = None
                if self._shown:
                    self._write(f"\r\x1b[K  {name:9s} {time.perf_counter() - began:7.1f} s\n")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop redrawing and clear the current line (before a command writes its answer)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=1)
            with self._lock:
                if self._shown:
                    self._write("\r\x1b[K")

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            with self._lock:
                if self._current is None or not self._show_once():
                    continue
                name, began = self._current
                self._write(f"\r\x1b[K  {name:9s} {time.perf_counter() - began:7.1f} s ...")

    def _show_once(self) -> bool:
        """Whether the steps are shown: once the command has run for ``delay`` seconds, the first
        call says so on the terminal. Called with the lock held."""
        if not self._shown and time.perf_counter() - self.start >= self.delay:
            self._shown = True
            self._write(f"{self.command}: {time.perf_counter() - self.start:.1f} s so far\n")
        return self._shown

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the command goes on quietly
            self.enabled = False
