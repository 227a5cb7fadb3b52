"""Batch generation of report workbooks: one .xlsx per group of actions, an index, PDFs.

A *dimension* cuts the programme into groups (one per axis, objective, funding line, border,
person or status). Each group gets its own workbook — a cover, then the same Synthèse, Suivi
and Contrôles tabs as the programme workbook, built on the group's sub-programme — written with
XlsxWriter (no macros), atomically (temporary file in the folder, then ``os.replace``).

The folder keeps a small manifest (``.motxl-reports.json``) of the files motxl wrote there, so
that a re-run replaces its reports cleanly: reports of the same dimensions that no longer have a
group are removed, files motxl did not write are never touched (a report whose name is taken by
such a file stops the run before anything is written).

Choices: a group exists only if it has actions (an axis without actions gets no report); actions
without a border tag get no border report; actions without funding, status or person go to the
« Non précisé », « Non renseigné », « Non attribué » groups; an action with two borders is in
both border reports. ``--pdf`` without LibreOffice stops before writing anything (exit 2).
When a group fails, the report an earlier run wrote for it (if any) is kept and stays in the
index with its own date.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from motxl.core.findings import ValidationReport
from motxl.core.model import FUNDINGS, STATUSES, Programme
from motxl.core.rollup import NO_FUNDING, NO_PERSON, NO_STATUS, Rollup, roll_up
from motxl.core.tabs.cover import CoverInfo, IndexEntry, cover_tab, index_tab
from motxl.core.text import fold
from motxl.errors import MotxlError
from motxl.render.xlsxwriter_file import (FormatCache, StyleMap, new_workbook, render_tabs,
                                          render_workbook)

MANIFEST = ".motxl-reports.json"
INDEX_FILE = "index.xlsx"
TEMP_PREFIX = ".motxl-tmp-"
MAX_STEM = 80


@dataclass(frozen=True)
class Dimension:
    key: str
    noun: str  # French, for people: "Frontière"
    prefix: str  # start of the file names: "Frontiere"


DIMENSIONS: dict[str, Dimension] = {
    "axis": Dimension("axis", "Axe", "Axe"),
    "objective": Dimension("objective", "Objectif", "Objectif"),
    "funding": Dimension("funding", "Financement", "Financement"),
    "border": Dimension("border", "Frontière", "Frontiere"),
    "person": Dimension("person", "Responsable", "Responsable"),
    "status": Dimension("status", "Statut", "Statut"),
}
#: French names accepted on the command line too.
ALIASES = {"axe": "axis", "objectif": "objective", "financement": "funding",
           "frontiere": "border", "responsable": "person", "statut": "status"}


def dimension_key(name: str) -> str:
    """'axis', 'Axe', 'frontière' → the dimension key; ValueError otherwise."""
    key = fold(name)
    if key in DIMENSIONS:
        return key
    if key in ALIASES:
        return ALIASES[key]
    raise ValueError(name)


# --------------------------------------------------------------------------------------------
# File names

_TRANSLIT = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss", "ø": "o",
                           "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th",
                           "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i", "€": "EUR"})
_NOT_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EDGES = "-._"
#: What every name motxl gives a report matches (before its extension).
SAFE_STEM = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$")
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                              *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))})


def _cap(stem: str, length: int) -> str:
    return stem[:length].rstrip(_EDGES)


def _collapse(stem: str) -> str:
    stem = re.sub(r"-{2,}", "-", stem)
    stem = re.sub(r"[-._]*\.[-._]*", lambda m: "." if m.group(0).count(".") else m.group(0),
                  stem)
    return stem


def safe_stem(text: str, max_len: int = MAX_STEM) -> str:
    """A file name (without extension) safe on Windows, macOS and Linux.

    Accents become plain letters, every other character outside ``A-Z a-z 0-9 . _ -`` becomes
    ``-``; no leading or trailing dot, dash or space; at most ``max_len`` characters; Windows'
    reserved device names (CON, NUL, COM1...) get a trailing ``_``.
    """
    text = unicodedata.normalize("NFKD", str(text).translate(_TRANSLIT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.encode("ascii", "ignore").decode("ascii")
    stem = _collapse(_NOT_SAFE.sub("-", text)).strip(_EDGES)
    stem = _cap(stem, max_len) or "Sans-nom"
    base = stem.split(".", 1)[0]
    if base.upper() in WINDOWS_RESERVED:  # 'CON' → 'CON_', 'nul.txt' → 'nul_.txt'
        if len(base) >= max_len:
            base = base[:max(max_len - 1, 1)]
        stem = (base + "_" + stem[len(base):])[:max_len].rstrip("-.")
    return stem


def unique_stems(texts: Iterable[str], max_len: int = MAX_STEM,
                 taken: Iterable[str] = ()) -> list[str]:
    """Safe stems, distinct even on case-insensitive file systems: repeats get -2, -3...
    in the order given (so the same groups always get the same names)."""
    used = {t.casefold() for t in taken}
    stems = []
    for text in texts:
        stem = safe_stem(text, max_len)
        candidate, n = stem, 2
        while candidate.casefold() in used:
            suffix = f"-{n}"
            candidate = (_cap(stem, max_len - len(suffix)) or "Sans-nom") + suffix
            n += 1
        used.add(candidate.casefold())
        stems.append(candidate)
    return stems


# --------------------------------------------------------------------------------------------
# Groups and sub-programmes


@dataclass(frozen=True)
class Group:
    dimension: str
    key: str  # the value the actions share: "1", "FR-DE", "Anne Martin"
    title: str  # "Axe 1", "Frontière FR-DE"
    description: str  # the heading's label, for axes and objectives
    name: str  # what the file name is made from: "Axe 1" → Axe-1.xlsx
    rows: tuple[int, ...]  # sheet rows of the group's actions
    span: tuple[int, int] | None = None  # sheet rows of the section, for axes and objectives


def _ordered_keys(keys: Iterable[str], first: Sequence[str], last: str) -> list[str]:
    keys = set(keys)
    rest = sorted((k for k in keys if k not in first and k != last), key=lambda k: (fold(k), k))
    return [k for k in first if k in keys] + rest + ([last] if last in keys else [])


def _section_span(programme: Programme, code: str, level: int) -> tuple[int, int] | None:
    heading = programme.headings_by_code.get(code)
    if heading is None:
        return None
    end = programme.last_row
    for other in programme.headings:
        if other.row > heading.row and other.level <= level:
            end = other.row - 1
            break
    return heading.row, end


def groups_of(programme: Programme, dimension: str) -> list[Group]:
    """The groups of a dimension, in a fixed order, each with at least one action."""
    noun = DIMENSIONS[dimension].noun
    prefix = DIMENSIONS[dimension].prefix
    members: dict[str, list[int]] = {}

    def add(key: str, row: int) -> None:
        members.setdefault(key, []).append(row)

    for action in programme.actions:
        if dimension == "axis":
            add(action.axis, action.row)
        elif dimension == "objective":
            add(action.objective or action.axis, action.row)
        elif dimension == "funding":
            add(action.funding or NO_FUNDING, action.row)
        elif dimension == "border":
            for tag in action.borders:
                add(tag, action.row)
        elif dimension == "person":
            add(action.person or NO_PERSON, action.row)
        elif dimension == "status":
            add(action.status or NO_STATUS, action.row)
        else:
            raise ValueError(dimension)

    groups = []
    if dimension in ("axis", "objective"):
        order = {h.code: i for i, h in enumerate(programme.headings)}
        keys = sorted(members, key=lambda k: (order.get(k, len(order)), k))
        for key in keys:
            heading = programme.headings_by_code.get(key)
            level = heading.level if heading else key.count(".") + 1
            description = heading.label if heading else ""
            if dimension == "objective" and level == 1:
                title = f"Axe {key} — actions hors objectif"
                name = f"{prefix} {key} hors objectif"
            else:
                title = f"{'Axe' if level == 1 else 'Objectif'} {key}"
                name = f"{prefix} {key}"
            groups.append(Group(dimension, key, title, description, name,
                                tuple(members[key]), _section_span(programme, key, level)))
        return groups
    first: Sequence[str] = {"funding": FUNDINGS, "status": STATUSES}.get(dimension, ())
    last = {"funding": NO_FUNDING, "status": NO_STATUS, "person": NO_PERSON}.get(dimension, "")
    for key in _ordered_keys(members, first, last):
        title = f"{noun} {key}" if dimension == "border" else f"{noun} : {key}"
        groups.append(Group(dimension, key, title, "", f"{prefix} {key}", tuple(members[key])))
    return groups


def sub_programme(programme: Programme, rows: Iterable[int], *,
                  with_rows: bool = True) -> Programme:
    """The programme restricted to the actions on ``rows`` and the headings they hang from.

    ``with_rows=False`` leaves out the raw source rows (only the checks read them): less to
    send to a worker process."""
    wanted = set(rows)
    actions = [a for a in programme.actions if a.row in wanted]
    codes = {c for a in actions for c in (a.axis, a.objective, a.sub_objective, a.code) if c}
    headings = [h for h in programme.headings if h.code in codes]
    keep = wanted | {h.row for h in headings}
    return Programme(
        source=programme.source, sheet=programme.sheet, header_row=programme.header_row,
        columns=dict(programme.columns), year=programme.year, last_row=programme.last_row,
        last_column=programme.last_column, headings=headings, actions=actions,
        rows=[r for r in programme.rows if r.row in keep] if with_rows else [])


def group_report(report: ValidationReport, group: Group) -> ValidationReport:
    """The findings on the group's rows (and, for an axis or objective, on its section)."""
    rows = set(group.rows)
    first, last = group.span or (0, -1)
    findings = [f for f in report.findings if f.row in rows or first <= f.row <= last]
    return ValidationReport(source=report.source, sheet=report.sheet, findings=findings)


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


def report_tabs(job: ReportJob, rollup: Rollup) -> list:
    """[Couverture, Synthèse, Suivi, Contrôles] for one group."""
    from motxl.core.tabs import build_tabs

    group = job.group
    tabs = build_tabs(job.programme, job.report, rollup, now=job.now,
                      source_name=job.source_name, title_prefix=f"{group.title} — ")
    names = {t.name for t in tabs}
    for tab in tabs:  # the programme sheet is not in the report: its links would be broken
        tab.links = [link for link in tab.links if link.sheet in names]
    info = CoverInfo(dimension=DIMENSIONS[group.dimension].noun, group=group.key,
                     title=group.title, description=group.description,
                     source_name=job.source_name, sheet=job.programme.sheet,
                     year=job.programme.year)
    cover = cover_tab(info, rollup, job.report.counts, now=job.now,
                      contents=[t.name for t in tabs], dimension_key=group.dimension)
    return [cover, *tabs]


def write_report(job: ReportJob) -> ReportResult:
    """Build and write one group's report (atomically); raises on failure."""
    start = time.perf_counter()
    rollup = roll_up(job.programme)
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
    if isinstance(exc, PermissionError):
        return ("écriture refusée (fichier ouvert dans Excel, ou dossier en lecture seule) : "
                "fermez le fichier et relancez.")
    if isinstance(exc, OSError) and exc.strerror:
        return f"erreur d'écriture ({exc.strerror})."
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


# --------------------------------------------------------------------------------------------
# PDF with LibreOffice

_SOFFICE_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def find_soffice() -> str | None:
    """LibreOffice's soffice: $MOTXL_SOFFICE, the PATH, then the usual install places."""
    wanted = os.environ.get("MOTXL_SOFFICE")
    if wanted:
        return wanted if Path(wanted).exists() or shutil.which(wanted) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _SOFFICE_PLACES if Path(p).exists()), None)


def convert_to_pdf(files: Sequence[Path], soffice: str, *, timeout: float | None = None,
                   chunk: int = 40) -> dict[str, str | None]:
    """Convert the workbooks to PDF beside them (replacing older PDFs atomically).

    Few soffice calls (``chunk`` files each), a private LibreOffice profile
    ($MOTXL_SOFFICE_PROFILE if set, else a temporary one), a timeout. Returns
    {xlsx name: None if converted, else a French reason}.
    """
    outcome: dict[str, str | None] = {}
    if not files:
        return outcome
    directory = files[0].parent
    shared_profile = os.environ.get("MOTXL_SOFFICE_PROFILE")
    profile = Path(shared_profile) if shared_profile else Path(tempfile.mkdtemp(prefix="motxl-lo-"))
    work = Path(tempfile.mkdtemp(prefix=".motxl-pdf-", dir=directory))
    try:
        for start in range(0, len(files), chunk):
            part = list(files[start:start + chunk])
            error = _run_soffice(soffice, profile, work, part,
                                 timeout or 60 + 20 * len(part))
            for path in part:
                produced = work / (path.stem + ".pdf")
                if produced.exists() and produced.stat().st_size > 0:
                    os.replace(produced, path.with_suffix(".pdf"))
                    outcome[path.name] = None
                else:
                    outcome[path.name] = error or "LibreOffice n'a pas produit de PDF."
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not shared_profile:
            shutil.rmtree(profile, ignore_errors=True)
    return outcome


def _run_soffice(soffice: str, profile: Path, outdir: Path, files: Sequence[Path],
                 timeout: float) -> str | None:
    command = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
               "--invisible", "--norestore", "--nolockcheck", "--nodefault",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=posix)
    except OSError as exc:
        return f"LibreOffice ne démarre pas ({exc.strerror or exc})."
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
        else:
            proc.kill()
        proc.communicate()
        return f"LibreOffice n'a pas fini en {timeout:.0f} s (conversion abandonnée)."
    if proc.returncode:
        detail = " ".join(err.decode("utf-8", "replace").split())[:160]
        return f"LibreOffice a échoué (code {proc.returncode}{' : ' + detail if detail else ''})."
    return None


# --------------------------------------------------------------------------------------------
# The batch


def report_time() -> dt.datetime:
    """Now, or $SOURCE_DATE_EPOCH (UTC) for reproducible reports."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.now().replace(microsecond=0)


class Progress:
    """What the batch tells its face as it goes (the default says nothing)."""

    def start(self, total: int, description: str) -> None:
        pass

    def advance(self, result: ReportResult | None = None) -> None:
        pass

    def stop(self) -> None:
        pass


@dataclass
class BatchResult:
    directory: Path
    reports: list[ReportResult]
    index: str | None
    removed: list[str]
    failures: list[str]  # French lines
    warnings: list[str]
    seconds: float

    @property
    def written(self) -> list[ReportResult]:
        return [r for r in self.reports if r.ok]

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def to_json_dict(self) -> dict:
        return {
            "directory": str(self.directory), "index": self.index,
            "reports": [{"file": r.file, "pdf": r.pdf, "dimension": r.dimension,
                         "group": r.group, "title": r.title, "description": r.description,
                         "figures": r.figures, "findings": r.findings}
                        for r in self.written],
            "failures": [{"file": r.file, "dimension": r.dimension, "group": r.group,
                          "error": r.error} for r in self.reports if not r.ok],
            "errors": self.failures, "removed": self.removed, "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
        }


_TEMP_NAME = re.compile(r"^" + re.escape(TEMP_PREFIX) + r"[0-9a-f]{12}\.[a-z]+\.tmp$")


def remove_old_temporaries(directory: Path, age: float = 3600.0) -> None:
    """Temporary files an interrupted run left (by their exact name pattern, an hour old)."""
    limit = time.time() - age
    for path in directory.iterdir():
        if _TEMP_NAME.match(path.name):
            try:
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                pass


def prepare_directory(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise MotxlError(f"{directory} existe et n'est pas un dossier : choisissez un autre "
                         "dossier de sortie (-o).")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MotxlError(f"Impossible de créer le dossier {directory} "
                         f"({exc.strerror or exc}) : vérifiez le chemin et les droits.")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise MotxlError(f"Le dossier {directory} est en lecture seule : choisissez un autre "
                         "dossier de sortie (-o).")


def plan_jobs(programme: Programme, report: ValidationReport, dimensions: Sequence[str],
              directory: Path, now: dt.datetime, taken: Iterable[str] = ()) -> list[ReportJob]:
    """One job per group of each dimension, with distinct safe file names."""
    groups = [g for d in dimensions for g in groups_of(programme, d)]
    stems = unique_stems([g.name for g in groups], taken=[Path(INDEX_FILE).stem, *taken])
    source_name = Path(programme.source).name if programme.source else programme.sheet
    return [ReportJob(group=g, stem=s, programme=sub_programme(programme, g.rows,
                                                               with_rows=False),
                      report=group_report(report, g), directory=str(directory), now=now,
                      source_name=source_name)
            for g, s in zip(groups, stems)]


def run_batch(programme: Programme, dimensions: Sequence[str], directory: str | Path, *,
              report: ValidationReport | None = None, jobs: int = 1, pdf: bool = False,
              now: dt.datetime | None = None, progress: Progress | None = None) -> BatchResult:
    """Write every group's report of every dimension into ``directory``, then the index.

    Raises MotxlError (nothing written) when the folder is unusable, when a report's name is
    taken by a file motxl did not write, or when ``pdf`` is asked without LibreOffice.
    """
    from motxl.core.checks import validate

    started = time.perf_counter()
    progress = progress or Progress()
    directory = Path(directory)
    dims = list(dict.fromkeys(dimension_key(d) for d in dimensions))
    soffice = None
    if pdf:
        soffice = find_soffice()
        if soffice is None:
            raise MotxlError("LibreOffice (soffice) est introuvable : il faut l'installer pour "
                             "produire les PDF (ou indiquez son chemin dans MOTXL_SOFFICE), "
                             "ou relancez sans --pdf. Aucun fichier n'a été écrit.")
    prepare_directory(directory)
    remove_old_temporaries(directory)
    manifest = Manifest.load(directory)
    warnings = [manifest.warning] if manifest.warning else []
    report = report or validate(programme)
    now = now or report_time()

    kept = [r for r in manifest.reports if r["dimension"] not in dims]
    taken = [Path(r["file"]).stem for r in kept]
    planned = plan_jobs(programme, report, dims, directory, now, taken)
    for dim in dims:
        if not any(job.group.dimension == dim for job in planned):
            warnings.append(f"aucun groupe pour le regroupement « {DIMENSIONS[dim].noun} » "
                            "(aucune action concernée) : aucun rapport de ce type.")
    targets = [f"{j.stem}.xlsx" for j in planned] + [INDEX_FILE]
    if pdf:
        targets += [f"{j.stem}.pdf" for j in planned]
    foreign = [t for t in targets if (directory / t).exists() and not manifest.owns(t)]
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise MotxlError(f"Le dossier {directory} contient déjà {shown}, que motxl n'a pas "
                         "écrit(s) : déplacez ces fichiers ou choisissez un autre dossier (-o). "
                         "Aucun fichier n'a été écrit.")
    # Own the targets before writing any, so that an interrupted run can be re-run.
    manifest.files |= set(targets)
    try:
        manifest.save(directory)
    except OSError as exc:
        raise MotxlError(f"Écriture impossible dans {directory} ({exc.strerror or exc}) : "
                         "vérifiez les droits sur le dossier.")

    results = _run_jobs(planned, jobs, progress)
    failures = [f"échec du rapport « {r.title} » ({r.file}) : {r.error}"
                for r in results if not r.ok]

    if pdf and soffice:
        done = [r for r in results if r.ok]
        progress.start(1, "Conversion en PDF (LibreOffice)")
        try:
            outcome = convert_to_pdf([directory / r.file for r in done], soffice)
        except Exception as exc:  # noqa: BLE001 - the workbooks are written; say PDFs failed
            outcome = {r.file: describe_error(exc) for r in done}
        finally:
            progress.advance()
            progress.stop()
        for r in done:
            reason = outcome.get(r.file)
            if reason is None:
                r.pdf = Path(r.file).with_suffix(".pdf").name
            else:
                failures.append(f"PDF non produit pour {r.file} : {reason}")

    source = planned[0].source_name if planned else Path(programme.source).name
    removed = _update_manifest(manifest, directory, dims, results, warnings, source=source,
                               now=now)
    index_name = None
    try:
        entries = [_index_entry(r) for r in manifest.reports]
        write_index(directory, entries, now)
        index_name = INDEX_FILE
    except Exception as exc:  # noqa: BLE001 - the reports are written; say the index failed
        failures.append(f"échec de l'index {INDEX_FILE} : {describe_error(exc)}")
    manifest.files = {f for f in manifest.files if (directory / f).exists()}
    try:
        manifest.save(directory)
    except OSError as exc:
        failures.append(f"échec du manifeste {MANIFEST} : {describe_error(exc)}")
    return BatchResult(directory=directory, reports=results, index=index_name, removed=removed,
                       failures=failures, warnings=warnings,
                       seconds=time.perf_counter() - started)


def _run_jobs(planned: list[ReportJob], jobs: int, progress: Progress) -> list[ReportResult]:
    results: list[ReportResult | None] = [None] * len(planned)
    workers = max(1, min(jobs, len(planned)))
    if workers == 1:
        progress.start(len(planned), "Rapports")
        try:
            for i, job in enumerate(planned):
                results[i] = run_job(job)
                progress.advance(results[i])
        finally:
            progress.stop()
        return results  # type: ignore[return-value]
    import xlsxwriter  # noqa: F401  (imported once here, shared by forked workers)

    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_job, job): i for i, job in enumerate(planned)}
        progress.start(len(planned), "Rapports")  # after the workers exist (fork)
        try:
            for future in concurrent.futures.as_completed(futures):
                i = futures[future]
                job = planned[i]
                try:
                    results[i] = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker died (memory...)
                    results[i] = ReportResult(
                        dimension=job.group.dimension, group=job.group.key,
                        title=job.group.title, description=job.group.description,
                        file=f"{job.stem}.xlsx",
                        error=f"le processus de calcul s'est arrêté ({type(exc).__name__}).")
                progress.advance(results[i])
        finally:
            progress.stop()
    return results  # type: ignore[return-value]


def _entry(result: ReportResult, source: str, now: dt.datetime) -> dict:
    return {"dimension": result.dimension, "group": result.group, "title": result.title,
            "description": result.description, "file": result.file, "pdf": result.pdf,
            "figures": result.figures, "findings": result.findings,
            "written": now.isoformat(timespec="seconds"), "source": source}


def _update_manifest(manifest: Manifest, directory: Path, dims: Sequence[str],
                     results: Sequence[ReportResult], warnings: list[str], *, source: str,
                     now: dt.datetime) -> list[str]:
    """New report entries; removes what earlier runs wrote for these dimensions and no longer
    applies. Returns the names removed."""
    previous = {r["file"].casefold(): r for r in manifest.reports}
    now_entries = []
    for result in results:
        old = previous.get(result.file.casefold())
        if result.ok:
            now_entries.append(_entry(result, source, now))
        elif old is not None and old["dimension"] == result.dimension \
                and (directory / old["file"]).exists():
            now_entries.append(old)  # keep the earlier report of a group that failed now
    current = {e["file"].casefold() for e in now_entries}
    current_pdfs = {e["pdf"].casefold() for e in now_entries if e.get("pdf")}
    stale: list[str] = []
    kept_other = []
    for old in manifest.reports:
        if old["dimension"] not in dims:
            if (directory / old["file"]).exists():
                if old.get("pdf") and not (directory / old["pdf"]).exists():
                    old = {**old, "pdf": None}
                kept_other.append(old)
            continue
        if old["file"].casefold() not in current:
            stale.append(old["file"])
        if old.get("pdf") and old["pdf"].casefold() not in current_pdfs:
            stale.append(old["pdf"])
    removed = []
    for name in stale:
        if not manifest.owns(name):
            continue
        try:
            (directory / name).unlink()
            removed.append(name)
        except FileNotFoundError:
            pass
        except OSError as exc:
            warnings.append(f"{name} (ancien rapport) n'a pas pu être supprimé "
                            f"({exc.strerror or exc}).")
            continue
        manifest.files.discard(name)
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    entries = kept_other + now_entries
    entries.sort(key=lambda e: order[e["dimension"]])  # stable: group order kept
    manifest.reports = entries
    for entry in entries:
        manifest.files.add(entry["file"])
        if entry.get("pdf"):
            manifest.files.add(entry["pdf"])
    return removed


def _index_entry(entry: dict) -> IndexEntry:
    written = None
    try:
        written = dt.datetime.fromisoformat(entry.get("written", ""))
    except (TypeError, ValueError):
        pass
    return IndexEntry(dimension=DIMENSIONS[entry["dimension"]].noun,
                      group=str(entry.get("group", "")), title=str(entry.get("title", "")),
                      file=entry["file"], description=str(entry.get("description", "")),
                      pdf=entry.get("pdf"), figures=dict(entry.get("figures") or {}),
                      counts=dict(entry.get("findings") or {}), written=written,
                      source=str(entry.get("source", "")))


__all__ = ["DIMENSIONS", "ALIASES", "Group", "ReportJob", "ReportResult", "BatchResult",
           "Manifest", "Progress", "dimension_key", "safe_stem", "unique_stems", "groups_of",
           "sub_programme", "group_report", "report_tabs", "write_report", "run_job",
           "write_index", "find_soffice", "convert_to_pdf", "run_batch", "plan_jobs",
           "SAFE_STEM", "MANIFEST", "INDEX_FILE"]
