"""``motxl build-workbook`` never destroys work: it replaces only a file that is still a build
output, refuses a refreshed or edited one (unless --force, after a backup), refuses while Excel
holds the file, and writes by default beside the package, never into the current folder."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from motxl.build import workbook as build
from motxl.workbooks.saving import BACKUP_DIR
from tests.conftest import run_motxl

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "workbook" / "source"


@pytest.fixture(scope="module")
def built() -> bytes:
    return build.build_workbook_bytes(SOURCE)


@pytest.fixture
def target(tmp_path, built) -> Path:
    path = tmp_path / "Programme2023.xlsm"
    path.write_bytes(built)
    return path


def test_a_fresh_build_is_recognised_and_left_alone(target, built, cli):
    assert build.is_build_output(target)
    before = target.stat().st_mtime_ns
    result = cli("build-workbook", "-o", target)
    assert result.code == 0, result.err
    assert result.out.startswith("Classeur déjà à jour")
    assert target.stat().st_mtime_ns == before
    assert not (target.parent / BACKUP_DIR).exists()


def test_an_older_untouched_build_is_replaced_without_force(tmp_path, built, cli):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    figures = source / "example-figures.tsv"
    lines = figures.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split("\t")
    cells[1] = "Quelqu'un d'autre"  # the person of the first action
    lines[1] = "\t".join(cells)
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "out" / "Programme2023.xlsm"
    target.parent.mkdir()
    assert cli("build-workbook", "--source", source, "-o", target).code == 0
    older = target.read_bytes()
    assert older != built and build.is_build_output(target)
    result = cli("build-workbook", "-o", target)
    assert result.code == 0, result.err
    assert target.read_bytes() == built
    assert not (target.parent / BACKUP_DIR).exists()


def test_a_refreshed_workbook_is_refused_then_backed_up_with_force(target, built, cli):
    assert cli("refresh", target).code == 0
    refreshed = target.read_bytes()
    shutil.rmtree(target.parent / BACKUP_DIR)
    assert not build.is_build_output(target)
    result = cli("build-workbook", "-o", target)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert "--force" in result.err and "ne l'écrase pas" in result.err
    assert target.read_bytes() == refreshed
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]

    result = cli("build-workbook", "-o", target, "--force")
    assert result.code == 0, result.err
    assert target.read_bytes() == built
    backups = list((target.parent / BACKUP_DIR).iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == refreshed
    assert str(backups[0]) in result.out


def test_a_workbook_saved_by_another_program_is_refused(target, cli):
    book = openpyxl.load_workbook(target, keep_vba=True)
    book["Programme"]["C5"] = "Une saisie"
    book.save(target)
    edited = target.read_bytes()
    result = cli("build-workbook", "-o", target)
    assert result.code == 2 and "--force" in result.err
    assert target.read_bytes() == edited


def test_a_hand_edited_part_is_refused(target, cli):
    with zipfile.ZipFile(target) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(target, "w") as archive:
        for info, data in parts:
            if info.filename == "xl/sharedStrings.xml":
                assert b"<t>Axe</t>" in data
                data = data.replace(b"<t>Axe</t>", b"<t>Axes</t>", 1)
            archive.writestr(info, data, compress_type=info.compress_type)
    assert cli("build-workbook", "-o", target).code == 2


@pytest.mark.parametrize("lock", ["~$Programme2023.xlsm", "~$ogramme2023.xlsm"])
def test_refused_while_open_in_excel_even_with_force(target, cli, lock):
    assert cli("refresh", target).code == 0
    refreshed = target.read_bytes()
    (target.parent / lock).write_bytes(b"")
    for extra in ((), ("--force",)):
        result = cli("build-workbook", "-o", target, *extra)
        assert result.code == 2
        assert f"ouvert dans Excel ({lock} présent)" in result.err
        assert target.read_bytes() == refreshed


def test_a_new_path_always_works(tmp_path, built, cli):
    (tmp_path / "~$Autre.xlsm").write_bytes(b"")  # another workbook open: no matter
    result = cli("build-workbook", "-o", tmp_path / "Neuf.xlsm")
    assert result.code == 0, result.err
    assert (tmp_path / "Neuf.xlsm").read_bytes() == built


def test_default_output_is_the_package_repository_not_the_current_folder(tmp_path, built):
    look_alike = tmp_path / "workbook"
    shutil.copytree(SOURCE, look_alike / "source")
    mine = look_alike / "Programme2023.xlsm"
    mine.write_bytes(b"PK my own work")
    assert build.default_output() == ROOT / "workbook" / "Programme2023.xlsm"
    result = run_motxl("build-workbook", cwd=tmp_path)
    assert mine.read_bytes() == b"PK my own work"
    assert sorted(p.name for p in look_alike.iterdir()) == ["Programme2023.xlsm", "source"]
    # The repository's committed workbook is the fresh build (test_build checks it): untouched.
    assert result.code == 0, result.err
    repository_workbook = ROOT / "workbook" / "Programme2023.xlsm"
    assert result.out.startswith(f"Classeur déjà à jour : {repository_workbook}")
