"""The report folder's index workbook and its manifest of files motxl wrote."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from motxl.presentation.cover import IndexEntry, index_tab
from motxl.render.xlsxwriter_file import FormatCache, StyleMap, new_workbook, render_tabs
from motxl.core.grouping import DIMENSIONS
from motxl.faces.reports.jobs import write_atomically
from motxl.faces.reports.naming import SAFE_STEM


MANIFEST = ".motxl-reports.json"
INDEX_FILE = "index.xlsx"



# --------------------------------------------------------------------------------------------
# Index and manifest


def write_index(directory: Path, entries: Sequence[IndexEntry], now: dt.datetime) -> Path:
    """index.xlsx: one row per report, its figures and a relative link to the file."""
    spec, links = index_tab(entries, now=now, folder=directory.name)
    path = directory / INDEX_FILE

    def write(tmp: Path) -> None:
        workbook = new_workbook(tmp, created=now, properties={
            "title": "Index des rapports", "author": "motxl",
            "company": "Mission Opérationnelle Transfrontalière"})
        try:
            formats = FormatCache(workbook)
            (sheet,) = render_tabs(workbook, [spec], formats)
            styles = StyleMap(spec)
            for link in links:
                fmt = formats.for_names(styles.names_at(link.row, link.col) or ())
                sheet.write_url(link.row, link.col, "external:" + link.target, fmt,
                                string=link.text, tip="Ouvrir le rapport")
        finally:
            workbook.close()

    write_atomically(path, write)
    return path


def _valid_name(name: Any, suffix: str) -> bool:
    return (isinstance(name, str) and name.endswith(suffix)
            and bool(SAFE_STEM.match(name[:-len(suffix)])))


@dataclass
class Manifest:
    """What motxl wrote in a folder: every file it owns, and the reports' index entries."""

    files: set[str] = field(default_factory=set)
    reports: list[dict] = field(default_factory=list)
    warning: str | None = None

    @classmethod
    def load(cls, directory: Path) -> "Manifest":
        path = directory / MANIFEST
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = {f for f in data.get("files", []) if _valid_name(f, ".xlsx")
                     or _valid_name(f, ".pdf")}
            reports = [r for r in data.get("reports", []) if isinstance(r, dict)
                       and r.get("dimension") in DIMENSIONS and _valid_name(r.get("file"), ".xlsx")
                       and (r.get("pdf") is None or _valid_name(r.get("pdf"), ".pdf"))]
        except (OSError, ValueError, AttributeError, TypeError):
            return cls(warning=f"le manifeste {MANIFEST} est illisible : les anciens rapports "
                               "ne seront pas supprimés.")
        for report in reports:
            files.add(report["file"])
            if report.get("pdf"):
                files.add(report["pdf"])
        return cls(files=files, reports=reports)

    def owns(self, name: str) -> bool:
        return name.casefold() in {f.casefold() for f in self.files}

    def save(self, directory: Path) -> None:
        data = {"generator": "motxl", "version": 1, "files": sorted(self.files),
                "reports": self.reports}
        text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
        write_atomically(directory / MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8"))
