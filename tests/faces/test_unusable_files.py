"""Files that cannot be checked: exit 2, one French line on stderr, no traceback, input unchanged."""

import io

import pytest

from tests.conftest import run_motxl


def _bad_files(tmp_path, seed_workbook, make_programme):
    good = seed_workbook.read_bytes()
    files = {}

    def put(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        files[name] = path

    put("vide.xlsx", b"")
    put("texte.xlsx", "Axe;Libellé\n1;Action\n".encode())
    put("tronque.xlsx", good[: len(good) // 2])
    put("zip-sans-classeur.xlsx", _zip_bytes({"hello.txt": b"bonjour"}))

    import msoffcrypto.format.ooxml as ooxml

    encrypted = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(good)).encrypt("secret", encrypted)
    put("protege.xlsx", encrypted.getvalue())

    from motxl.build.cfb import build_compound_file

    put("ancien.xls", build_compound_file({"Workbook": b"\x09\x08" + bytes(200)}))
    files["sans-feuille.xlsx"] = make_programme([["1", "AXE"]], sheet="Feuil1",
                                                name="sans-feuille.xlsx")
    files["sans-entete.xlsx"] = make_programme([["1", "AXE"]], header=["Numéro", "Texte"],
                                               name="sans-entete.xlsx")
    files["dossier.xlsx"] = tmp_path / "dossier.xlsx"
    files["dossier.xlsx"].mkdir()
    files["absent.xlsx"] = tmp_path / "absent.xlsx"
    return files


def _zip_bytes(members):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


EXPECTED = {
    "vide.xlsx": "n'est pas un classeur Excel",
    "texte.xlsx": "n'est pas un classeur Excel",
    "tronque.xlsx": "endommagé",
    "zip-sans-classeur.xlsx": "pas un classeur Excel",
    "protege.xlsx": "protégé par un mot de passe",
    "ancien.xls": "format .xls ancien",
    "sans-feuille.xlsx": "n'a pas de feuille « Programme »",
    "sans-entete.xlsx": "n'a pas d'en-tête de programme",
    "dossier.xlsx": "est un dossier",
    "absent.xlsx": "Fichier introuvable",
}


def test_every_unusable_file_exits_2_in_french(tmp_path, seed_workbook, make_programme, cli):
    files = _bad_files(tmp_path, seed_workbook, make_programme)
    assert set(files) == set(EXPECTED)
    for name, path in files.items():
        before = path.read_bytes() if path.is_file() else None
        for fmt in ("text", "json"):
            result = cli("validate", path, "--format", fmt)
            assert result.code == 2, (name, result)
            assert result.out == "", name
            lines = result.err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("motxl : "), (name, result.err)
            assert EXPECTED[name] in lines[0], (name, lines[0])
            assert "Traceback" not in result.err
        if before is not None:
            assert path.read_bytes() == before


def test_console_script_reports_without_traceback(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("pas un classeur")
    result = run_motxl("validate", bad)
    assert result.code == 2
    assert result.err.strip().count("\n") == 0 and "Traceback" not in result.err


def test_duplicate_header_is_refused(make_programme, cli):
    path = make_programme([["1", "AXE", "2"]], header=["Axe", "Libellé", "Code"])
    result = cli("validate", path)
    assert result.code == 2 and "deux colonnes « Axe »" in result.err


def test_usage_error_is_french(cli):
    result = cli("validat", "x.xlsx")
    assert result.code == 2 and "commande incorrecte" in result.err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_errors_exit_1(make_programme, cli, fmt):
    path = make_programme([["1", "[SOCLE] AXE"], [None, "Sans code"]])
    result = cli("validate", path, "--format", fmt)
    assert result.code == 1
    assert "code-missing" in result.out


@pytest.mark.parametrize("args,words", [
    (("validate",), "il manque : FICHIER"),
    (("summary", "x.xlsx", "--format", "xml"), "« xml » n'est pas prévu"),
    (("validate", "a.xlsx", "b.xlsx"), "arguments inconnus : b.xlsx"),
    (("report", "x.xlsx"), "il manque : --by"),
])
def test_usage_errors_are_said_in_french(cli, args, words):
    result = cli(*args)
    assert result.code == 2 and words in result.err
    assert "required" not in result.err and "invalid" not in result.err
