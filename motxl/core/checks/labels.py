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
    label_at = p.field_index["label"]
    for source in p.rows:
        if source.kind != "action" and source.kind != "heading":
            continue
        value = source.values[label_at]
        if isinstance(value, CellError):
            continue
        text = value if value.__class__ is str else str(value) if value is not None else ""
        if not text.strip():
            yield make_finding("label-missing", p.sheet, col, source.row, code=source.code)
            continue
        if "<" not in text:  # no markup (almost every label): no regex
            continue
        tags = sorted({f"<{m.group(1).lower()}>" for m in _TAG.finditer(text)})
        if tags:
            yield make_finding("label-markup", p.sheet, col, source.row, tags=", ".join(tags))


CHECKS = (check_labels,)
