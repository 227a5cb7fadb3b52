"""Safe save: every refused or failed save leaves the original byte for byte and no temp file."""

from __future__ import annotations

import errno
import os
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from motxl.errors import MotxlError
from motxl.workbooks import saving
from motxl.workbooks.saving import (BACKUP_DIR, BACKUPS_KEPT, check_preserved, lock_files,
                                    save_workbook_atomically)
from tests.workbooks import make_xlsm, rewrite_part, sheet_part

OWN = {"Synthèse", "Suivi", "Contrôles"}


@pytest.fixture
def xlsm(tmp_path) -> Path:
    return make_xlsm(tmp_path / "Programme2023.xlsm")


def _openpyxl_writer(source: Path, change=None):
    """A write() that saves ``source`` through openpyxl after ``change(wb)``.

    openpyxl writes formulas without their cached values: check_preserved refuses such a file,
    so this writer is for saves without the check and for the refusals.
    """

    def write(temp: Path) -> None:
        workbook = openpyxl.load_workbook(source, keep_vba=source.suffix == ".xlsm")
        if change:
            change(workbook)
        workbook.save(temp)

    return write


def _splice_writer(source: Path):
    """A write() that does what ``motxl refresh`` does: the tabs spliced into ``source``."""
    import datetime as dt
    import tempfile

    from motxl.core.checks import validate
    from motxl.core.rollup import roll_up
    from motxl.presentation import build_tabs
    from motxl.render.xlsxwriter_file import render_workbook
    from motxl.workbooks.reading import read_programme
    from motxl.workbooks.splice import splice_tabs

    programme = read_programme(source)
    tabs = build_tabs(programme, validate(programme), roll_up(programme),
                      now=dt.datetime(2023, 6, 1), source_name=source.name)

    def write(temp: Path) -> None:
        with tempfile.TemporaryDirectory() as folder:
            rendered = render_workbook(Path(folder) / "t.xlsx", tabs)
            splice_tabs(source, rendered, temp, [spec.name for spec in tabs])

    return write


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if saving.TEMP_MARK in p.name)


def _assert_refused(path: Path, original: bytes, excinfo, *words: str) -> None:
    message = excinfo.value.message
    assert path.read_bytes() == original
    assert _leftovers(path.parent) == []
    assert "\n" not in message and message.isprintable()
    assert any(word in message for word in ("n'a pas été modifié", "fermez", "relancez"))
    for word in words:
        assert word in message, message
    assert not (path.parent / BACKUP_DIR).exists() or not any((path.parent / BACKUP_DIR).iterdir())


def test_a_good_save_replaces_the_file_and_keeps_a_backup(xlsm):
    original = xlsm.read_bytes()
    backup = save_workbook_atomically(xlsm, _splice_writer(xlsm), before=xlsm, own_sheets=OWN)
    assert backup is not None and backup.parent == xlsm.parent / BACKUP_DIR
    assert backup.read_bytes() == original
    assert backup.name.startswith("Programme2023.") and backup.suffix == ".xlsm"
    assert zipfile.ZipFile(xlsm).testzip() is None and xlsm.read_bytes() != original
    assert _leftovers(xlsm.parent) == []


def test_backups_are_limited(xlsm, monkeypatch):
    stamps = iter(range(100))
    monkeypatch.setattr(saving, "_timestamp", lambda: f"20230101-1000{next(stamps):02d}")
    for _ in range(BACKUPS_KEPT + 3):
        save_workbook_atomically(xlsm, _openpyxl_writer(xlsm))
    kept = saving.backups_of(xlsm)
    assert len(kept) == BACKUPS_KEPT
    assert kept[-1].name == "Programme2023.20230101-100007.xlsm"


def test_a_backup_just_made_survives_an_old_source_and_is_named(xlsm, cli):
    """copy2 keeps the source's modification time: a source years old must not make its new
    backup look like the oldest one."""
    folder = xlsm.parent / BACKUP_DIR
    folder.mkdir()
    for day in range(1, BACKUPS_KEPT + 2):  # earlier backups, made this year
        earlier = folder / f"Programme2023.202601{day:02d}-120000.xlsm"
        earlier.write_bytes(xlsm.read_bytes())
    years_ago = time.time() - 6 * 365 * 24 * 3600
    os.utime(xlsm, (years_ago, years_ago))
    original = xlsm.read_bytes()
    result = cli("refresh", xlsm)
    assert result.code == 0, result.err
    named = re.search(r"\(sauvegarde : (.+?\.xlsm)\)", result.out)
    assert named, result.out
    backup = Path(named.group(1))
    assert backup.exists() and backup.read_bytes() == original
    assert backup.stat().st_mtime < time.time() - 5 * 365 * 24 * 3600  # the source's date kept
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == BACKUPS_KEPT and backup.name == kept[-1]
    assert "Programme2023.20260101-120000.xlsm" not in kept


def test_a_backup_just_made_is_kept_even_when_the_clock_went_back(xlsm):
    folder = xlsm.parent / BACKUP_DIR
    folder.mkdir()
    for day in range(1, BACKUPS_KEPT + 1):  # stamped in the future (a clock that was wrong)
        (folder / f"Programme2023.209901{day:02d}-120000.xlsm").write_bytes(b"old")
    backup = save_workbook_atomically(xlsm, _openpyxl_writer(xlsm))
    assert backup is not None and backup.exists()
    assert len(list(folder.iterdir())) == BACKUPS_KEPT + 1


def test_no_backup_when_asked_or_when_the_target_is_new(xlsm, tmp_path):
    assert save_workbook_atomically(xlsm, _openpyxl_writer(xlsm), backup=False) is None
    new = tmp_path / "nouveau.xlsm"
    assert save_workbook_atomically(new, _splice_writer(xlsm), before=xlsm,
                                    own_sheets=OWN) is None
    assert new.exists() and not (tmp_path / BACKUP_DIR).exists()


@pytest.mark.parametrize("lock_name", ["~$Programme2023.xlsm", "~$ogramme2023.xlsm"])
def test_refused_when_open_in_excel(xlsm, lock_name):
    original = xlsm.read_bytes()
    (xlsm.parent / lock_name).write_bytes(b"\x00" * 165)
    assert xlsm.parent / lock_name in lock_files(xlsm)
    with pytest.raises(MotxlError) as excinfo:
        save_workbook_atomically(xlsm, _openpyxl_writer(xlsm))
    _assert_refused(xlsm, original, excinfo, "Excel", "fermez")


def test_read_only_folder(xlsm, monkeypatch):
    """Root ignores chmod, so the refusal of the rename is simulated."""
    original = xlsm.read_bytes()

    def refuse(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(saving.os, "replace", refuse)
    with pytest.raises(MotxlError) as excinfo:
        save_workbook_atomically(xlsm, _openpyxl_writer(xlsm), backup=False)
    _assert_refused(xlsm, original, excinfo, "lecture seule")


def test_read_only_folder_refuses_the_temp_file(xlsm, monkeypatch):
    original = xlsm.read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(saving.tempfile, "mkstemp", refuse)
    with pytest.raises(MotxlError) as excinfo:
        save_workbook_atomically(xlsm, _openpyxl_writer(xlsm))
    _assert_refused(xlsm, original, excinfo, "lecture seule")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_folder_for_real(xlsm):  # pragma: no cover - runs for non-root users
    original = xlsm.read_bytes()
    xlsm.parent.chmod(0o555)
    try:
        with pytest.raises(MotxlError) as excinfo:
            save_workbook_atomically(xlsm, _openpyxl_writer(xlsm))
    finally:
        xlsm.parent.chmod(0o755)
    _assert_refused(xlsm, original, excinfo, "lecture seule")


def test_disk_full(xlsm):
    original = xlsm.read_bytes()

    def write(temp: Path) -> None:
        with open(temp, "wb") as handle:
            handle.write(b"PK\x03\x04" + b"\x00" * 1000)
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(MotxlError) as excinfo:
        save_workbook_atomically(xlsm, write)
    _assert_refused(xlsm, original, excinfo, "Disque plein", "libérez")


def test_interrupted_mid_write(xlsm):
    original = xlsm.read_bytes()

    def write(temp: Path) -> None:
        with open(temp, "wb") as handle:
            handle.write(original[: len(original) // 2])
            raise RuntimeError("interrupted")

    with pytest.raises(MotxlError) as excinfo:
        save_workbook_atomically(xlsm, write)
    _assert_refused(xlsm, original, excinfo)
    assert openpyxl.load_workbook(xlsm, keep_vba=True).sheetnames[0] == "Programme"


def test_keyboard_interrupt_removes_the_temp_file(xlsm):
    original = xlsm.read_bytes()

    def write(temp: Path) -> None:
        temp.write_bytes(original[:100])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        save_workbook_atomically(xlsm, write)
    assert xlsm.read_bytes() == original and _leftovers(xlsm.parent) == []


def test_a_truncated_result_is_refused(xlsm):
    original = xlsm.read_bytes()
    with pytest.raises(MotxlError) as excinfo:
        save_workbook_atomically(xlsm, lambda temp: temp.write_bytes(original[:-200]))
    _assert_refused(xlsm, original, excinfo, "illisible")


def test_stale_temp_files_are_removed(xlsm):
    stale = xlsm.parent / f"Programme2023{saving.TEMP_MARK}abcd.xlsm"
    fresh = xlsm.parent / f"Programme2023{saving.TEMP_MARK}efgh.xlsm"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    old = time.time() - 2 * saving.STALE_TEMP_SECONDS
    os.utime(stale, (old, old))
    save_workbook_atomically(xlsm, _openpyxl_writer(xlsm), backup=False)
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a running save


# --------------------------------------------------------------------------- preservation


def _refused_save(xlsm, change, *words):
    original = xlsm.read_bytes()
    with pytest.raises(MotxlError) as excinfo:
        save_workbook_atomically(xlsm, _openpyxl_writer(xlsm, change), before=xlsm,
                                 own_sheets=OWN)
    _assert_refused(xlsm, original, excinfo, "Enregistrement refusé", *words)
    return excinfo.value.message


def test_splice_preserves_the_macro_workbook(xlsm, tmp_path):
    after = tmp_path / "apres.xlsm"
    _splice_writer(xlsm)(after)
    check_preserved(xlsm, after, OWN)


def test_formulas_saved_without_their_values_are_refused(xlsm, tmp_path):
    """A plain openpyxl save writes formulas without cached values: readers would see blanks."""
    after = tmp_path / "apres.xlsm"
    openpyxl.load_workbook(xlsm, keep_vba=True).save(after)
    with pytest.raises(MotxlError) as excinfo:
        check_preserved(xlsm, after, OWN)
    assert "valeurs de la feuille « Programme » (cellule F13)" in excinfo.value.message
    assert "valeurs de la feuille « Notes » (cellule B2)" in excinfo.value.message


def test_refused_when_a_sheet_would_be_dropped(xlsm):
    message = _refused_save(xlsm, lambda wb: wb.remove(wb["Notes"]), "« Notes »")
    assert "la feuille « Notes »" in message


def test_refused_when_a_data_validation_would_be_dropped(xlsm):
    def drop(workbook):
        workbook["Programme"].data_validations.dataValidation.clear()

    _refused_save(xlsm, drop, "validation(s) de données", "« Programme »")


def test_refused_when_an_extension_validation_is_lost(tmp_path):
    """openpyxl drops Excel 2010+ (x14) validations on load: the check must see it."""
    path = make_xlsm(tmp_path / "Programme2023.xlsm", extra_validation_ext=True)
    _refused_save(path, None, "1 validation(s) de données de la feuille « Notes »")


def test_refused_when_the_vba_project_or_buttons_would_be_lost(xlsm, tmp_path):
    without_vba = tmp_path / "sans-vba.xlsm"
    workbook = openpyxl.load_workbook(xlsm)  # no keep_vba: macros and buttons are lost
    workbook.save(without_vba)
    with pytest.raises(MotxlError) as excinfo:
        check_preserved(xlsm, without_vba, OWN)
    message = excinfo.value.message
    assert "projet VBA" in message and "boutons (vmlDrawing1.vml)" in message


def test_refused_when_code_names_or_order_change(xlsm):
    def change(workbook):
        workbook["Notes"].sheet_properties.codeName = "Autre"
        workbook.move_sheet("Notes", offset=-1)

    _refused_save(xlsm, change, "nom de code VBA « Feuil2 »", "l'ordre des feuilles")


def test_refused_when_cells_defined_names_or_tables_change(xlsm):
    from openpyxl.worksheet.table import Table

    def change(workbook):
        workbook["Notes"]["B1"] = 600
        del workbook.defined_names["Taux"]

    _refused_save(xlsm, change, "valeurs de la feuille « Notes » (cellule B1)",
                  "nom défini « Taux »")

    def add_table(workbook):
        workbook["Notes"].add_table(Table(displayName="T", ref="A1:B3"))

    with_table = xlsm.parent / "avec-table.xlsm"
    _openpyxl_writer(xlsm, add_table)(with_table)
    after = xlsm.parent / "sans-table.xlsm"
    _openpyxl_writer(xlsm)(after)
    with pytest.raises(MotxlError, match="tableaux de la feuille « Notes »"):
        check_preserved(with_table, after, OWN)


def test_own_sheets_may_change_freely(xlsm, tmp_path):
    after = tmp_path / "apres.xlsm"
    after.write_bytes(xlsm.read_bytes())
    rewrite_part(after, sheet_part(after, "Synthèse"),
                 lambda data: re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>",
                                     re.sub(rb"<dataValidations.*?</dataValidations>", b"", data,
                                            flags=re.S), flags=re.S))
    check_preserved(xlsm, after, OWN)


def test_ribbon_customisation_is_kept_and_its_loss_refused(xlsm, tmp_path):
    rels = ('<Relationship Id="rIdUI" Type="http://schemas.microsoft.com/office/2006/relationships/'
            'ui/extensibility" Target="customUI/customUI.xml"/></Relationships>').encode()
    rewrite_part(xlsm, "_rels/.rels", lambda data: data.replace(b"</Relationships>", rels))
    with zipfile.ZipFile(xlsm, "a") as archive:
        archive.writestr("customUI/customUI.xml", '<customUI xmlns="http://schemas.microsoft.com/'
                         'office/2006/01/customui"/>')
    after = tmp_path / "apres.xlsm"
    _splice_writer(xlsm)(after)
    check_preserved(xlsm, after, OWN)  # the splice keeps a ribbon customisation
    rewrite_part(after, "_rels/.rels",
                 lambda data: re.sub(rb"<Relationship [^>]*ui/extensibility[^>]*/>", b"", data))
    with pytest.raises(MotxlError, match="ruban personnalisé du classeur"):
        check_preserved(xlsm, after, OWN)


def test_quoted_sheet_names_in_defined_names_are_equal(tmp_path, xlsm):
    # openpyxl rewrites Notes!$B$1 as 'Notes'!$B$1: not a change.
    assert saving._normalise_formula("'Notes'!$B$1") == saving._normalise_formula("Notes!$B$1")
    assert saving._normalise_formula("'L''été'!$A$1") == "L'été!$A$1"


def test_extension_validation_fixture_is_what_excel_writes(tmp_path):
    path = make_xlsm(tmp_path / "x14.xlsm", extra_validation_ext=True)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(sheet_part(path, "Notes"))
    assert b"<x14:dataValidation " in xml and xml.rstrip().endswith(b"</worksheet>")
    openpyxl.load_workbook(path, keep_vba=True)  # still a workbook openpyxl opens


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    """mkstemp makes temp files private; a new output must not stay readable by its owner only."""
    import os
    import stat

    from motxl.workbooks.saving import save_workbook_atomically

    target = tmp_path / "nouveau.xlsx"
    mask = os.umask(0o022)
    try:
        save_workbook_atomically(target, _small_zip, backup=False)
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def _small_zip(path):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
