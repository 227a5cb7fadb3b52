"""One PDF booklet for the general assembly: cover, contents, the Synthèse, one section per group.

LibreOffice prints the tabs (the programme's Synthèse, then each group's cover, Synthèse and
Suivi, from temporary report workbooks, in one soffice run); pypdf joins the PDFs, draws the
cover and the contents page (with each section's first page), adds one bookmark per section and
stamps « Page n / N » across the whole booklet (the tabs' own footers are left empty, since
LibreOffice would number each file from 1).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from pypdf import PdfReader, PdfWriter

from motxl.core.findings import ValidationReport
from motxl.core.grouping import DIMENSIONS
from motxl.core.model import Programme
from motxl.core.rollup import roll_up
from motxl.errors import MotxlError
from motxl.faces.reports.jobs import report_tabs, write_atomically
from motxl.faces.reports.pdf import convert_to_pdf
from motxl.faces.reports.pdf_pages import (GREY, NAVY, TextLine, fit, stamp, text_page,
                                           text_width)
from motxl.presentation import SUIVI, SYNTHESE, build_tabs
from motxl.presentation.cover import group_label
from motxl.presentation.spec import ORGANISATION, TabSpec, situation_label
from motxl.render.xlsxwriter_file import render_workbook

SYNTHESE_TITLE = "Synthèse du programme"
CONTENTS_TITLE = "Sommaire"
#: What each group's section holds after its cover (Contrôles stays in the reports).
SECTION_TABS = (SYNTHESE, SUIVI)
_CONTENTS_PER_PAGE = 24


@dataclass
class Section:
    title: str
    pdf: Path
    first_page: int = 0  # 1-based page of the booklet
    pages: int = 0


@dataclass
class BookletResult:
    path: Path
    pages: int
    sections: list[Section] = field(default_factory=list)


def _unnumbered(tabs: Sequence[TabSpec]) -> list[TabSpec]:
    """The tabs without their own page footer: the booklet numbers its pages itself."""
    for tab in tabs:
        tab.print_setup = replace(tab.print_setup, footer="")
    return list(tabs)


def _parts(programme: Programme, report: ValidationReport, dimensions: Sequence[str],
           work: Path, now: dt.datetime, source_name: str,
           situation: dt.date | None = None) -> list[tuple[Section, list]]:
    """(section, tabs) for the Synthèse and for every group, in booklet order, as of the
    situation date (today when None)."""
    from motxl.core.situation import Situation
    from motxl.faces.batch import plan_jobs

    as_of = situation or now.date()
    synthese = build_tabs(programme, report, roll_up(programme, as_of), now=now,
                          situation=as_of, source_name=source_name)[0]
    parts = [(Section(SYNTHESE_TITLE, work / "00-synthese.pdf"), _unnumbered([synthese]))]
    jobs = plan_jobs(programme, report, dimensions, work, now,
                     situation=Situation(as_of, "option" if situation else "today"))
    for number, job in enumerate(jobs, start=1):
        tabs = report_tabs(job, roll_up(job.programme, as_of), keep=SECTION_TABS,
                           contents=False)
        title = group_label(job.group.title, job.group.description)
        parts.append((Section(title, work / f"{number:02d}-{job.stem}.pdf"), _unnumbered(tabs)))
    return parts


def build_booklet(programme: Programme, dimensions: Sequence[str], output: str | Path, *,
                  soffice: str, now: dt.datetime, report: ValidationReport | None = None,
                  situation: dt.date | None = None) -> BookletResult:
    """Write the booklet PDF at ``output`` (atomically); MotxlError if LibreOffice fails."""
    from motxl.core.checks import validate

    output = Path(output)
    report = report or validate(programme)
    source_name = Path(programme.source).name if programme.source else programme.sheet
    work = Path(tempfile.mkdtemp(prefix="motxl-booklet-"))
    try:
        parts = _parts(programme, report, dimensions, work, now, source_name, situation)
        books = []
        for section, tabs in parts:
            book = section.pdf.with_suffix(".xlsx")
            render_workbook(book, tabs, created=now)
            books.append(book)
        failed = {name: why for name, why in convert_to_pdf(books, soffice).items() if why}
        if failed:
            raise MotxlError("Le livret n'a pas pu être imprimé par LibreOffice ("
                             f"{next(iter(failed.values()))}) ; aucun fichier n'a été écrit.")
        sections = [section for section, _ in parts]
        writer = _assemble(programme, sections, dimensions, source_name, situation)
        write_atomically(output, lambda tmp: _write(writer, tmp))
        return BookletResult(output, len(writer.pages), sections)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write(writer: PdfWriter, path: Path) -> None:
    with open(path, "wb") as handle:
        writer.write(handle)


def _assemble(programme: Programme, sections: list[Section], dimensions: Sequence[str],
              source_name: str, situation: dt.date | None) -> PdfWriter:
    readers = [PdfReader(section.pdf) for section in sections]
    box = readers[0].pages[0].mediabox
    width, height = float(box.width), float(box.height)
    contents_pages = -(-len(sections) // _CONTENTS_PER_PAGE)
    page = 1 + contents_pages + 1
    for section, reader in zip(sections, readers):
        section.first_page, section.pages = page, len(reader.pages)
        page += section.pages
    total = page - 1

    writer = PdfWriter()
    writer.add_page(_cover(programme, dimensions, source_name, situation, width, height))
    for chunk in range(contents_pages):
        shown = sections[chunk * _CONTENTS_PER_PAGE:(chunk + 1) * _CONTENTS_PER_PAGE]
        writer.add_page(_contents(shown, width, height, first=chunk == 0))
    writer.add_outline_item(title=CONTENTS_TITLE, page_number=1)
    for section, reader in zip(sections, readers):
        for pdf_page in reader.pages:
            writer.add_page(pdf_page)
        writer.add_outline_item(title=section.title, page_number=section.first_page - 1)
    for number, pdf_page in enumerate(writer.pages, start=1):
        if number > 1:  # the cover carries no number
            stamp(pdf_page, [TextLine(f"Page {number} / {total}", width / 2, 20, size=9,
                                      align="center")])
    writer.add_metadata({"/Title": f"Programme de travail {programme.year or ''} — livret".strip(),
                         "/Author": ORGANISATION, "/Creator": "motxl"})
    writer.page_mode = "/UseOutlines"
    return writer


def _cover(programme: Programme, dimensions: Sequence[str], source_name: str,
           situation: dt.date | None, width: float, height: float):
    from motxl.faces.text_output import _days, _euros

    totals = roll_up(programme).totals
    year = f" {programme.year}" if programme.year else ""
    groups = ", ".join(f"par {DIMENSIONS[d].noun.lower()}" for d in dimensions)
    middle = width / 2
    lines = [
        TextLine(ORGANISATION, middle, height * 0.72, size=14, color=GREY, align="center"),
        TextLine(f"Programme de travail{year}", middle, height * 0.62, size=30, font="F2",
                 color=NAVY, align="center"),
        TextLine(situation_label(programme.year, situation) if situation else
                 "Livret de synthèse", middle, height * 0.53, size=18, color=NAVY,
                 align="center"),
        TextLine(f"{totals.actions} actions · {_days(totals.days_planned)} jours prévus · "
                 f"{_euros(totals.budget_planned)} prévus · {_euros(totals.spent_actual)} "
                 "dépensés", middle, height * 0.43, size=12, align="center"),
        TextLine(f"Synthèse, puis une section {groups}", middle, height * 0.37, size=12,
                 color=GREY, align="center"),
        TextLine(f"Source : {source_name}", middle, height * 0.12, size=9, font="F3",
                 color=GREY, align="center"),
    ]
    return text_page(width, height, lines, rules=[(width * 0.2, width * 0.8, height * 0.58)])


def _contents(sections: list[Section], width: float, height: float, first: bool):
    left, right, top = 80.0, width - 80.0, height - 80.0
    lines = [TextLine(CONTENTS_TITLE if first else f"{CONTENTS_TITLE} (suite)", left, top,
                      size=20, font="F2", color=NAVY)]
    leaders: list[tuple[float, float, float]] = []
    step = (top - 70 - 40) / _CONTENTS_PER_PAGE
    y = top - 40
    for section in sections:
        bold = "F2" if section.title == SYNTHESE_TITLE else "F1"
        title = fit(section.title, right - left - 60, 11)
        lines.append(TextLine(title, left, y, size=11, font=bold))
        lines.append(TextLine(str(section.first_page), right, y, size=11, font=bold,
                              align="right"))
        # text_width errs wide, never narrow: the leader starts clear of the title.
        leaders.append((left + text_width(title, 11) + 6,
                        right - text_width(str(section.first_page), 11) - 6, y + 1))
        y -= step
    return text_page(width, height, lines, rules=[(left, right, top - 12)], leaders=leaders)
