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

This module runs the batch; the pieces live in ``motxl/faces/reports/``: ``groups`` (dimensions,
groups, sub-programmes), ``naming`` (file names), ``jobs`` (one report, written atomically),
``folder`` (index and manifest) and ``pdf`` (LibreOffice).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from motxl.core.findings import ValidationReport
from motxl.core.model import Programme
from motxl.core.situation import Situation, resolve
from motxl.presentation.cover import IndexEntry
from motxl.errors import MotxlError
from motxl.faces.reports.folder import INDEX_FILE, MANIFEST, Manifest, write_index
from motxl.core.grouping import (ALIASES, DIMENSIONS, Group, dimension_key, group_report,
                                        groups_of, sub_programme)
from motxl.faces.reports.jobs import (TEMP_PREFIX, ReportJob, ReportResult, describe_error,
                                      report_tabs, run_job, write_report)
from motxl.faces.reports.naming import SAFE_STEM, safe_stem, unique_stems
from motxl.faces.reports.pdf import convert_to_pdf, find_soffice





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
              directory: Path, now: dt.datetime, taken: Iterable[str] = (),
              situation: Situation | None = None) -> list[ReportJob]:
    """One job per group of each dimension, with distinct safe file names."""
    groups = [g for d in dimensions for g in groups_of(programme, d)]
    stems = unique_stems([g.name for g in groups], taken=[Path(INDEX_FILE).stem, *taken])
    source_name = Path(programme.source).name if programme.source else programme.sheet
    return [ReportJob(group=g, stem=s, programme=sub_programme(programme, g.rows,
                                                               with_rows=False),
                      report=group_report(report, g), directory=str(directory), now=now,
                      source_name=source_name,
                      situation=situation or resolve(None, today=now.date()))
            for g, s in zip(groups, stems)]


def run_batch(programme: Programme, dimensions: Sequence[str], directory: str | Path, *,
              report: ValidationReport | None = None, jobs: int = 1, pdf: bool = False,
              now: dt.datetime | None = None, progress: Progress | None = None,
              situation: Situation | None = None) -> BatchResult:
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
    planned = plan_jobs(programme, report, dims, directory, now, taken, situation)
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
