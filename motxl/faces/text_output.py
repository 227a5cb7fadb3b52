"""Human-readable terminal output (rich)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from motxl.core.findings import SEVERITY_FR, ValidationReport
from motxl.core.rollup import NO_PERSON
from motxl.core.text import fold
from motxl.faces.terminal import plain

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def print_report(report: ValidationReport, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    console.print(plain(f"Contrôle de « {report.sheet} » ({report.source})"))
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
            table.add_row(f.cell, f.rule, plain(f.message))
        console.print(table)
    counts = report.counts
    verdict = "VALIDE" if report.valid else "NON VALIDE"
    console.print(f"{verdict} : {counts['error']} erreur(s), {counts['warning']} "
                  f"avertissement(s), {counts['info']} information(s).",
                  style="bold green" if report.valid else "bold red")


def _euros(value: float) -> str:
    return f"{value:,.0f} €".replace(",", "\u202f")


def _days(value: float) -> str:
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}".replace("%", " %")


def french_order(items):
    """(name, value) pairs in French dictionary order: accents folded, « Élodie » before
    « Thomas » (plain sorting puts every accented capital after Z); « Non attribué » last."""
    return sorted(items, key=lambda item: (item[0] == NO_PERSON, fold(item[0]), item[0]))


def print_rollup(rollup, console: Console | None = None, situation=None) -> None:
    console = console or Console(highlight=False)
    when = f", {situation.label.lower()}" if situation is not None else ""
    console.print(plain(f"Synthèse de « {rollup.sheet} » ({rollup.source}){when}"))

    def table(title: str, rows) -> None:
        t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True, padding=(0, 1))
        for name in ("", "Act.", "Ret.", "Jours", "Budget", "Dépensé", "Reste", "Taux"):
            t.add_column(name, justify="left" if not name else "right", no_wrap=True)
        for label, figures, style in rows:
            t.add_row(plain(label), str(figures.actions), str(figures.late),
                      _days(figures.days_planned), _euros(figures.budget_planned),
                      _euros(figures.spent_actual), _euros(figures.budget_remaining),
                      _percent(figures.budget_rate), style=style)
        console.print(t)

    rows: list[tuple[str, Any, str | None]] = []
    for axis in rollup.axes:
        rows.append((f"Axe {axis.code}", axis, "bold"))
        rows += [(f"  {o.code}", o, None) for o in rollup.objectives
                 if o.code.split(".")[0] == axis.code]
    rows.append(("Total", rollup.totals, "bold"))
    if rollup.totals.abandoned:
        rows.append(("Hors aband.", rollup.active, "bold"))
    table("Par axe et objectif", rows)
    t = rollup.totals
    console.print(f"En attente : {t.pending} action(s). Abandonnées : {t.abandoned} action(s), "
                  f"{_days(t.days_abandoned)} jours et {_euros(t.budget_abandoned)} prévus "
                  "(comptés dans le total, retirés de « Hors aband. »). Reste = prévu − "
                  "réalisé ; Ret. = en retard à la date de situation.")
    table("Par financement", [(k, v, None) for k, v in rollup.by_funding.items()])
    table("Par statut", [(k, v, None) for k, v in rollup.by_status.items()])
    if rollup.by_border:
        table("Par frontière", [(k, v, None) for k, v in french_order(rollup.by_border.items())])
    table("Par responsable", [(k, v, None) for k, v in french_order(rollup.by_person.items())])
