"""How the ``motxl`` process ends after a read-only command: its results are not freed.

Freeing a programme of 100,000 actions object by object, then tearing the interpreter down,
takes about 0.15 s once the output is printed, for nothing: the operating system takes the
memory back at once. So when the process ends with the command (the ``motxl`` entry point; a
test calling ``cli.main`` keeps its process), ``validate`` and ``summary`` hand their results to
``keep_until_exit``, and ``end_process`` flushes the output and leaves with ``os._exit``, as
mypy does for the same reason. Commands that write files never keep anything, so they end the
usual way (``sys.exit``: every file closed, every exit handler run).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

#: What read-only commands keep until the process ends; None while no process ends with them.
_kept: list[object] | None = None


def process_ends_with_command() -> None:
    """Said by the entry point: the process ends when the command returns."""
    global _kept
    _kept = []


def keep_until_exit(*objects: object) -> None:
    """Leave ``objects`` to the operating system if the process ends with the command (a
    read-only command's results: nothing to close or save)."""
    if _kept is not None:
        _kept.extend(objects)


def end_process(code: int) -> NoReturn:
    """End the process with ``code``: without freeing what a command kept, once the output is
    flushed; the usual way otherwise."""
    if _kept:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # the reader went away, or the stream is closed
                pass
        os._exit(code)
    sys.exit(code)
