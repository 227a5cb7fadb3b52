"""``motxl compare`` in the terminal: counts, deltas, then each change on one line."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from motxl.core.compare import Changes
from motxl.faces.terminal import plain
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
