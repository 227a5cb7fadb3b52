"""Registers the sub-commands beyond validate. Each face module adds one function here."""

from __future__ import annotations

from motxl.faces.cli import _EXTRA_COMMANDS  # noqa: F401
