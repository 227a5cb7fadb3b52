"""Validate: every check family runs over the parsed programme and yields findings."""

from __future__ import annotations

from motxl.core.checks import labels, sheet, structure, values
from motxl.core.findings import SEVERITY_ORDER, ValidationReport
from motxl.core.grid import cycle_collection_paused
from motxl.core.model import Programme

CHECKS = (*sheet.CHECKS, *structure.CHECKS, *labels.CHECKS, *values.CHECKS)


def validate(programme: Programme) -> ValidationReport:
    """All findings, most severe first, then in sheet order."""
    with cycle_collection_paused():
        findings = [finding for check in CHECKS for finding in check(programme)]
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.row, f.column, f.rule))
    return ValidationReport(source=programme.source, sheet=programme.sheet, findings=findings)
