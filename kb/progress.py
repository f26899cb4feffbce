"""Progress of a long run (``kb build``, ``kb site``) as phases, each with a total, a rate and an ETA.

The library reports ``progress(phase, done, total)`` (``total`` None when unknown, ``done ==
total`` or a last call with ``final=True`` when the phase ends); :class:`Bar` draws it on a
terminal, one line per phase::

    hashing     [##########----------]  5012/10000  50%  2140/s  ETA 0:02

It draws nothing when its stream is not a terminal (pipes, CI, files) or when disabled.
"""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

Progress = Callable[..., None]      # progress(phase, done, total=None, final=False)


def none(phase: str, done: int, total: int | None = None, final: bool = False) -> None:
    """The progress function that reports nothing."""


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class Bar:
    """Draws phases on ``stream`` (default stderr) when it is a terminal and ``enabled``."""

    WIDTH = 20
    EVERY = 0.1        # seconds between redraws of the same phase

    def __init__(self, stream: TextIO | None = None, enabled: bool = True, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and _isatty(self.stream)
        self.clock = clock
        self.phase: str | None = None
        self.started = self.drawn = 0.0
        self.last = ""
        self.ended: str | None = None     # the phase that just ended (a repeated end is not drawn again)

    def __call__(self, phase: str, done: int, total: int | None = None, final: bool = False) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if phase == self.ended and self.phase is None:
            if final:
                return
            self.ended = None
        if phase != self.phase:
            self._end()
            self.phase, self.started, self.drawn = phase, now, 0.0
        final = final or (total is not None and done >= total)
        if not final and now - self.drawn < self.EVERY:
            return
        self.drawn = now
        self.last = self.line(phase, done, total, now - self.started, final)
        self.stream.write("\r\x1b[K" + self.last)
        self.stream.flush()
        if final:
            self._end()

    @classmethod
    def line(cls, phase: str, done: int, total: int | None, elapsed: float, final: bool = False) -> str:
        """The text of one phase: bar, count, share, rate and ETA (elapsed time once it ended)."""
        rate = done / elapsed if elapsed > 0 else 0.0
        shown = "" if not total else f"{rate:,.0f}/s" if rate >= 1 else f"{rate:.1f}/s" if rate else ""
        if total:
            filled = min(cls.WIDTH, cls.WIDTH * done // total)
            bar = "[" + "#" * filled + "-" * (cls.WIDTH - filled) + "]"
            width = len(str(total))
            count = f"{done:>{width}}/{total}  {100 * done // total:3d}%"
        else:
            bar, count = "", f"{done}" if done else ""
        if final:
            when = f"in {_clock(elapsed)}"
        elif total and rate:
            when = f"ETA {_clock((total - done) / rate)}"
        else:
            when = f"{_clock(elapsed)}"
        return "  ".join(x for x in (f"{phase:<12}", bar, count, shown, when) if x)

    def _end(self) -> None:
        if self.phase is not None and self.last:
            self.stream.write("\n")
            self.stream.flush()
        self.ended, self.phase, self.last = self.phase, None, ""

    def close(self) -> None:
        """End the current line (after the last phase, or when the run stops)."""
        if self.enabled:
            self._end()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
