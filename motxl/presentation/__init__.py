"""Output tabs described once, as plain data (TabSpec); render adapters draw them.

``build_tabs`` and ``TabSpec`` are loaded on first use (PEP 562): the tab names are all that
``validate`` and ``summary`` need from this layer, and the tab modules' import is a large part
of those commands' start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from motxl.presentation.names import CONTROLES, OWN_TABS, SUIVI, SYNTHESE

if TYPE_CHECKING:
    from motxl.presentation.spec import TabSpec
    from motxl.presentation.tabs import build_tabs

__all__ = ["build_tabs", "OWN_TABS", "SYNTHESE", "SUIVI", "CONTROLES", "TabSpec"]

_LAZY = {"build_tabs": "motxl.presentation.tabs", "TabSpec": "motxl.presentation.spec"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'motxl.presentation' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
