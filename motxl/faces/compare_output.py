"""``motxl compare`` in the terminal: counts, deltas, then each change on one line."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from motxl.core.compare import Changes
from motxl.faces.terminal import plain
from motxl.faces.text_output import _days, _euros
from motxl.presentation.comparaison import (FIELD_FR, HEADING_STATUS_FR, LIST_ORDER,
                                            STATUS_FR, value_text, version_line)


def _number(value: float, decimals: int = 0) -> str:
    return f"{value:+,.{decimals}f}".replace(",", "\u202f").replace(".", ",") if value else "0"


def print_changes(changes: Changes, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    console.print(plain(version_line("Ancienne version", changes.old)))
    console.print(plain(version_line("Nouvelle version", changes.new)))
    counts = changes.counts
    console.print(", ".join(f"{STATUS_FR[s].lower()} : {n}" for s, n in counts.items()))

    table = Table(title="Écarts (nouvelle − ancienne)", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, padding=(0, 1))
    for name in ("", "Actions", "Jours prévus", "Budget prévu"):
        table.add_column(name, justify="left" if not name else "right", no_wrap=True)
    rows = [(f"Axe {d.key}", d) for d in changes.axes]
    rows += [(d.key, d) for d in changes.fundings] + [("Total", changes.totals)]
    for key, d in rows:
        table.add_row(plain(key), _number(d.new.actions - d.old.actions),
                      _number(d.new.days_planned - d.old.days_planned, 1),
                      _number(d.new.budget_planned - d.old.budget_planned) + " €",
                      style="bold" if key == "Total" else None)
    console.print(table)

    for status in LIST_ORDER:
        listed = changes.of(status)  # type: ignore[arg-type]
        if not listed:
            continue
        console.print(f"{STATUS_FR[status]} ({len(listed)})", style="bold")
        for c in listed:
            old, new = c.old_side, c.new_side
            if old and new and old.label != new.label:
                where = f"{old.code} « {old.label} » → {new.code} « {new.label} »"
            elif old and new and old.code != new.code:
                where = f"{old.code} → {new.code} « {new.label} »"
            else:
                side = new or old
                assert side is not None
                where = f"{side.code} « {side.label} »"
            cell = f" [{new.cell if new else old.cell if old else ''}]"
            shown = c.changes if status == "changed" else \
                [f for f in c.changes if f.field != "label"]
            detail = " ; ".join(f"{FIELD_FR[f.field]} : {value_text(f.old)} → "
                                f"{value_text(f.new)}" for f in shown)
            console.print(plain(f"  {where}{cell}" + (f" — {detail}" if detail else "")))
    headings = [h for h in changes.headings if h.status != "unchanged"]
    if headings:
        console.print(f"Rubriques ({len(headings)})", style="bold")
        for h in headings:
            old, new = h.old, h.new
            if old and new and old.label != new.label:
                text = f"{old.code} « {old.label} » → {new.code} « {new.label} »"
            elif old and new:
                text = f"{old.code} → {new.code} « {new.label} »"
            else:
                side = new or old
                assert side is not None
                text = f"{side.code} « {side.label} »"
            console.print(plain(f"  {HEADING_STATUS_FR[h.status]} : {text}"))


def print_history(path, history, console: Console | None = None) -> None:
    """The Historique sheet: one table row per situation and axis, then the findings."""
    from motxl.core.history import HISTORIQUE, TOTAL

    console = console or Console(highlight=False)
    if not history.found:
        console.print(plain(f"{path.name} n'a pas encore d'onglet « {HISTORIQUE} » : chaque "
                            "actualisation (motxl refresh ou bouton « Actualiser la synthèse ») "
                            "y enregistre la situation."))
        return
    console.print(plain(f"Historique des situations ({path.name})"))
    by_date: dict = {}
    for entry in history.entries:
        if entry.parsed is not None:
            by_date.setdefault(entry.parsed.date, []).append(entry.parsed)
    for date, rows in sorted(by_date.items()):
        refreshed = max((r.refreshed for r in rows if r.refreshed), default=None)
        when = f" (actualisée le {refreshed:%d/%m/%Y à %H:%M})" if refreshed else ""
        table = Table(title=f"Situation au {date:%d/%m/%Y}{when}", title_justify="left",
                      box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                      padding=(0, 1))
        for name in ("Axe", "Actions", "J. prévus", "J. réalisés", "Budget", "Dépensé",
                     "Taux"):
            table.add_column(name, justify="left" if name == "Axe" else "right",
                             no_wrap=True)
        for row in rows:
            f = row.figures
            rate = f"{f['spent_actual'] / f['budget_planned']:.0%}".replace("%", " %") \
                if f["budget_planned"] else ""
            table.add_row(plain(row.axis if row.axis == TOTAL else f"Axe {row.axis}"),
                          f"{f['actions']:.0f}", _days(f["days_planned"]),
                          _days(f["days_actual"]), _euros(f["budget_planned"]),
                          _euros(f["spent_actual"]), rate,
                          style="bold" if row.axis == TOTAL else None)
        console.print(table)
    dates = {e.parsed.date for e in history.entries if e.parsed is not None}
    console.print(f"{len(dates)} situation(s).")
    for finding in history.findings:
        console.print(plain(f"{finding.cell} : {finding.message}"), style="yellow")
