"""Human-readable terminal output of `validate` and `summary`: plain-text tables.

Plain Python rather than rich: importing rich took about a quarter of `motxl validate`'s
start-up, for two kinds of table. Colours only on a terminal (never with NO_COLOR); every text
from the workbook goes through ``one_line``, so it can neither break a line nor drive the
terminal.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import IO, Any, Sequence

from motxl.core.findings import SEVERITY_FR, ValidationReport
from motxl.core.rollup import NO_PERSON
from motxl.core.text import fold
from motxl.faces.terminal import one_line

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33"}
_GAP = "  "


class _Output:
    def __init__(self, stream: IO[str] | None) -> None:
        self.stream = stream or sys.stdout
        self.colour = (self.stream.isatty() and "NO_COLOR" not in os.environ
                       and os.environ.get("TERM") != "dumb")
        self.width = max(40, shutil.get_terminal_size((80, 24)).columns)

    def styled(self, text: str, style: str | None) -> str:
        if not (self.colour and style):
            return text
        return f"\x1b[{';'.join(_SGR[s] for s in style.split())}m{text}\x1b[0m"

    def line(self, text: str = "", style: str | None = None) -> None:
        print(self.styled(text, style), file=self.stream)

    def table(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *,
              right: Sequence[int] = (), wrap_last: bool = False,
              styles: Sequence[str | None] = (), first_style: str | None = None) -> None:
        """``rows`` of plain strings under ``headers``; the last column wraps to the terminal
        width when ``wrap_last``; ``styles`` (per row) and ``first_style`` only colour."""
        widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
        if wrap_last:
            room = self.width - sum(widths[:-1]) - len(_GAP) * (len(widths) - 1)
            widths[-1] = min(widths[-1], max(20, room))

        def cells(values: Sequence[str]) -> list[list[str]]:
            out = [[v] for v in values]
            if wrap_last:
                out[-1] = textwrap.wrap(values[-1], widths[-1]) or [""]
            return out

        def joined(values: Sequence[str]) -> str:
            return _GAP.join(v.rjust(w) if i in right else v.ljust(w)
                             for i, (v, w) in enumerate(zip(values, widths))).rstrip()

        self.line(title, "bold")
        self.line(joined(headers))
        self.line(_GAP.join("─" * w for w in widths))
        for index, row in enumerate(rows):
            style = styles[index] if index < len(styles) else None
            columns = cells(row)
            for depth in range(max(len(c) for c in columns)):
                values = [c[depth] if depth < len(c) else "" for c in columns]
                text = joined(values)
                if first_style and depth == 0 and not style:
                    head = values[0].ljust(widths[0])
                    text = self.styled(head, first_style) + text[len(head):]
                    print(text, file=self.stream)
                else:
                    self.line(text, style)
        self.line()


def print_report(report: ValidationReport, stream: IO[str] | None = None) -> None:
    out = _Output(stream)
    out.line(one_line(f"Contrôle de « {report.sheet} » ({report.source})"))
    out.line()
    for severity in ("error", "warning", "info"):
        findings = [f for f in report.findings if f.severity == severity]
        if not findings:
            continue
        out.table(f"{SEVERITY_FR[severity]}s ({len(findings)})", ("Cellule", "Règle", "Message"),
                  [(f.cell, f.rule, one_line(f.message)) for f in findings], wrap_last=True,
                  first_style=_STYLE[severity])
    counts = report.counts
    verdict = "VALIDE" if report.valid else "NON VALIDE"
    out.line(f"{verdict} : {counts['error']} erreur(s), {counts['warning']} "
             f"avertissement(s), {counts['info']} information(s).",
             "bold green" if report.valid else "bold red")


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


_FIGURE_HEADERS = ("", "Act.", "Ret.", "Jours", "Budget", "Dépensé", "Reste", "Taux")


def print_rollup(rollup: Any, stream: IO[str] | None = None, situation: Any = None) -> None:
    out = _Output(stream)
    when = f", {situation.label.lower()}" if situation is not None else ""
    out.line(one_line(f"Synthèse de « {rollup.sheet} » ({rollup.source}){when}"))
    out.line()

    def table(title: str, rows: Sequence[tuple[str, Any, str | None]]) -> None:
        out.table(title, _FIGURE_HEADERS,
                  [(one_line(label).ljust(13), str(f.actions), str(f.late),
                    _days(f.days_planned), _euros(f.budget_planned), _euros(f.spent_actual),
                    _euros(f.budget_remaining), _percent(f.budget_rate))
                   for label, f, _ in rows],
                  right=range(1, len(_FIGURE_HEADERS)), styles=[style for *_, style in rows])

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
    note = (f"En attente : {t.pending} action(s). Abandonnées : {t.abandoned} action(s), "
            f"{_days(t.days_abandoned)} jours et {_euros(t.budget_abandoned)} prévus "
            "(comptés dans le total, retirés de « Hors aband. »). Reste = prévu − "
            "réalisé ; Ret. = en retard à la date de situation.")
    for line in textwrap.wrap(note, min(out.width, 100)):
        out.line(line)
    out.line()
    table("Par financement", [(k, v, None) for k, v in rollup.by_funding.items()])
    table("Par statut", [(k, v, None) for k, v in rollup.by_status.items()])
    if rollup.by_border:
        table("Par frontière", [(k, v, None) for k, v in french_order(rollup.by_border.items())])
    table("Par responsable", [(k, v, None) for k, v in french_order(rollup.by_person.items())])
