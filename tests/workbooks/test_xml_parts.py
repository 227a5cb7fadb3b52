"""The XML parts motxl edits: parsed with defusedxml's protections, written back with the
file's own prefixes and declarations."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree

from motxl.workbooks import opc, xml_parts
from motxl.workbooks.opc import Rel

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
          b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
          b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          b'<Relationship Id="&b;" Type="t" Target="x"/></Relationships>')
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&e;'
            b'</Types>')


@pytest.mark.parametrize("data", [LAUGHS, EXTERNAL])
def test_a_dtd_is_refused(data):
    with pytest.raises(xml_parts.XmlPartError):
        xml_parts.parse(data)
    with pytest.raises(xml_parts.XmlPartError):
        opc.add_rels(data, [Rel("rId9", opc.REL_TYPE + "worksheet", "worksheets/sheet9.xml")])


def test_relationships_keep_their_prefix_and_quotes_are_read_either_way():
    data = (b"<?xml version='1.0' encoding='UTF-8'?>\r\n<pr:Relationships xmlns:pr='"
            + opc.PKG_RELS.encode() + b"'><pr:Relationship Id='rId1' Type='a/b/styles' "
            b"Target='styles.xml'/><pr:Relationship Id='rId2' Type='a/b/calcChain' "
            b"Target='calcChain.xml'/></pr:Relationships>")
    added = opc.add_rels(opc.remove_rels(data, {"rId2"}),
                         [Rel("rId3", "a/b/worksheet", "worksheets/a&b.xml")])
    assert b"<pr:Relationship " in added and b"<Relationship " not in added
    rels = opc.parse_rels(added)
    assert [(r.id, r.target) for r in rels] == [("rId1", "styles.xml"),
                                                ("rId3", "worksheets/a&b.xml")]


def test_content_types_edits_keep_ignorable_declarations():
    data = ('<Types xmlns="' + opc.CT + '" xmlns:mc="http://schemas.openxmlformats.org/markup-'
            'compatibility/2006" xmlns:unused="urn:unused" mc:Ignorable="unused">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/calcChain.xml" ContentType="c"/></Types>').encode()
    edited = opc.add_override(opc.remove_overrides(data, {"xl/calcChain.xml"}),
                              "xl/worksheets/sheet9.xml", "w")
    assert b'xmlns:unused="urn:unused"' in edited and b'mc:Ignorable="unused"' in edited
    root = ElementTree.fromstring(edited)
    assert [n.get("PartName") for n in root.iter(f"{opc.CT_NS}Override")] == \
        ["/xl/worksheets/sheet9.xml"]
    assert opc.content_type_of(edited, "xl/worksheets/sheet9.xml") == "w"
