"""One report workbook: its job description, its tabs, its atomic write."""

from __future__ import annotations

import datetime as dt
import errno
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from motxl.core.findings import ValidationReport
from motxl.core.model import Programme
from motxl.core.rollup import Rollup, roll_up
from motxl.core.situation import Situation
from motxl.presentation.cover import COMPACT_ACTIONS, CoverInfo, action_rows, cover_tab
from motxl.presentation.names import SYNTHESE
from motxl.errors import MotxlError, os_error_in
from motxl.render.xlsxwriter_file import render_workbook
from motxl.workbooks.saving import TEMP_MARK
from motxl.core.grouping import DIMENSIONS, Group


TEMP_PREFIX = TEMP_MARK  # the same mark as a workbook save's temporary files



# --------------------------------------------------------------------------------------------
# One report


@dataclass
class ReportJob:
    """Everything a worker needs for one report: plain data, no workbook."""

    group: Group
    stem: str
    programme: Programme  # the group's sub-programme
    report: ValidationReport  # the group's findings
    directory: str
    now: dt.datetime
    source_name: str
    situation: Situation | None = None  # the situation date of the tabs (today when None)


@dataclass
class ReportResult:
    dimension: str
    group: str
    title: str
    description: str
    file: str
    figures: dict = field(default_factory=dict)
    findings: dict = field(default_factory=dict)
    pdf: str | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


def report_tabs(job: ReportJob, rollup: Rollup, keep: Sequence[str] | None = None,
                contents: bool = True) -> list:
    """[Couverture, Synthèse, Suivi, Contrôles] for one group (only the ``keep`` tabs after
    the cover, when given; without the cover's list of links to the tabs if not ``contents``:
    a PDF page cannot follow them)."""
    from motxl.presentation import build_tabs

    group = job.group
    tabs = build_tabs(job.programme, job.report, rollup, situation=job.situation, now=job.now,
                      source_name=job.source_name, title_prefix=f"{group.title} — ",
                      links=False)
    if keep is not None:
        tabs = [t for t in tabs if t.name in keep]
    names = {t.name for t in tabs}
    for tab in tabs:  # the programme sheet is not in the report: its links would be broken
        tab.links = [link for link in tab.links if link.sheet in names]
        tab.styles = [s for s in tab.styles if s.style != "link" or _holds_link(s.area, tab)]
    info = CoverInfo(dimension=DIMENSIONS[group.dimension].noun, group=group.key,
                     title=group.title, description=group.description,
                     source_name=job.source_name, sheet=job.programme.sheet,
                     year=job.programme.year, situation=rollup.as_of)
    if rollup.totals.actions <= COMPACT_ACTIONS:
        # One compact page: the cover lists the actions; Suivi and Contrôles stay in the file
        # (hidden: not printed), the Synthèse would only repeat the cover.
        tabs = [t for t in tabs if t.name != SYNTHESE]
        for tab in tabs:
            tab.hidden = True
        cover = cover_tab(info, rollup, job.report.counts, now=job.now,
                          dimension_key=group.dimension,
                          actions=action_rows(job.programme.actions))
        return [cover, *tabs]
    cover = cover_tab(info, rollup, job.report.counts, now=job.now,
                      contents=[t.name for t in tabs] if contents else (),
                      dimension_key=group.dimension)
    return [cover, *tabs]


def _holds_link(area, tab) -> bool:
    """Whether a "link"-styled area still holds a link: nothing looks like a link that isn't."""
    return any(area.first_row <= link.row <= area.last_row
               and area.first_col <= link.col <= area.last_col for link in tab.links)


def write_report(job: ReportJob) -> ReportResult:
    """Build and write one group's report (atomically); raises on failure."""
    start = time.perf_counter()
    rollup = roll_up(job.programme, job.situation.date if job.situation else job.now.date())
    tabs = report_tabs(job, rollup)
    path = Path(job.directory) / f"{job.stem}.xlsx"
    properties = {"title": f"Rapport — {job.group.title}",
                  "subject": "Programme de travail de la MOT",
                  "author": "motxl", "company": "Mission Opérationnelle Transfrontalière",
                  "comments": f"Produit par motxl à partir de {job.source_name}"}
    write_atomically(path, lambda tmp: render_workbook(tmp, tabs, created=job.now,
                                                       properties=properties))
    return ReportResult(
        dimension=job.group.dimension, group=job.group.key, title=job.group.title,
        description=job.group.description, file=path.name,
        figures=rollup.totals.as_dict(), findings=dict(job.report.counts),
        seconds=time.perf_counter() - start)


def run_job(job: ReportJob) -> ReportResult:
    """write_report, with any failure turned into a French line on the result."""
    try:
        return write_report(job)
    except Exception as exc:  # noqa: BLE001 - one group's failure must not stop the others
        return ReportResult(dimension=job.group.dimension, group=job.group.key,
                            title=job.group.title, description=job.group.description,
                            file=f"{job.stem}.xlsx", error=describe_error(exc))


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, MotxlError):
        return exc.message
    exc = os_error_in(exc) or exc
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disque plein : libérez de la place sur le disque du dossier puis relancez."
    if isinstance(exc, PermissionError):
        return ("écriture refusée (fichier ouvert dans Excel, ou dossier en lecture seule) : "
                "fermez le fichier et relancez.")
    if isinstance(exc, OSError) and exc.strerror:
        return (f"erreur d'écriture ({exc.strerror}) : vérifiez le disque et le dossier, puis "
                "relancez.")
    text = " ".join(str(exc).split())[:200]
    return f"erreur inattendue ({type(exc).__name__}{' : ' + text if text else ''})."


def write_atomically(path: Path, write: Callable[[Path], Any]) -> None:
    """Call ``write(temporary path in the same folder)``, then move it onto ``path``."""
    tmp = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}{path.suffix}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
