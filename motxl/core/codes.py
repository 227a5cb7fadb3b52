"""Hierarchical codes: '1' axis, '1.1' objective, '1.1.1' sub-objective."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Any

from motxl.core.grid import CellError

_VALID = re.compile(r"^\d+(?:\.\d+){0,2}$")


@dataclass(frozen=True)
class CodeReading:
    text: str | None  # the cell as text, None when empty
    code: str | None  # canonical code when readable ('3.3.' → '3.3')
    trailing_dot: bool = False

    @property
    def invalid(self) -> bool:
        return self.text is not None and self.code is None


@lru_cache(maxsize=8192, typed=True)  # codes repeat on every action row
def read_code(value: Any) -> CodeReading:
    """Read a code cell; numbers typed in Excel (1, 1.1) are accepted as codes."""
    if value is None or isinstance(value, CellError):
        return CodeReading(None, None)
    if isinstance(value, bool):
        return CodeReading(str(value), None)
    if isinstance(value, (int, float)):
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
    else:
        text = str(value).strip()
        if not text:
            return CodeReading(None, None)
    trailing = text.endswith(".") and _VALID.match(text[:-1]) is not None
    candidate = text[:-1] if trailing else text
    if not _VALID.match(candidate):
        return CodeReading(text, None)
    return CodeReading(text, ".".join(str(int(p)) for p in candidate.split(".")), trailing)


def level(code: str) -> int:
    return code.count(".") + 1


def parent(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def last_part(code: str) -> int:
    return int(code.rsplit(".", 1)[-1])
