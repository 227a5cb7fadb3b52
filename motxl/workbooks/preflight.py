"""Look at a file before any reader touches it, and refuse what cannot be read safely.

Every refusal is a MotxlError with a French one-line message (exit code 2).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from motxl.errors import MotxlError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
#: Uncompressed size above which a workbook is refused (a real programme is a few MB).
MAX_UNCOMPRESSED = 512 * 1024 * 1024
#: A part this large that also shrank more than MAX_RATIO times is taken for a zip bomb.
BOMB_PART_SIZE = 64 * 1024 * 1024
MAX_RATIO = 200
SUFFIXES = (".xlsx", ".xlsm")


def check_workbook_file(path: Path) -> None:
    """Raise MotxlError unless ``path`` looks like a readable .xlsx/.xlsm workbook."""
    name = path.name
    if not path.exists():
        raise MotxlError(f"Fichier introuvable : {path}. Vérifiez le chemin et le nom du fichier.")
    if path.is_dir():
        raise MotxlError(f"{path} est un dossier, pas un classeur Excel.")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except PermissionError:
        raise MotxlError(f"Lecture de {name} refusée : vérifiez les droits d'accès au fichier.")
    except OSError as exc:
        raise MotxlError(f"Lecture de {name} impossible : {exc.strerror or exc}.")
    if head.startswith(OLE_MAGIC):
        raise MotxlError(_ole_message(path))
    if not head.startswith(ZIP_MAGIC):
        if path.suffix.lower() == ".xls":
            raise MotxlError(f"{name} est au format .xls ancien : ouvrez-le dans Excel et "
                             "enregistrez-le au format .xlsm ou .xlsx.")
        raise MotxlError(f"{name} n'est pas un classeur Excel (.xlsx ou .xlsm) lisible : "
                         "fichier vide, tronqué ou d'un autre format.")
    _check_zip(path)
    if path.suffix.lower() not in SUFFIXES:
        raise MotxlError(f"{name} n'a pas l'extension .xlsx ou .xlsm : renommez-le ou "
                         "enregistrez-le depuis Excel dans l'un de ces formats.")


def _ole_message(path: Path) -> str:
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage"):
                return (f"{path.name} est protégé par un mot de passe : enregistrez-en une copie "
                        "sans mot de passe (Fichier > Informations > Protéger le classeur).")
    except Exception:  # noqa: BLE001 - any unreadable OLE file gets the generic message
        pass
    return (f"{path.name} est au format .xls ancien (Excel 97-2003) : ouvrez-le dans Excel et "
            "enregistrez-le au format .xlsm ou .xlsx.")


def _check_zip(path: Path) -> None:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
                raise MotxlError(f"{name} est une archive zip mais pas un classeur Excel.")
            if "xl/workbook.bin" in names:
                raise MotxlError(f"{name} est au format binaire .xlsb : enregistrez-le au "
                                 "format .xlsm ou .xlsx.")
            total = 0
            for member in members:
                total += member.file_size
                ratio = member.file_size / max(member.compress_size, 1)
                if total > MAX_UNCOMPRESSED or (member.file_size > BOMB_PART_SIZE
                                                and ratio > MAX_RATIO):
                    raise MotxlError(f"{name} se décompresse en un volume anormal "
                                     f"({member.filename}) : fichier refusé par sécurité.")
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as part:
                        start = part.read(4096)
                    if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                        raise MotxlError(f"{name} contient une déclaration XML interdite "
                                         f"(DOCTYPE, dans {member.filename}) : fichier refusé "
                                         "par sécurité.")
    except zipfile.BadZipFile:
        raise MotxlError(f"{name} est endommagé (archive zip illisible) : ouvrez-le dans Excel "
                         "pour le réparer, ou reprenez une sauvegarde.")
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise MotxlError(f"{name} est endommagé ou d'un format de compression non pris en "
                         f"charge ({type(exc).__name__}).")


def lock_file(path: Path) -> Path:
    """Excel's owner file beside an open workbook: '~$Name.xlsm'."""
    return path.with_name("~$" + path.name)


def is_open_in_excel(path: Path) -> bool:
    return os.path.exists(lock_file(path))
