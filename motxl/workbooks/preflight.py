"""Look at a file before any reader touches it, and refuse what cannot be read safely.

Every refusal is a MotxlError with a French one-line message (exit code 2).

The readers (python-calamine, the XML parsers) trust the zip and the XML they are given, so the checks
here do not: every part of the archive is inflated once, in bounded chunks, and must come out
with the size and CRC its directory entry declares (a zip bomb that lies about its sizes is
caught at the first byte beyond the declared size, never held in memory), and the prolog of
every XML part (what precedes its root element, in UTF-8 or UTF-16) must hold no DOCTYPE, so
that no reader ever meets an entity declaration ("billion laughs", external entities).
"""

from __future__ import annotations

import codecs
import os
import struct
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from motxl.errors import MotxlError
from motxl.workbooks.background import InThread

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
#: Uncompressed size above which a workbook is refused (a real programme is a few MB).
MAX_UNCOMPRESSED = 512 * 1024 * 1024
#: A part this large that also shrank more than MAX_RATIO times is taken for a zip bomb.
BOMB_PART_SIZE = 64 * 1024 * 1024
MAX_RATIO = 200
#: Parts above which a zip is refused before its directory is read (Python keeps about 1 KB per
#: part: a 100 MB zip of a million empty parts would take a gigabyte and many seconds).
MAX_PARTS = 20_000
SUFFIXES = (".xlsx", ".xlsm")
#: Inflate and read in chunks of this size (memory stays bounded whatever the part).
CHUNK = 1024 * 1024
#: Characters of prolog (XML declaration, comments, processing instructions) allowed before a
#: part's root element; Excel writes about 60.
MAX_PROLOG = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_END = b"PK\x05\x06"
_END64_LOCATOR = b"PK\x06\x07"


def check_workbook_file(path: Path) -> None:
    """Raise MotxlError unless ``path`` looks like a readable .xlsx/.xlsm workbook."""
    start_workbook_check(path).wait()


class WorkbookCheck:
    """The checks of one workbook file, its parts still being inflated in a thread (zlib
    releases the GIL, so the caller can read its sheet meanwhile: nothing may hand the file
    to python-calamine before ``wait`` has returned)."""

    def __init__(self, path: Path, key: tuple, members: list[zipfile.ZipInfo] | None) -> None:
        self.path, self.key = path, key
        self.inflating = InThread("motxl-preflight", self._inflate, members) if members else None

    def _inflate(self, members: list[zipfile.ZipInfo]) -> None:
        with _archive_errors(self.path.name), open(self.path, "rb") as raw:
            for member in members:  # the sizes found: every part inflated, bounded
                _check_member(self.path.name, raw, member)

    def wait(self) -> None:
        """Raise the first refusal (MotxlError) of the file's checks, once they are all done."""
        if self.inflating is not None:
            self.inflating.result()  # a refusal is raised again at each call
        _remember_checked(self.key)
        if self.path.suffix.lower() not in SUFFIXES:
            raise MotxlError(f"{self.path.name} n'a pas l'extension .xlsx ou .xlsm : "
                             "renommez-le ou enregistrez-le depuis Excel dans l'un de ces "
                             "formats.")


def start_workbook_check(path: Path) -> WorkbookCheck:
    """Refuse at once what the file's first bytes and its zip directory show; inflate its parts
    (sizes, CRC, no DOCTYPE) in a thread, whose verdict ``WorkbookCheck.wait`` gives. A file
    version already checked is not inflated again (a refresh reads its source twice)."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise MotxlError(f"Fichier introuvable : {path}. Vérifiez le chemin et le nom du fichier.")
    if path.is_dir():
        raise MotxlError(f"{path} est un dossier, pas un classeur Excel : indiquez le fichier "
                         ".xlsx ou .xlsm.")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
        stat = os.stat(path)
    except PermissionError:
        raise MotxlError(f"Lecture de {name} refusée : vérifiez les droits d'accès au fichier.")
    except OSError as exc:
        raise MotxlError(f"Lecture de {name} impossible ({exc.strerror or exc}) : vérifiez le "
                         "fichier et relancez.")
    if head.startswith(OLE_MAGIC):
        raise MotxlError(_ole_message(path))
    if not head.startswith(ZIP_MAGIC):
        if path.suffix.lower() == ".xls":
            raise MotxlError(f"{name} est au format .xls ancien : ouvrez-le dans Excel et "
                             "enregistrez-le au format .xlsm ou .xlsx.")
        raise MotxlError(f"{name} n'est pas un classeur Excel (.xlsx ou .xlsm) lisible : "
                         "fichier vide, tronqué ou d'un autre format.")
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if key in _CHECKED:
        return WorkbookCheck(path, key, None)
    return WorkbookCheck(path, key, _check_directory(path))


#: File versions (path, size, mtime, inode) whose checks passed, oldest first.
_CHECKED: dict[tuple, None] = {}


def _remember_checked(key: tuple) -> None:
    _CHECKED[key] = None
    while len(_CHECKED) > 32:
        del _CHECKED[next(iter(_CHECKED))]


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


def _damaged(name: str, detail: str) -> MotxlError:
    return MotxlError(f"{name} est endommagé ({detail}) : ouvrez-le dans Excel pour le réparer, "
                      "ou reprenez une sauvegarde.")


def _bomb(name: str, part: str) -> MotxlError:
    return MotxlError(f"{name} se décompresse en un volume anormal ({part}) : fichier refusé par "
                      "sécurité ; demandez une copie enregistrée depuis Excel.")


def _declared_parts(path: Path) -> int | None:
    """The number of parts the zip's end record declares (None if there is no end record)."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 65_557))  # the end record and its longest comment
        tail = handle.read()
    end = tail.rfind(_END)
    if end < 0 or len(tail) < end + 22:
        return None
    count = struct.unpack_from("<H", tail, end + 10)[0]
    locator = end - 20
    if count == 0xFFFF and locator >= 0 and tail[locator:locator + 4] == _END64_LOCATOR:
        offset = struct.unpack_from("<Q", tail, locator + 8)[0]
        with open(path, "rb") as handle:
            handle.seek(offset)
            record = handle.read(56)
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            count = struct.unpack_from("<Q", record, 32)[0]
    return count


@contextmanager
def _archive_errors(name: str) -> Iterator[None]:
    """The zip and I/O errors of reading an archive, as one French refusal."""
    try:
        yield
    except zipfile.BadZipFile:
        raise _damaged(name, "archive zip illisible")
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, zlib.error,
            struct.error, ValueError) as exc:
        raise _damaged(name, type(exc).__name__)


def _check_directory(path: Path) -> list[zipfile.ZipInfo]:
    """The archive's parts, once its directory shows a workbook whose declared sizes are sane
    (a bomb that says so is refused before anything is inflated)."""
    name = path.name
    with _archive_errors(name):
        parts = _declared_parts(path)
        if parts is not None and parts > MAX_PARTS:
            raise MotxlError(f"{name} contient {parts} parties, bien plus qu'un classeur : "
                             "fichier refusé par sécurité ; demandez une copie enregistrée "
                             "depuis Excel.")
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
        names = {m.filename for m in members}
        if "xl/workbook.bin" in names:
            raise MotxlError(f"{name} est au format binaire .xlsb : enregistrez-le au "
                             "format .xlsm ou .xlsx.")
        if "xl/workbook.xml" not in names:
            raise MotxlError(f"{name} est une archive zip mais pas un classeur Excel : "
                             "indiquez le fichier .xlsx ou .xlsm du programme.")
        if "[Content_Types].xml" not in names:
            raise _damaged(name, "[Content_Types].xml absent")
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > MAX_UNCOMPRESSED or (member.file_size > BOMB_PART_SIZE
                                            and ratio > MAX_RATIO):
                raise _bomb(name, member.filename)
        return members


def _check_member(name: str, raw, member: zipfile.ZipInfo) -> None:
    """Inflate one part in chunks: declared size and CRC must hold; no DOCTYPE in its prolog."""
    part = member.filename
    if member.flag_bits & 0x1:
        raise _damaged(name, f"partie chiffrée {part}")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _damaged(name, f"compression non prise en charge dans {part}")
    raw.seek(member.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != ZIP_MAGIC:
        raise _damaged(name, f"en-tête de {part}")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    raw.seek(member.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    inflate = zlib.decompressobj(-15) if member.compress_type == zipfile.ZIP_DEFLATED else None
    prolog = _PrologScanner(name, part)
    left = member.compress_size
    size = crc = 0

    def take(data: bytes) -> None:
        nonlocal size, crc
        size += len(data)
        if size > member.file_size:  # more than declared: a lying zip bomb, or damage
            raise _bomb(name, part)
        crc = zlib.crc32(data, crc)
        prolog.feed(data)

    while left > 0:
        chunk = raw.read(min(CHUNK, left))
        if not chunk:
            raise _damaged(name, f"{part} tronqué")
        left -= len(chunk)
        if inflate is None:
            take(chunk)
            continue
        data = inflate.decompress(chunk, CHUNK)
        take(data)
        while inflate.unconsumed_tail:
            take(inflate.decompress(inflate.unconsumed_tail, CHUNK))
    if inflate is not None:
        take(inflate.flush())
    prolog.finish()
    if size != member.file_size or crc != member.CRC:
        raise _damaged(name, f"{part} altéré")


class _PrologScanner:
    """Follows a part's first bytes up to its root element; refuses any ``<!DOCTYPE``.

    A DOCTYPE (and so any entity declaration) can only stand in the prolog: the XML declaration,
    comments, processing instructions and white space before the root element. The encoding is
    taken from the byte order mark or the first bytes (UTF-16 either way, else UTF-8). A part
    that does not start like XML is left alone: no XML parser gets past its first byte.
    """

    def __init__(self, name: str, part: str):
        self.name, self.part = name, part
        self.head = b""
        self.decoder: codecs.IncrementalDecoder | None = None
        self.text = ""
        self.budget = MAX_PROLOG * 4  # bytes of prolog read before the root must have started
        self.done = False

    def feed(self, data: bytes) -> None:
        if self.done or not data:
            return
        if self.decoder is None:
            self.head += data
            if len(self.head) < 4:
                return
            data, self.head = self.head, b""
            self._start(data)
        if len(data) > self.budget:
            data = data[:self.budget]
        self.budget -= len(data)
        assert self.decoder is not None
        self.text += self.decoder.decode(data)
        self._scan()
        if not self.done and self.budget <= 0:
            raise self._refusal()

    def finish(self) -> None:
        if self.decoder is None and self.head:
            self._start(self.head)
            assert self.decoder is not None
            self.text = self.decoder.decode(self.head, final=True)
            self._scan()

    def _start(self, head: bytes) -> None:
        if head.startswith((codecs.BOM_UTF16_LE, b"<\x00")):
            encoding = "utf-16-le"
        elif head.startswith((codecs.BOM_UTF16_BE, b"\x00<")):
            encoding = "utf-16-be"
        else:
            encoding = "utf-8"
        self.decoder = codecs.getincrementaldecoder(encoding)("replace")

    def _scan(self) -> None:
        text = self.text.lstrip("\ufeff \t\r\n")
        while text:
            if text.startswith("<?"):
                end, skip = text.find("?>"), 2
            elif text.startswith("<!--"):
                end, skip = text.find("-->"), 3
            elif text.startswith("<!"):
                if len(text) < 4 and "<!--".startswith(text):
                    break  # maybe a comment: wait for the next bytes
                raise self._refusal()  # <!DOCTYPE, or any other declaration
            elif text == "<":
                break
            else:  # the root element starts, or this is not XML at all
                self.done = True
                return
            if end < 0:
                break
            text = text[end + skip:].lstrip(" \t\r\n")
        self.text = text

    def _refusal(self) -> MotxlError:
        return MotxlError(f"{self.name} contient une déclaration XML interdite (DOCTYPE, dans "
                          f"{self.part}) : fichier refusé par sécurité ; demandez une copie "
                          "enregistrée depuis Excel.")


def lock_files(path: Path) -> list[Path]:
    """The owner files Excel may keep beside ``path`` while it is open.

    ``~$Name.xlsm`` is the usual one; for longer names Excel replaces the first two characters
    of the name instead (``~$ogramme2023.xlsm`` for ``Programme2023.xlsm``). This is motxl's one
    rule for "is this file open in Excel".
    """
    path = Path(path)
    candidates = [path.with_name("~$" + path.name)]
    if len(path.name) > 2:
        candidates.append(path.with_name("~$" + path.name[2:]))
    return candidates


def open_in_excel(path: Path) -> Path | None:
    """The lock file that shows ``path`` is open in Excel, or None."""
    return next((lock for lock in lock_files(path) if os.path.lexists(lock)), None)


def refuse_if_open(path: Path, advice: str = "fermez-le dans Excel puis relancez.") -> None:
    """MotxlError (one French line) while ``path`` is open in Excel."""
    lock = open_in_excel(path)
    if lock is not None:
        raise MotxlError(f"{Path(path).name} est ouvert dans Excel ({lock.name} présent) : "
                         f"{advice}")
