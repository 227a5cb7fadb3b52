"""motxl: validate, roll up and report on the MOT work programme, in Excel or headless.

The public Python API, for scripts and notebooks (docs/api.md)::

    import motxl
    programme = motxl.load("Programme2023.xlsm")   # a Programme (sheet "Programme" by default)
    report = motxl.validate(programme)              # a ValidationReport: .valid, .findings
    rollup = motxl.roll_up(programme)               # a Rollup: .totals, .axes, .by_funding…
    frame = motxl.actions_frame(programme, as_of=dt.date(2023, 10, 31))  # + flags at that date
    changes = motxl.compare(motxl.load("v1.xlsx"), motxl.load("v2.xlsx"))  # action by action

The names are imported on first use (PEP 562), so that ``import motxl`` stays cheap for the
command line, which imports this package on every run.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from motxl.core.checks import validate
    from motxl.core.compare import Changes, compare
    from motxl.core.findings import ValidationReport
    from motxl.core.model import Programme
    from motxl.core.rollup import Rollup, actions_frame, roll_up
    from motxl.workbooks.reading import read_programme as load

#: public name → (module, attribute).
_EXPORTS = {
    "load": ("motxl.workbooks.reading", "read_programme"),
    "validate": ("motxl.core.checks", "validate"),
    "roll_up": ("motxl.core.rollup", "roll_up"),
    "actions_frame": ("motxl.core.rollup", "actions_frame"),
    "Programme": ("motxl.core.model", "Programme"),
    "ValidationReport": ("motxl.core.findings", "ValidationReport"),
    "Rollup": ("motxl.core.rollup", "Rollup"),
    "compare": ("motxl.core.compare", "compare"),
    "Changes": ("motxl.core.compare", "Changes"),
}

__all__ = ["__version__", "load", "validate", "roll_up", "actions_frame", "compare", "Programme",
           "ValidationReport", "Rollup", "Changes"]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'motxl' has no attribute {name!r}") from None
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
