"""How the benchmarks start child processes: as users' Python runs them.

Some servers and containers set PYTHONDONTWRITEBYTECODE=1; then every run compiles motxl's
sources again (about 60 ms), which no user with a normal install pays. The benchmarks remove
it from their children's environment and make one untimed run first, which writes the caches.
"""

from __future__ import annotations

import os
import subprocess


def user_env() -> dict[str, str]:
    """This environment without PYTHONDONTWRITEBYTECODE."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_up(*commands: list[str]) -> None:
    """Run each command once, untimed, so that the bytecode caches exist."""
    for cmd in commands:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=user_env())
