"""Checks of the label cell: missing labels and markup."""

from __future__ import annotations

import re
from typing import Iterator

from motxl.core.findings import Finding, make_finding
from motxl.core.grid import CellError
from motxl.core.model import Programme

_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)[^<>]*>")


def check_labels(p: Programme) -> Iterator[Finding]:
    col = p.columns["label"]
    for source in p.rows:
        if source.kind not in ("heading", "action"):
            continue
        value = source.cells["label"]
        if isinstance(value, CellError):
            continue
        if value is None or not str(value).strip():
            yield make_finding("label-missing", p.sheet, col, source.row, code=source.code)
            continue
        tags = sorted({f"<{m.group(1).lower()}>" for m in _TAG.finditer(str(value))})
        if tags:
            yield make_finding("label-markup", p.sheet, col, source.row, tags=", ".join(tags))


CHECKS = (check_labels,)
