"""Human-readable terminal output (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from motxl.core.findings import SEVERITY_FR, ValidationReport

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def print_report(report: ValidationReport, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    console.print(f"Contrôle de « {report.sheet} » ({report.source})")
    for severity in ("error", "warning", "info"):
        findings = [f for f in report.findings if f.severity == severity]
        if not findings:
            continue
        table = Table(title=f"{SEVERITY_FR[severity]}s ({len(findings)})", title_justify="left",
                      show_lines=False, expand=False)
        table.add_column("Cellule", style=_STYLE[severity], no_wrap=True)
        table.add_column("Règle", no_wrap=True)
        table.add_column("Message")
        for f in findings:
            table.add_row(f.cell, f.rule, f.message)
        console.print(table)
    counts = report.counts
    verdict = "VALIDE" if report.valid else "NON VALIDE"
    console.print(f"{verdict} : {counts['error']} erreur(s), {counts['warning']} "
                  f"avertissement(s), {counts['info']} information(s).",
                  style="bold green" if report.valid else "bold red")
