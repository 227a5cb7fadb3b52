"""Programme workbooks built the way staff produce them, and the figures they must give.

A ``Plan`` is the builder's own data: headings and actions with their planning figures. The
expected figures (``expected``) are sums over that data, never motxl's parse. ``write`` lays a
plan out as a workbook with the edits staff make: codes typed as numbers (in General cells, or
as formula results with float noise), columns reordered, re-spelt or added (last year's budget
beside this year's), a merged title row above the header, hidden and filtered rows, formulas
with or without stored results.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import xlsxwriter

YEAR = 2024


@dataclass(frozen=True)
class Act:
    code: str
    label: str
    person: str  # the person as the builder knows them (one spelling per person)
    days: float
    budget: float
    spent: float
    status: str
    deadline: dt.date
    spelling: str | None = None  # how this row spells the person, when it differs


@dataclass
class Plan:
    rows: list[tuple[str, str] | Act]  # (code, label) headings and actions, in sheet order

    @property
    def actions(self) -> list[Act]:
        return [r for r in self.rows if isinstance(r, Act)]


def make_plan(objectives: int = 4, actions_per: int = 2, seed: int = 1) -> Plan:
    """Two axes; axis 1 has ``objectives`` objectives with actions typed on the objective
    (codes such as 1.3, which a General cell stores as a number), axis 2 a sub-objective."""
    rng = random.Random(seed)
    people = ["Claire Dubois", "Julien Moreau", "Élodie Martin"]
    statuses = ["À lancer", "En cours", "Réalisé"]
    rows: list[tuple[str, str] | Act] = [("1", "[SOCLE] AXE 1 - CADRE")]

    def act(code: str, n: int) -> Act:
        days = rng.randint(1, 40) / 2
        budget = rng.randint(1, 300) * 100.0
        return Act(code, f"Action {code}-{n}", rng.choice(people), days, budget,
                   round(budget * rng.random(), 2), rng.choice(statuses),
                   dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)))

    for o in range(1, objectives + 1):
        code = f"1.{o}"
        rows.append((code, f"OBJECTIF {code}"))
        rows += [act(code, n) for n in range(1, actions_per + 1)]
    rows += [("2", "[SUR-MESURE] AXE 2 - PROJETS"), ("2.1", "OBJECTIF 2.1"),
             ("2.1.1", "Sous-objectif 2.1.1")]
    rows += [act("2.1.1", n) for n in range(1, actions_per + 1)]
    return Plan(rows)


def expected(plan: Plan) -> dict[str, Any]:
    """Totals, per axis, per objective and per person, from the builder's data."""
    def add(bucket: dict, key: str, a: Act) -> None:
        f = bucket.setdefault(key, {"actions": 0, "days_planned": 0.0, "budget_planned": 0.0,
                                    "spent_actual": 0.0})
        f["actions"] += 1
        f["days_planned"] += a.days
        f["budget_planned"] += a.budget
        f["spent_actual"] += a.spent

    totals: dict[str, dict] = {}
    axes: dict[str, dict] = {}
    objectives: dict[str, dict] = {}
    people: dict[str, dict] = {}
    for a in plan.actions:
        add(totals, "all", a)
        add(axes, a.code.split(".")[0], a)
        add(objectives, ".".join(a.code.split(".")[:2]), a)
        add(people, a.person, a)
    return {"totals": totals.get("all", {"actions": 0}), "axes": axes,
            "objectives": objectives, "people": people}


def figures(summary: dict) -> dict[str, Any]:
    """The same shape, from ``motxl summary --format json``."""
    keep = ("actions", "days_planned", "budget_planned", "spent_actual")

    def pick(item: dict) -> dict:
        return {k: item[k] for k in keep}

    return {"totals": pick(summary["totals"]) if summary["totals"]["actions"] else
            {"actions": 0},
            "axes": {a["code"]: pick(a) for a in summary["axes"] if a["actions"]},
            "objectives": {o["code"]: pick(o) for o in summary["objectives"] if o["actions"]},
            "people": {name: pick(p) for name, p in summary["by_person"].items()
                       if name != "Non précisé" and p["actions"]}}


def flat(figures_: dict, prefix: str = "") -> dict[str, float]:
    """{'axes/1/actions': 4, ...}: every figure under one key, for one comparison."""
    out: dict[str, float] = {}
    for key, value in figures_.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = value
    return out


# ----------------------------------------------------------------------------------- columns

@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Act], Any]  # the cell on an action row
    on_heading: Callable[[str, str], Any] = lambda code, label: None


CODE = Column("Axe", lambda a: a.code, lambda code, label: code)
LABEL = Column("PROGRAMME 2024 - projet", lambda a: a.label, lambda code, label: label)
STANDARD = [
    CODE, LABEL,
    Column("Responsable", lambda a: a.spelling or a.person),
    Column("Jours prévus", lambda a: a.days),
    Column("Budget prévu (€)", lambda a: a.budget),
    Column("Dépenses réalisées (€)", lambda a: a.spent),
    Column("Statut", lambda a: a.status),
    Column("Échéance", lambda a: a.deadline),
]
#: Columns staff add beside the programme's: motxl must ignore them.
LAST_YEAR = [Column("Budget prévu 2023 (€)", lambda a: a.budget * 0.9 + 100),
             Column("Budget prévu TTC (€)", lambda a: a.budget * 1.2),
             Column("Notes internes", lambda a: "à revoir")]
#: Header re-spellings that mean the same column.
RESPELT = {"Axe": "CODE", "PROGRAMME 2024 - projet": "Libellé de l'action",
           "Responsable": "RESPONSABLE", "Jours prévus": "Jours prévus (j)",
           "Budget prévu (€)": "budget\u00a0PRÉVU  (€)", "Statut": " statut ",
           "Échéance": "Echeance"}


@dataclass
class Layout:
    """How a plan is laid out on the sheet."""

    columns: list[Column] = field(default_factory=lambda: list(STANDARD))
    numeric_codes: bool = False  # codes 1, 1.3 typed in a General cell
    noisy_codes: bool = False  # ... or as formula results: =0.1+1.1 → 1.2000000000000002
    title: str | None = None  # a merged title row above the header (and a blank row)
    hidden: tuple[int, ...] = ()  # plan rows (0-based) hidden by the user
    autofilter: bool = False
    sheet: str = "Programme"
    #: (plan row, column header) → raw cell written instead: text, ("formula", f, cached)
    overrides: dict[tuple[int, str], Any] = field(default_factory=dict)

    def header_row(self) -> int:
        return 3 if self.title else 1

    def cell(self, plan_row: int, header: str) -> str:
        """The A1 reference of a plan row's cell in a column."""
        headers = [c.header for c in self.columns]
        col = headers.index(header if header in headers else RESPELT[header])
        return f"{xlsxwriter.utility.xl_col_to_name(col)}{self.header_row() + 1 + plan_row}"


def _numeric(code: str) -> Any:
    """What a General cell holds once the code is typed: 1 → 1, 1.3 → 1.3, 1.1.1 stays text."""
    if code.count(".") > 1:
        return code
    return int(code) if "." not in code else float(code)


def write(path: Path, plan: Plan, layout: Layout | None = None) -> Path:
    """The plan as an .xlsx written with XlsxWriter (formulas carry a stored result, as
    Excel saves them)."""
    layout = layout or Layout()
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_urls": False})
    sheet = book.add_worksheet(layout.sheet)
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    bold = book.add_format({"bold": True})
    width = len(layout.columns)
    top = layout.header_row() - 1
    if layout.title:
        sheet.merge_range(0, 0, 0, width - 1, layout.title, bold)
    for c, column in enumerate(layout.columns):
        sheet.write_string(top, c, column.header, bold)
    for i, item in enumerate(plan.rows):
        r = top + 1 + i
        for c, column in enumerate(layout.columns):
            if isinstance(item, Act):
                value = column.value(item)
                code = item.code
            else:
                value = column.on_heading(*item)
                code = item[0]
            if column.value is CODE.value and (layout.numeric_codes or layout.noisy_codes):
                value = _numeric(code)
                if layout.noisy_codes and isinstance(value, float):
                    # a formula result one float step away: 1.2000000000000002
                    sheet.write_formula(r, c, f"={code}*1", None,
                                        math.nextafter(value, math.inf))
                    continue
            value = layout.overrides.get((i, column.header), value)
            if isinstance(value, tuple) and value[0] == "formula":
                sheet.write_formula(r, c, value[1], None, value[2])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date)
            elif value is not None:
                sheet.write_string(r, c, str(value))
        if i in layout.hidden:
            sheet.set_row(r, None, None, {"hidden": True})
    if layout.autofilter:
        sheet.autofilter(top, 0, top + len(plan.rows), width - 1)
        sheet.filter_column(0, "x != 2")  # what a user's filter on the code column leaves
    book.close()
    return path


def respelt(layout: Layout) -> Layout:
    columns = [replace(c, header=RESPELT.get(c.header, c.header)) for c in layout.columns]
    return replace(layout, columns=columns)


def with_columns(layout: Layout, extra: list[Column], order: list[int] | None = None) -> Layout:
    columns = layout.columns + extra
    if order is not None:
        columns = [columns[i] for i in order]
    return replace(layout, columns=columns)


# ------------------------------------------------------------------------------- LibreOffice

def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_save(path: Path, out_dir: Path, profile: Path) -> Path:
    """Open ``path`` in LibreOffice and save it as .xlsx (what a colleague using LibreOffice
    hands back): ``soffice --convert-to xlsx``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                           "--outdir", str(out_dir), str(path)],
                          capture_output=True, text=True, timeout=180)
    saved = out_dir / (path.stem + ".xlsx")
    assert proc.returncode == 0 and saved.exists(), proc.stderr
    return saved


def openpyxl_copy(source_rows: list[list[Any]], path: Path, sheet: str = "Programme") -> Path:
    """Rows written by a program (openpyxl): formulas are saved without a result."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in source_rows:
        ws.append(row)
    book.save(path)
    return path


def plain_rows(plan: Plan, layout: Layout | None = None) -> list[list[Any]]:
    """Header + rows as plain values (for writers other than XlsxWriter)."""
    layout = layout or Layout()
    rows: list[list[Any]] = [[c.header for c in layout.columns]]
    for i, item in enumerate(plan.rows):
        row = []
        for column in layout.columns:
            value = column.value(item) if isinstance(item, Act) else column.on_heading(*item)
            value = layout.overrides.get((i, column.header), value)
            if isinstance(value, tuple) and value[0] == "formula":
                value = value[1]
            row.append(value)
        rows.append(row)
    return rows
