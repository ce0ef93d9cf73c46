import json
import pathlib

import jsonschema
import plm_connector_core as core
import pytest

CORE_DIR = pathlib.Path(core.__file__).resolve().parent
xml_release = core.xml_release
PlmXmlError = xml_release.PlmXmlError

SAMPLES = CORE_DIR / "samples"


def _schema(code):
    return json.loads((CORE_DIR / "schemas" / f"{code}.v1.json").read_text())


@pytest.mark.parametrize(
    "sample, code",
    [
        ("plm_bom_release_sample.xml", "plm.bom.released"),
        ("plm_item_release_sample.xml", "plm.item.released"),
        ("plm_change_release_sample.xml", "plm.change.released"),
    ],
)
def test_samples_parse_to_schema_valid_payloads(sample, code):
    flow, payload = xml_release.parse_release((SAMPLES / sample).read_bytes())
    assert flow == code
    jsonschema.Draft202012Validator(_schema(code)).validate(payload)


def test_bom_sample_content():
    payload = xml_release.parse_bom_release(
        (SAMPLES / "plm_bom_release_sample.xml").read_bytes()
    )
    assert payload["part_number"] == "PUMP-100"
    assert payload["revision"] == "B"
    assert payload["change_number"] == "ECO-0042"
    assert payload["supersedes_revision"] == "A"
    assert [line["component"] for line in payload["lines"]] == [
        "HOUSING-10",
        "IMPELLER-20",
        "SCREW-M6",
    ]
    assert payload["lines"][2]["quantity"] == 8.0
    assert payload["operations"][0] == {
        "ref": "OP10",
        "sequence": 10,
        "workcenter_code": "ASM",
        "name": "Assemble housing",
        "setup_time": 15.0,
        "run_time": 12.5,
        "instructions": "Press the bearing, then fit the impeller.",
    }
    assert payload["subassemblies"][0]["lines"][0] == {
        "component": "BLADE-21",
        "quantity": 6.0,
        "unit": "Units",
        "find_number": "10",
    }
    assert payload["items"][0]["manufacturers"] == [
        {"name": "ACME Castings", "part_number": "AC-21-B"}
    ]
    assert payload["schema_version"] == "1.0"


def test_flow_parser_refuses_other_release_kind():
    data = (SAMPLES / "plm_item_release_sample.xml").read_bytes()
    with pytest.raises(
        PlmXmlError, match=r"plm\.item\.released release, not plm\.bom\.released"
    ):
        xml_release.parse_bom_release(data)


def test_malformed_xml():
    with pytest.raises(PlmXmlError, match="Malformed XML"):
        xml_release.parse_release(
            b"<PlmRelease><BomRelease partNumber='A'></PlmRelease>"
        )


def test_empty_document():
    with pytest.raises(PlmXmlError, match="Empty"):
        xml_release.parse_release(b"   ")


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<PlmRelease><ItemRelease partNumber="&lol4;" revision="A"><Name>x</Name>
</ItemRelease></PlmRelease>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PlmRelease><ItemRelease partNumber="P" revision="A"><Name>&xxe;</Name>
</ItemRelease></PlmRelease>
"""


def test_entity_expansion_bomb_is_rejected():
    with pytest.raises(
        PlmXmlError, match="DOCTYPE and ENTITY declarations are not allowed"
    ):
        xml_release.parse_release(BOMB)


def test_external_entity_is_rejected():
    with pytest.raises(
        PlmXmlError, match="DOCTYPE and ENTITY declarations are not allowed"
    ):
        xml_release.parse_release(XXE)


def test_utf16_doctype_is_rejected():
    with pytest.raises(PlmXmlError, match="not allowed"):
        xml_release.parse_release(
            XXE.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16")
        )


def test_parser_itself_never_resolves_entities():
    # Defence in depth: even past the DOCTYPE check, the lxml parser is set so
    # that an external entity is not loaded.
    from lxml import etree

    root = etree.fromstring(XXE, parser=xml_release._safe_parser())
    assert "root:" not in etree.tostring(root).decode()


def test_wrong_root():
    with pytest.raises(PlmXmlError, match="Root element must be <PlmRelease>"):
        xml_release.parse_release(b"<Bom/>")


def test_two_releases_in_one_document():
    with pytest.raises(PlmXmlError, match="exactly one"):
        xml_release.parse_release(
            b"<PlmRelease><ChangeRelease number='E'/>"
            b"<ChangeRelease number='F'/></PlmRelease>"
        )


def test_quantity_not_a_number():
    data = (
        b"<PlmRelease><BomRelease partNumber='P' revision='A' changeNumber='E'>"
        b"<Line component='C' quantity='two'/></BomRelease></PlmRelease>"
    )
    with pytest.raises(PlmXmlError, match=r"quantity='two' is not a number"):
        xml_release.parse_release(data)


def test_missing_required_attribute():
    data = (
        b"<PlmRelease><BomRelease revision='A'>"
        b"<Line component='C' quantity='1'/></BomRelease></PlmRelease>"
    )
    with pytest.raises(PlmXmlError, match="attribute partNumber is required"):
        xml_release.parse_release(data)


def test_zero_quantity_parses_then_fails_schema():
    data = (
        b"<PlmRelease><BomRelease partNumber='P' revision='A' changeNumber='E'>"
        b"<Line component='C' quantity='0'/></BomRelease></PlmRelease>"
    )
    _code, payload = xml_release.parse_release(data)
    errors = list(
        jsonschema.Draft202012Validator(_schema("plm.bom.released")).iter_errors(
            payload
        )
    )
    assert [list(e.absolute_path) for e in errors] == [["lines", 0, "quantity"]]


def test_size_limit(monkeypatch):
    monkeypatch.setattr(xml_release, "MAX_XML_BYTES", 10)
    with pytest.raises(PlmXmlError, match="larger than"):
        xml_release.parse_release(b"<PlmRelease>   </PlmRelease>")
