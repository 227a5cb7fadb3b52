"""Hierarchical codes: '1' axis, '1.1' objective, '1.1.1' sub-objective."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from motxl.core.grid import CellError

_VALID = re.compile(r"^\d+(?:\.\d+){0,2}$")
_SPACED = re.compile(r"^\d+(?:\s*\.\s*\d+){0,2}\.?$")


class CodeReading(NamedTuple):
    text: str | None  # the cell as text, None when empty
    code: str | None  # canonical code when readable ('3.3.' → '3.3')
    trailing_dot: bool = False
    numeric: bool = False  # typed as a number: 1.10 may have become 1.1
    respelt: bool = False  # leading zeros or inner spaces: '1.01', '1. 2' read as 1.1, 1.2

    @property
    def invalid(self) -> bool:
        return self.text is not None and self.code is None


def _number_text(value: int | float) -> str | None:
    """1 → '1', 1.2000000000000002 (a formula's float noise) → '1.2'."""
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        return None
    if number.is_integer():
        return str(int(number))
    return f"{number:.10g}"


@lru_cache(maxsize=8192, typed=True)  # codes repeat on every action row
def read_code(value: Any) -> CodeReading:
    """Read a code cell; numbers typed in Excel (1, 1.1) are accepted as codes."""
    if value is None or isinstance(value, CellError):
        return CodeReading(None, None)
    if isinstance(value, bool):
        return CodeReading(str(value), None)
    numeric = isinstance(value, (int, float))
    if numeric:
        text = _number_text(value)
        if text is None or "e" in text or text.startswith("-"):
            return CodeReading(str(value), None)
    else:
        text = str(value).strip()
        if not text:
            return CodeReading(None, None)
    candidate = text
    respelt = False
    if not numeric and not _VALID.match(candidate.rstrip(".")) and _SPACED.match(candidate):
        candidate = re.sub(r"\s+", "", candidate)
        respelt = True
    trailing = candidate.endswith(".") and _VALID.match(candidate[:-1]) is not None
    if trailing:
        candidate = candidate[:-1]
    if not _VALID.match(candidate):
        return CodeReading(text, None)
    parts = candidate.split(".")
    respelt = respelt or any(len(p) > 1 and p.startswith("0") for p in parts)
    return CodeReading(text, ".".join(str(int(p)) for p in parts), trailing, numeric, respelt)


@lru_cache(maxsize=8192, typed=True)
def well_typed(value: Any) -> bool:
    """Whether a code cell holds a code as it should be typed: text read as is (no trailing
    dot, no respelling), not a number."""
    reading = read_code(value)
    return reading.code is not None and not (reading.trailing_dot or reading.respelt
                                             or reading.numeric)


def level(code: str) -> int:
    return code.count(".") + 1


def parent(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def last_part(code: str) -> int:
    return int(code.rsplit(".", 1)[-1])


def is_within(code: str, ancestor: str) -> bool:
    """'1.1.2' is within '1.1' (and '1.1' within itself)."""
    return code == ancestor or code.startswith(ancestor + ".")
