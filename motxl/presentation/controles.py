"""The Contrôles tab: Validate's findings, most severe first, each cell a link to the programme."""

from __future__ import annotations

from motxl.core.findings import RULES, SEVERITY_FR, ValidationReport
from motxl.core.situation import Situation
from motxl.presentation.builder import TabBuilder
from motxl.presentation.names import CONTROLES
from motxl.presentation.spec import MAX_LINKS, Area, Link, PrintSetup, TabSpec
from motxl.presentation.synthese import situation_line

#: The French title comes first; the rule id, kept for filtering, is the narrow last column.
HEADER = ["Gravité", "Intitulé", "Cellule", "Message", "Règle"]
WIDTHS = [14, 30, 9, 92, 16]
CELL_COL = HEADER.index("Cellule")


def controles_tab(report: ValidationReport, *, situation: Situation, source_name: str,
                  title: str = "Programme de travail — Contrôles") -> TabSpec:
    spec = TabSpec(CONTROLES, tab_color="C00000")
    b = TabBuilder(spec)
    width = len(HEADER)
    b.line([title], "title", merge_to=width - 1)
    b.line([situation_line(situation, source_name)], "subtitle", merge_to=width - 1)
    counts = report.counts
    verdict = ("Programme valide : aucune erreur." if report.valid else
               f"Programme NON valide : {counts['error']} erreur(s) à corriger.")
    b.line([verdict], "section", "error" if not report.valid else "section", merge_to=width - 1)
    counts_area = b.table(["Gravité", "Nombre"],
                          [[SEVERITY_FR[s], counts[s]] for s in ("error", "warning", "info")])
    b.column_styles(counts_area, {1: "integer"})
    b.skip()
    rows = [[SEVERITY_FR[f.severity], RULES[f.rule].title, f.cell, f.message, f.rule]
            for f in report.findings]
    if not rows:
        b.line(["Aucune remarque."], "note")
        area = None
    else:
        area = b.table(HEADER, rows)
        styles = {1: "text", CELL_COL: "link", 3: "text", 4: "note"}
        linked = report.findings[:MAX_LINKS]  # Excel's limit a sheet
        if len(linked) == len(report.findings):
            b.column_styles(area, styles)
        else:  # the cells beyond the limit show the same text, without a link
            b.column_styles(area, {k: v for k, v in styles.items() if k != CELL_COL})
            col = area.first_col + CELL_COL
            b.style(Area(area.first_row + 1, col, area.first_row + len(linked), col), "link")
        start = area.first_row + 1
        for severity in ("error", "warning", "info"):  # findings are sorted by severity
            indexes = [i for i, f in enumerate(report.findings) if f.severity == severity]
            if indexes:
                b.style(Area(start + indexes[0], 0, start + indexes[-1], 0), severity)
        for i, finding in enumerate(linked):
            spec.links.append(Link(start + i, CELL_COL, finding.cell, finding.sheet,
                                   finding.cell))
        spec.freeze = (area.first_row + 1, 0)
        spec.selected = (start, CELL_COL)  # the most severe finding comes first
        spec.print_setup = PrintSetup(repeat_rows=(area.first_row, area.first_row))
    spec.column_widths = dict(enumerate(WIDTHS))
    return spec
