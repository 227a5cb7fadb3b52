"""Finds the sub-commands beyond validate: every ``motxl/faces/cmd_*.py`` has ``register``.

Each face module adds its own sub-command without editing the parser module.
"""

from __future__ import annotations

import importlib
import pkgutil

import motxl.faces
from motxl.faces.cli import _EXTRA_COMMANDS

for module_info in sorted(pkgutil.iter_modules(motxl.faces.__path__), key=lambda m: m.name):
    if module_info.name.startswith("cmd_"):
        module = importlib.import_module(f"motxl.faces.{module_info.name}")
        if module.register not in _EXTRA_COMMANDS:
            _EXTRA_COMMANDS.append(module.register)
