"""Write a source-only VBA project (``vbaProject.bin``) from module text, per [MS-OVBA].

Layout ([MS-OVBA] 2.2): root streams ``PROJECT`` (2.3.1) and ``PROJECTwm`` (2.3.3), storage
``VBA`` with ``_VBA_PROJECT`` (2.3.4.1, 7 bytes, no performance cache), ``dir`` (2.3.4.2,
compressed) and one compressed module stream per module (2.3.4.3, MODULEOFFSET 0). With no
compiled state, Office compiles the project from source when it opens the file.

Choices where the spec leaves room: PROJECTSYSKIND is Win64 (3, what current 64-bit Office
writes; source-only projects are recompiled on either platform), LCID 0x409, code page 1252,
PROJECTVERSION 1.0, references to stdole and Office 16 only (VBA and Excel are implicit host
references), no PROJECTCOMPATVERSION record. The project ID and the obfuscation seeds of
CMG/DPB/GC (2.4.3) are derived from a hash of the input, so equal input gives equal bytes.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from dataclasses import dataclass
from typing import Iterable, Literal

from motxl.build.cfb import Tree, build_compound_file
from motxl.build.ovba_compression import compress

__all__ = ["VbaModule", "build_vba_project", "encrypt_data", "module_text", "project_id_for"]

CODEPAGE = 1252
ENCODING = "cp1252"
LCID = 0x0409
SYSKIND_WIN64 = 0x00000003
VBA_PROJECT_STREAM = bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x00, 0x00])
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
REFERENCES = (
    ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
               r"C:\Windows\System32\stdole2.tlb#OLE Automation"),
    ("Office", r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
               r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
               r"#Microsoft Office 16.0 Object Library"),
)
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_VB_NAME = re.compile(r'Attribute VB_Name = "([^"]*)"\Z')
_DOCUMENT_ATTRIBUTES = (
    "VB_GlobalNameSpace = False", "VB_Creatable = False", "VB_PredeclaredId = True",
    "VB_Exposed = True", "VB_TemplateDerived = False", "VB_Customizable = True",
)
#: The module-level attributes Excel stores for a class module, in its order, with the values
#: it gives them when an exported ``.cls`` file does not say.
_CLASS_ATTRIBUTES = (
    ("VB_GlobalNameSpace", "False"), ("VB_Creatable", "False"),
    ("VB_PredeclaredId", "False"), ("VB_Exposed", "False"),
    ("VB_TemplateDerived", "False"), ("VB_Customizable", "False"),
)
_CLS_HEADER = re.compile(r"VERSION 1\.0 CLASS\nBEGIN\n(?:  [A-Za-z]+ = -?\d+[^\n]*\n)*END\n")
_MODULE_ATTRIBUTE = re.compile(r"Attribute (VB_[A-Za-z]+) = (.*)\Z")


@dataclass(frozen=True)
class VbaModule:
    """One module: ``standard`` (a .bas module), ``class`` (a .cls module) or ``document``
    (ThisWorkbook or a sheet).

    ``source`` is the code as the VBA editor shows it. A standard module may start with its
    ``Attribute VB_Name`` line (as ``xlwings.bas`` does); a class module is the text of an
    exported ``.cls`` file (its ``VERSION 1.0 CLASS`` / ``BEGIN`` … ``END`` header is the
    export's, not stored); a document module must not carry ``Attribute`` lines, they are
    generated.
    """

    name: str
    kind: Literal["standard", "class", "document"]
    source: str = ""


def module_text(module: VbaModule, workbook: bool = False) -> str:
    """The module stream's text ([MS-OVBA] 2.3.4.3): Attribute header + source, CRLF lines.

    ``workbook`` selects the ThisWorkbook VB_Base for a document module (else a sheet's).
    """
    lines = module.source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    first = _VB_NAME.match(lines[0]) if lines else None
    if module.kind == "standard":
        if first is None:
            lines.insert(0, f'Attribute VB_Name = "{module.name}"')
        elif first.group(1) != module.name:
            raise ValueError(f"module {module.name!r}: source names itself {first.group(1)!r}")
    elif module.kind == "class":
        lines = _class_lines(module, lines)
    else:
        if lines and lines[0].startswith("Attribute VB_"):
            raise ValueError(f"document module {module.name!r}: Attribute lines are generated")
        base = WORKBOOK_BASE if workbook else SHEET_BASE
        header = [f'Attribute VB_Name = "{module.name}"', f'Attribute VB_Base = "{base}"']
        lines[:0] = header + [f"Attribute {a}" for a in _DOCUMENT_ATTRIBUTES]
    return "".join(line + "\r\n" for line in lines)


def _class_lines(module: VbaModule, lines: list[str]) -> list[str]:
    """A class module's stored lines ([MS-OVBA] 2.3.4.3 with the attributes Excel writes):
    VB_Name, VB_Base (the class GUID), the six flags, the file's other module attributes,
    then the code. The ``.cls`` export header is dropped."""
    text = "\n".join(lines) + "\n"
    header = _CLS_HEADER.match(text)
    if header:
        lines = text[header.end():].split("\n")[:-1]
    given: dict[str, str] = {}
    others: list[str] = []
    while lines and (match := _MODULE_ATTRIBUTE.match(lines[0])):
        given[match.group(1)] = match.group(2)
        if match.group(1) not in dict(_CLASS_ATTRIBUTES) | {"VB_Name": "", "VB_Base": ""}:
            others.append(lines[0])
        lines = lines[1:]
    name = given.get("VB_Name", f'"{module.name}"')
    if name != f'"{module.name}"':
        raise ValueError(f"class module {module.name!r}: source names itself {name}")
    if given.get("VB_Base", f'"{CLASS_BASE}"') != f'"{CLASS_BASE}"':
        raise ValueError(f"class module {module.name!r}: VB_Base is not a class's")
    head = [f'Attribute VB_Name = "{module.name}"', f'Attribute VB_Base = "{CLASS_BASE}"']
    head += [f"Attribute {key} = {given.get(key, default)}" for key, default in _CLASS_ATTRIBUTES]
    return head + others + lines


def _mbcs(text: str, what: str) -> bytes:
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as exc:
        raise ValueError(f"{what} is not encodable in code page {CODEPAGE}: {exc}") from None


def _record(record_id: int, data: bytes) -> bytes:
    """An Id / Size / Data record, the shape of most ``dir`` records (2.3.4.2)."""
    return struct.pack("<HI", record_id, len(data)) + data


def _pair(record_id: int, text: str, reserved: int) -> bytes:
    """A record holding an MBCS string then, after ``reserved``, its UTF-16 twin."""
    return _record(record_id, _mbcs(text, "text")) + _record(reserved, text.encode("utf-16-le"))


def _dir_stream(project_name: str, modules: list[VbaModule]) -> bytes:
    """The decompressed ``dir`` stream, [MS-OVBA] 2.3.4.2."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", SYSKIND_WIN64))  # PROJECTSYSKIND
    out += _record(0x0002, struct.pack("<I", LCID))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", LCID))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODEPAGE))  # PROJECTCODEPAGE
    out += _record(0x0004, _mbcs(project_name, "project name"))  # PROJECTNAME
    out += _pair(0x0005, "", 0x0040)  # PROJECTDOCSTRING
    out += _record(0x0006, b"") + _record(0x003D, b"")  # PROJECTHELPFILEPATH (twice, equal)
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: Reserved=4, 1.0
    out += _pair(0x000C, "", 0x003C)  # PROJECTCONSTANTS
    for name, libid in REFERENCES:  # REFERENCENAME + REFERENCEREGISTERED (2.3.4.2.2)
        out += _pair(0x0016, name, 0x003E)
        libid_bytes = libid.encode("ascii")
        out += _record(0x000D, struct.pack("<I", len(libid_bytes)) + libid_bytes
                       + struct.pack("<IH", 0, 0))
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:  # MODULE (2.3.4.2.3.2)
        out += _record(0x0019, _mbcs(module.name, "module name"))
        out += _record(0x0047, module.name.encode("utf-16-le"))
        out += _pair(0x001A, module.name, 0x0032)  # MODULESTREAMNAME
        out += _pair(0x001C, "", 0x0048)  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source only
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        # MODULETYPE: 0x0021 procedural; 0x0022 document, class or designer module
        out += struct.pack("<HI", 0x0021 if module.kind == "standard" else 0x0022, 0)
        out += struct.pack("<HI", 0x002B, 0)  # module terminator
    out += struct.pack("<HI", 0x0010, 0)  # dir terminator
    return bytes(out)


def encrypt_data(project_id: str, data: bytes, seed: int, filler: bytes = b"\x00\x00\x00") -> str:
    """[MS-OVBA] 2.4.3.2 Data Encryption of ``data``, as upper-case hex.

    ``project_id`` is the ``{GUID}`` of the PROJECT stream's ID line; ``seed`` (0-255) also sets
    how many ``filler`` bytes ((seed & 6) / 2) are encrypted as IgnoredEnc.
    """
    version, project_key = 2, sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ project_key])
    unencrypted_1, encrypted_1, encrypted_2 = project_key, seed ^ project_key, seed ^ version
    plain = filler[: (seed & 6) // 2] + struct.pack("<I", len(data)) + data
    for byte in plain:
        encrypted = ((encrypted_2 + unencrypted_1) & 0xFF) ^ byte
        out.append(encrypted)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, encrypted, byte
    return out.hex().upper()


def _project_stream(project_id: str, project_name: str, modules: list[VbaModule]) -> bytes:
    """The PROJECT stream, [MS-OVBA] 2.3.1, with CMG/DPB/GC seeded from the project ID."""

    def protected(label: str, data: bytes) -> str:
        digest = hashlib.sha256(f"{project_id}/{label}".encode("ascii")).digest()
        return encrypt_data(project_id, data, digest[0], digest[1:4])

    cmg = protected("CMG", struct.pack("<I", 0))  # not protected (2.3.1.15)
    dpb = protected("DPB", bytes([0x00]))  # no password (2.3.1.16)
    gc = protected("GC", bytes([0xFF]))  # visible (2.3.1.17)
    lines = [f'ID="{project_id}"']
    for module in modules:  # ProjectModule (2.3.1.3): Document=, Module= or Class=
        lines.append(f"Document={module.name}/&H00000000" if module.kind == "document"
                     else f"Class={module.name}" if module.kind == "class"
                     else f"Module={module.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{cmg}"',
        f'DPB="{dpb}"',
        f'GC="{gc}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return _mbcs("".join(line + "\r\n" for line in lines), "PROJECT stream")


def _projectwm_stream(modules: list[VbaModule]) -> bytes:
    """PROJECTwm, [MS-OVBA] 2.3.3: MBCS and UTF-16 name of each module, NUL-terminated."""
    out = bytearray()
    for module in modules:
        out += _mbcs(module.name, "module name") + b"\x00"
        out += module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def _validate(modules: list[VbaModule], project_name: str) -> None:
    if not _IDENTIFIER.match(project_name):
        raise ValueError(f"invalid VBA project name: {project_name!r}")
    seen: set[str] = set()
    for module in modules:
        if not isinstance(module, VbaModule):
            raise TypeError(f"expected VbaModule, got {type(module).__name__}")
        if module.kind not in ("standard", "class", "document"):
            raise ValueError(f"module {module.name!r}: unknown kind {module.kind!r}")
        if not _IDENTIFIER.match(module.name) or module.name.lower() == "dir":
            raise ValueError(f"invalid VBA module name: {module.name!r}")
        if module.name.lower() in seen:
            raise ValueError(f"duplicate module name: {module.name!r}")
        seen.add(module.name.lower())


def project_id_for(modules: list[VbaModule], project_name: str) -> str:
    """A GUID derived from the project and module names and kinds: ``{XXXXXXXX-...}``."""
    key = "\n".join([project_name] + [f"{m.kind}:{m.name}" for m in modules])
    guid = uuid.UUID(bytes=hashlib.sha256(key.encode("utf-8")).digest()[:16], version=4)
    return "{" + str(guid).upper() + "}"


def build_vba_project(modules: Iterable[VbaModule], project_name: str = "VBAProject") -> bytes:
    """Build ``vbaProject.bin`` holding ``modules`` in the given order.

    The first document module is the workbook's (``ThisWorkbook``); every other document
    module is a sheet's, named after the sheet's code name. Raises ``ValueError`` for invalid
    names, duplicate names, or text outside code page 1252.
    """
    modules = list(modules)
    _validate(modules, project_name)
    project_id = project_id_for(modules, project_name)
    first_document = next((m for m in modules if m.kind == "document"), None)
    vba: Tree = {
        "_VBA_PROJECT": VBA_PROJECT_STREAM,
        "dir": compress(_dir_stream(project_name, modules)),
    }
    for module in modules:
        text = module_text(module, workbook=module is first_document)
        vba[module.name] = compress(_mbcs(text, f"module {module.name!r}"))
    return build_compound_file({
        "PROJECT": _project_stream(project_id, project_name, modules),
        "PROJECTwm": _projectwm_stream(modules),
        "VBA": vba,
    })
