"""Save a workbook file safely: never a half-written or impoverished file in the user's place.

``save_workbook_atomically`` does what Excel itself does: it writes a temp file beside the target
(same folder, so same file system), flushes it to disk, checks it, keeps a backup of the file it
replaces and only then renames the temp file onto the target (``os.replace``, atomic). Whatever
goes wrong before the rename (exception, disk full, read-only folder, a check that fails, a
kill) leaves the original byte for byte as it was; the temp file is removed (after a kill, the
next save removes it once it is an hour old).

Backups: ``.motxl-backup/`` beside the target holds timestamped copies,
``Name.YYYYMMDD-HHMMSS.xlsm``; the ``BACKUPS_KEPT`` most recent per workbook are kept.

``check_preserved`` compares the file before and after: what motxl does not own must come
through unchanged (see its docstring): sheets and their values, the VBA project, buttons, data
validations, defined names. Whatever a bug in the splice lost would be caught here, before the
file replaces the user's.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from defusedxml import ElementTree

from motxl.errors import MotxlError, os_error_in
from motxl.workbooks import opc
from motxl.workbooks.preflight import lock_files, open_in_excel
from motxl.workbooks.sheet_xml import sheet_head_facts, vml_has_controls

__all__ = ["save_workbook_atomically", "check_preserved", "lock_files", "make_backup",
           "BACKUP_DIR", "BACKUPS_KEPT", "SaveError"]

BACKUP_DIR = ".motxl-backup"
BACKUPS_KEPT = 5
TEMP_MARK = ".motxl-tmp-"
STALE_TEMP_SECONDS = 3600

_NS_MAIN = opc.NS_MAIN
_DATA_VALIDATION = re.compile(rb"<(?:\w+:)?dataValidation[\s/>]")
_CF_RULE = re.compile(rb"<(?:\w+:)?cfRule[\s/>]")
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')+)'!")
#: Relationship kinds that may change harmlessly (printer settings, a thumbnail, the calculation
#: chain Excel rebuilds) or that motxl manages itself.
_IGNORED_RELS = {"worksheet", "styles", "sharedStrings", "theme", "calcChain",
                 "printerSettings", "thumbnail", "officeDocument", "core-properties",
                 "extended-properties", "vbaProject"}
_REL_NAMES_FR = {
    "drawing": "dessins (graphiques, images, formes)",
    "image": "images",
    "chart": "graphiques",
    "table": "tableaux",
    "comments": "commentaires",
    "threadedComment": "commentaires modernes (conversations)",
    "person": "auteurs des commentaires",
    "vmlDrawing": "boutons ou commentaires",
    "pivotTable": "tableaux croisés dynamiques",
    "pivotCacheDefinition": "caches de tableaux croisés",
    "ctrlProp": "contrôles de formulaire",
    "control": "contrôles ActiveX",
    "slicer": "segments",
    "slicerCache": "segments",
    "timeline": "chronologies",
    "externalLink": "liaisons vers d'autres classeurs",
    "connections": "connexions de données",
    "queryTable": "requêtes",
    "customXml": "données XML",
    "ui/extensibility": "ruban personnalisé",
    "extensibility": "ruban personnalisé",
    "hyperlink": "liens hypertexte",
    "oleObject": "objets incorporés",
    "package": "objets incorporés",
    "custom-properties": "propriétés personnalisées du document",
    "chartsheet": "feuilles graphiques",
    "dialogsheet": "feuilles de dialogue",
    "macrosheet": "feuilles macro Excel 4",
    "sheetMetadata": "formules matricielles dynamiques",
    "metadata": "formules matricielles dynamiques",
}


class SaveError(MotxlError):
    """A refused or failed save; the original file is untouched."""


# --------------------------------------------------------------------------- locks


def _refuse_if_open(target: Path) -> None:
    lock = open_in_excel(target)
    if lock is not None:
        raise SaveError(f"{target.name} est ouvert dans Excel ({lock.name} présent) : "
                        "fermez-le dans Excel puis relancez.")


# --------------------------------------------------------------------------- saving


def save_workbook_atomically(target: Path, write: Callable[[Path], None], *,
                             backup: bool = True, before: Path | None = None,
                             own_sheets: set[str] | frozenset[str] | None = None,
                             history_dropped: list[list] | None = None) -> Path | None:
    """Write a workbook through ``write(temp_path)`` and put it in place of ``target``.

    ``before`` is the file the new one must preserve (default: ``target`` when it exists); with
    ``own_sheets`` given, ``check_preserved(before, temp, own_sheets, history_dropped)`` must
    pass. Returns the
    backup's path (None when ``backup`` is False or there was no file to replace). Raises
    MotxlError (French, one line) when the save is refused or fails; the target is then
    untouched and no temp file is left behind.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    _refuse_if_open(target)
    if target.is_dir():
        raise SaveError(f"{target} est un dossier : indiquez un nom de fichier .xlsx ou .xlsm.")
    if not folder.is_dir():
        raise SaveError(f"Le dossier {folder} n'existe pas : créez-le ou choisissez un autre "
                        "emplacement avec -o.")
    if before is None and target.exists():
        before = target
    _remove_stale_temps(target)
    temp: Path | None = None
    backup_path: Path | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=f"{target.stem}{TEMP_MARK}", suffix=target.suffix,
                                        dir=folder)
        os.close(handle)
        temp = Path(name)
        write(temp)
        _flush(temp)
        _verify(temp, target)
        if before is not None and own_sheets is not None:
            check_preserved(before, temp, set(own_sheets), history_dropped)
        if target.exists():
            shutil.copymode(target, temp)
            if backup:
                backup_path = make_backup(target)
        else:  # mkstemp made it private (0600): give a new file the usual permissions
            os.chmod(temp, 0o666 & ~_umask())
        try:
            os.replace(temp, target)
        except OSError:
            if backup_path is not None:  # the original stays as it was: no backup of it
                _remove(backup_path)
                try:
                    backup_path.parent.rmdir()  # only if this save created it
                except OSError:
                    pass
                backup_path = None
            raise
        temp = None
        _flush_folder(folder)
    except MotxlError:
        raise
    except Exception as exc:  # noqa: BLE001 - any writer failure becomes one French line
        os_error = os_error_in(exc)
        if os_error is not None:
            raise _os_error(os_error, target) from exc
        raise SaveError(f"Enregistrement de {target.name} impossible ({_short(exc)}) ; le fichier "
                        "n'a pas été modifié. Signalez ce message à l'équipe motxl.") from exc
    finally:
        if temp is not None:
            _remove(temp)
    if backup_path is not None:
        prune_backups(target, keep=backup_path)
    return backup_path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def _os_error(exc: OSError, target: Path) -> SaveError:
    name = target.name
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return SaveError(f"Disque plein : {name} n'a pas été modifié ; libérez de la place sur "
                         f"le disque de {target.parent} puis relancez.")
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return SaveError(f"Enregistrement de {name} refusé (dossier ou fichier en lecture seule, "
                         "ou fichier ouvert par une autre application) ; le fichier n'a pas été "
                         "modifié : fermez-le ou enregistrez ailleurs avec -o.")
    return SaveError(f"Enregistrement de {name} impossible ({exc.strerror or _short(exc)}) ; le "
                     "fichier n'a pas été modifié : vérifiez le dossier puis relancez.")


def _flush(path: Path) -> None:
    """Force the written bytes to disk before the rename makes them the user's file."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flush_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass  # best effort: the file is a hidden-away temp, the original is intact


def _remove_stale_temps(target: Path) -> None:
    """Temp files left by a killed save of the same target, once clearly abandoned."""
    folder = target.parent if str(target.parent) else Path(".")
    prefix = f"{target.stem}{TEMP_MARK}"
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        if entry.name.startswith(prefix) and entry.name.endswith(target.suffix):
            try:
                if now - entry.stat().st_mtime > STALE_TEMP_SECONDS:
                    os.unlink(entry.path)
            except OSError:
                pass


def _verify(temp: Path, target: Path) -> None:
    try:
        with zipfile.ZipFile(temp) as archive:
            bad = archive.testzip()
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SaveError(f"Le fichier écrit pour {target.name} est illisible ({_short(exc)}) ; "
                        "l'original n'a pas été modifié. Relancez, et signalez-le s'il se "
                        "reproduit.") from exc
    if bad is not None or "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        damage = bad or "parties manquantes"
        raise SaveError(f"Le fichier écrit pour {target.name} est endommagé ({damage}) ; "
                        "l'original n'a pas été modifié. Relancez, et signalez-le s'il se "
                        "reproduit.")


def make_backup(target: Path) -> Path:
    """Copy ``target`` into ``.motxl-backup/`` beside it, under a name stamped with the time
    of the copy (the order of backups is their names', never the source file's dates)."""
    folder = target.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = _timestamp()
    path = folder / f"{target.stem}.{stamp}{target.suffix}"
    counter = 2
    while path.exists():
        path = folder / f"{target.stem}.{stamp}-{counter}{target.suffix}"
        counter += 1
    shutil.copy2(target, path)
    return path


def _timestamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _backup_pattern(target: Path) -> re.Pattern:
    return re.compile(re.escape(target.stem) + r"\.(\d{8}-\d{6})(?:-(\d+))?"
                      + re.escape(target.suffix) + r"\Z")


def backups_of(target: Path) -> list[Path]:
    """Backups of ``target`` in ``.motxl-backup/``, oldest first by the stamp in their name
    (``copy2`` keeps the source's modification time, which may be years old)."""
    folder = target.parent / BACKUP_DIR
    if not folder.is_dir():
        return []
    pattern = _backup_pattern(target)
    found = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match:
            found.append(((match.group(1), int(match.group(2) or 1)), path))
    return [path for _, path in sorted(found)]


def prune_backups(target: Path, keep: Path) -> None:
    """Keep the ``BACKUPS_KEPT`` newest backups of ``target``, and ``keep`` (just made) always."""
    for old in backups_of(target)[:-BACKUPS_KEPT]:
        if old != keep:
            _remove(old)


# --------------------------------------------------------------------------- preservation


@dataclass
class _Sheet:
    name: str
    part: str | None
    state: str
    code_name: str | None


class _Package:
    """The parts of a workbook zip that the preservation check compares."""

    def __init__(self, path: Path):
        self.path = path
        self.package = opc.Package(path)
        self.names = set(self.package.data)
        self.main = self.package.main_part()
        workbook = ElementTree.fromstring(self.read(self.main))
        self.sheets = [_Sheet(s.name, s.part, s.state, self._code_name(s.part))
                       for s in self.package.sheets(self.main)]
        self.defined_names = self._defined_names(workbook)

    def close(self) -> None:
        pass  # read whole: nothing left open

    def read(self, part: str) -> bytes:
        data = self.package.get(part)
        if data is None:
            raise KeyError(part)
        return data

    def has(self, part: str | None) -> bool:
        return part is not None and self.package.get(part) is not None

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (kind, target part) for the part's .rels, if any."""
        return {rel.id: (rel.kind, rel.target if rel.mode == "External"
                         else opc.resolve(part, rel.target))
                for rel in self.package.rels(part)}

    def _code_name(self, part: str | None) -> str | None:
        if part is None or not self.has(part):
            return None
        return sheet_head_facts(self.read(part))[0]

    def _defined_names(self, workbook) -> set[tuple[str, str | None, str]]:
        names = set()
        for node in workbook.iter(f"{_NS_MAIN}definedName"):
            local = node.get("localSheetId")
            scope = None
            if local is not None and local.isdigit() and int(local) < len(self.sheets):
                scope = self.sheets[int(local)].name
            names.add((node.get("name", ""), scope, _normalise_formula(node.text or "")))
        return names

    def rel_kinds(self, part: str, depth: int = 2) -> Counter:
        """Kinds of the parts reached from ``part`` (and from those, ``depth`` levels)."""
        counts: Counter = Counter()
        seen = {part.casefold()}
        frontier = [part]
        for _ in range(depth):
            following = []
            for current in frontier:
                for kind, target in self._rels(current).values():
                    counts[kind] += 1
                    if self.has(target) and target.casefold() not in seen:
                        seen.add(target.casefold())
                        following.append(target)
            frontier = following
        return counts

    def vml_with_controls(self) -> dict[str, bytes]:
        """VML drawings holding anything but comment notes (buttons, check boxes...)."""
        return {name: data for name, data in self.package.data.items()
                if name.casefold().endswith(".vml") and vml_has_controls(data)}

    def content_types(self) -> bytes:
        return self.package.get("[Content_Types].xml") or b""


def _normalise_formula(text: str) -> str:
    """Defined-name text compared without optional quotes around sheet names."""
    return _QUOTED_SHEET.sub(lambda m: m.group(1).replace("''", "'") + "!", text.strip())


def _values(path: Path, names: set[str]) -> dict[str, dict[tuple[int, int], object]]:
    """Non-empty cell values of the named sheets, by absolute (row, col), read with
    python-calamine."""
    import python_calamine

    from motxl.workbooks.reading import check_sheet_extent

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    result = {}
    for name in workbook.sheet_names:
        if name not in names:
            continue
        check_sheet_extent(path, name)  # a far cell would make calamine abort the process
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception:  # noqa: BLE001 - chart sheets and the like hold no cells
            continue
        cells: dict[tuple[int, int], object] = {}
        # skip_empty_area=False: the block starts at A1, so positions are absolute.
        for r, row in enumerate(sheet.to_python(skip_empty_area=False)):
            for c, value in enumerate(row):
                if value != "" and value is not None:
                    cells[(r, c)] = value
        result[name] = cells
    return result


def _first_difference(before: dict, after: dict) -> tuple[int, int] | None:
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new and not (old != old and new != new):  # NaN equals NaN here
            return key
    return None


def check_preserved(before: Path, after: Path, own_sheets: set[str],
                    history_dropped: list[list] | None = None) -> None:
    """Refuse (MotxlError naming what would be lost) unless ``after`` keeps, from ``before``:

    the VBA project (``xl/vbaProject.bin``, byte for byte) and the macro-enabled content type;
    the VML drawings holding buttons or other form controls (byte for byte); every sheet not in
    ``own_sheets`` (same names, same order, same code names, same visibility, same cell values
    read with python-calamine, at least as many data validations and conditional-format rules,
    and at least as many related parts of each kind: drawings, images, charts, tables, comments,
    pivot tables...); the code names of the own sheets that already existed; the defined names
    (print titles, print area and filter ranges of the own sheets excepted); the workbook-level
    parts (external links, connections, ribbon customisation...). With ``history_dropped``
    given (motxl rewrites the Historique sheet, the user's data), every data row of the old
    Historique but those rows must be in the new one, values equal.
    """
    from motxl.core.grid import column_letter

    own = {name.casefold() for name in own_sheets}
    lost: list[str] = []
    old, new = _Package(Path(before)), _Package(Path(after))
    try:
        # VBA project and macro-enabled workbook.
        if old.has("xl/vbaProject.bin"):
            if not new.has("xl/vbaProject.bin"):
                lost.append("le projet VBA (macros)")
            elif old.read("xl/vbaProject.bin") != new.read("xl/vbaProject.bin"):
                lost.append("le projet VBA (macros modifiées)")
            macros = b"macroEnabled"
            if macros in old.content_types() and macros not in new.content_types():
                lost.append("le format prenant en charge les macros")
        # Buttons and form controls (legacy VML drawings), wherever they are.
        new_vml = list(new.vml_with_controls().values())
        for name, data in sorted(old.vml_with_controls().items()):
            if data in new_vml:
                new_vml.remove(data)
            else:
                lost.append(f"les boutons ({PurePosixPath(name).name})")
        # Sheets: names, order, code names, visibility.
        new_sheets = {s.name: s for s in new.sheets}
        old_order = [s.name for s in old.sheets if s.name in new_sheets]
        new_order = [s.name for s in new.sheets if s.name in {o.name for o in old.sheets}]
        for sheet in old.sheets:
            mine = sheet.name.casefold() in own
            twin = new_sheets.get(sheet.name)
            if twin is None:
                if not mine:
                    lost.append(f"la feuille « {sheet.name} »")
                continue
            if sheet.code_name and twin.code_name != sheet.code_name:
                lost.append(f"le nom de code VBA « {sheet.code_name} » de la feuille "
                            f"« {sheet.name} »")
            if not mine and twin.state != sheet.state:
                lost.append(f"l'état masqué de la feuille « {sheet.name} »")
        if old_order != new_order:
            lost.append("l'ordre des feuilles")
        # Content of the sheets motxl does not own.
        old_values: dict[str, dict[tuple[int, int], object]] | None = None
        new_values: dict[str, dict[tuple[int, int], object]] = {}
        for sheet in old.sheets:
            twin = new_sheets.get(sheet.name)
            if sheet.name.casefold() in own or twin is None or sheet.part is None:
                continue
            if twin.part is None or not old.has(sheet.part) or not new.has(twin.part):
                continue
            old_xml, new_xml = old.read(sheet.part), new.read(twin.part)
            for pattern, what in ((_DATA_VALIDATION, "validation(s) de données"),
                                  (_CF_RULE, "mise(s) en forme conditionnelle(s)")):
                missing = len(pattern.findall(old_xml)) - len(pattern.findall(new_xml))
                if missing > 0:
                    lost.append(f"{missing} {what} de la feuille « {sheet.name} »")
            old_kinds, new_kinds = old.rel_kinds(sheet.part), new.rel_kinds(twin.part)
            for kind, count in sorted(old_kinds.items()):
                if kind in _IGNORED_RELS or count <= new_kinds.get(kind, 0):
                    continue
                lost.append(f"{_REL_NAMES_FR.get(kind, kind)} de la feuille « {sheet.name} »")
            if old_values is None:
                others = {s.name for s in old.sheets if s.name.casefold() not in own}
                old_values, new_values = _values(Path(before), others), _values(Path(after),
                                                                                 others)
            where = _first_difference(old_values.get(sheet.name, {}),
                                      new_values.get(sheet.name, {}))
            if where is not None:
                lost.append(f"des valeurs de la feuille « {sheet.name} » (cellule "
                            f"{column_letter(where[1] + 1)}{where[0] + 1})")
        # Defined names, except those motxl sets on its own tabs.
        def keep(entry: tuple[str, str | None, str]) -> bool:
            name, scope, _ = entry
            return not (scope is not None and scope.casefold() in own
                        and name.startswith("_xlnm."))

        missing_names = sorted(n for n in old.defined_names - new.defined_names if keep(n))
        for name, scope, _ in missing_names[:5]:
            in_sheet = f" (feuille « {scope} »)" if scope else ""
            lost.append(f"le nom défini « {name} »{in_sheet}")
        # Workbook-level and package-level parts.
        for old_kinds, new_kinds in ((old.rel_kinds(old.main, depth=1),
                                      new.rel_kinds(new.main, depth=1)),
                                     (_root_kinds(old), _root_kinds(new))):
            for kind, count in sorted(old_kinds.items()):
                if kind in _IGNORED_RELS or count <= new_kinds.get(kind, 0):
                    continue
                lost.append(_REL_NAMES_FR.get(kind, kind) + " du classeur")
    finally:
        old.close()
        new.close()
    if history_dropped is not None:
        lost += _history_rows_lost(Path(before), Path(after), history_dropped)
    if lost:
        shown = " ; ".join(dict.fromkeys(lost))
        raise SaveError(f"Enregistrement refusé, le classeur perdrait : {shown}. "
                        f"{Path(before).name} n'a pas été modifié : actualisez depuis Excel "
                        "(bouton « Actualiser la synthèse ») ou signalez-le à l'équipe motxl.")


def _history_rows_lost(before: Path, after: Path, dropped: list[list]) -> list[str]:
    """The Historique rows of ``before`` missing from ``after`` (a row may move, not go)."""
    from motxl.core.history import HISTORIQUE
    from motxl.workbooks.history import read_history

    def key(values: list) -> tuple:
        values = list(values)
        while values and values[-1] in (None, ""):
            values.pop()
        return tuple(values)

    old_entries = read_history(before).entries
    missing = Counter(key(e.values) for e in old_entries)
    missing.subtract(Counter(key(v) for v in dropped))
    missing.subtract(Counter(key(e.values) for e in read_history(after).entries))
    rows = [e.row for e in old_entries if missing[key(e.values)] > 0]
    if not rows:
        return []
    return [f"{len(rows)} ligne(s) de la feuille « {HISTORIQUE} » (ligne {rows[0]})"]


def _root_kinds(package: _Package) -> Counter:
    return Counter(rel.kind for rel in package.package.rels(""))
