# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""QIF 3.0 Results of quality_bridge/core: no Odoo, no database.

The official QIF 3.0 XSDs are not shipped: set MFG_QIF_XSD_DIR to a folder laid
out as QIF's own (QIFApplications/, QIFLibrary/) to validate against them."""

import json
import os
import uuid

import jsonschema
import pytest
from lxml import etree
from mfg_integration_base_core import flow_declaration, xmldoc
from quality_bridge_core import flows, qif

XSD_DIR = os.environ.get("MFG_QIF_XSD_DIR")
HAS_XSD = bool(XSD_DIR and os.path.isdir(XSD_DIR))
needs_xsd = pytest.mark.skipif(
    not HAS_XSD, reason="MFG_QIF_XSD_DIR does not name a folder of the QIF 3.0 XSDs"
)
RESULT = {
    "schema_version": "1.0",
    "inspection_id": "5b2f3c1e-8a8d-4b3e-9a57-1f0d2a3b4c5d",
    "verdict": "fail",
    "product": "FG-TABLE",
    "lot": "TABLE-1",
    "production": "WH/MO/00007",
    "inspector": "Quinn",
    "inspected_at": "2026-01-05T10:30:00Z",
    "characteristics": [
        {
            "name": "Length",
            "target": 100.0,
            "lower_limit": 99.5,
            "upper_limit": 100.5,
            "value": 100.2,
            "unit": "mm",
            "verdict": "pass",
        },
        {
            "name": "Width",
            "target": 50.0,
            "lower_limit": 49.5,
            "upper_limit": 50.5,
            "value": 51.0,
            "unit": "mm",
            "verdict": "fail",
        },
        {"name": "Burr", "value": 0.1, "unit": "mm"},
    ],
}
# A hand-written QIF results document with what a CMM adds: tolerances defined
# around the nominal, a geometric position tolerance, a serial, unit attributes.
HANDWRITTEN = b"""<?xml version="1.0" encoding="UTF-8"?>
<QIFDocument xmlns="http://qifstandards.org/xsd/qif3" versionQIF="3.0.0" idMax="20">
  <QPId>a1b2c3d4-0000-4000-8000-000000000001</QPId>
  <StandardsDefinitions n="1"><Standard id="1"><Organization>
    <StandardsOrganizationEnum>ISO</StandardsOrganizationEnum></Organization>
    <Designator>1101</Designator></Standard></StandardsDefinitions>
  <FileUnits><PrimaryUnits><LinearUnit><UnitName>mm</UnitName></LinearUnit>
  </PrimaryUnits></FileUnits>
  <Product><PartSet n="1"><Part id="2" label="Bracket"/></PartSet></Product>
  <Characteristics>
    <FormalStandardId>1</FormalStandardId>
    <CharacteristicDefinitions n="2">
      <DiameterCharacteristicDefinition id="3"><Tolerance><MaxValue>0.1</MaxValue>
        <MinValue>-0.2</MinValue><DefinedAsLimit>false</DefinedAsLimit></Tolerance>
      </DiameterCharacteristicDefinition>
      <PositionCharacteristicDefinition id="4"><ToleranceValue>0.25</ToleranceValue>
        <MaterialCondition>REGARDLESS</MaterialCondition>
        <ZoneShape><DiametricalZone/></ZoneShape>
      </PositionCharacteristicDefinition>
    </CharacteristicDefinitions>
    <CharacteristicNominals n="2">
      <DiameterCharacteristicNominal id="5">
        <CharacteristicDefinitionId>3</CharacteristicDefinitionId>
        <TargetValue>10</TargetValue></DiameterCharacteristicNominal>
      <PositionCharacteristicNominal id="6">
        <CharacteristicDefinitionId>4</CharacteristicDefinitionId>
      </PositionCharacteristicNominal>
    </CharacteristicNominals>
    <CharacteristicItems n="2">
      <DiameterCharacteristicItem id="7">
        <CharacteristicDesignator><Designator>D1</Designator>
        </CharacteristicDesignator><CharacteristicNominalId>5</CharacteristicNominalId>
      </DiameterCharacteristicItem>
      <PositionCharacteristicItem id="8"><Name>Hole position</Name>
        <CharacteristicNominalId>6</CharacteristicNominalId></PositionCharacteristicItem>
    </CharacteristicItems>
  </Characteristics>
  <Results>
    <MeasurementResultsSet n="1">
      <MeasurementResults id="9">
        <ThisResultsInstanceQPId>a1b2c3d4-0000-4000-8000-000000000002</ThisResultsInstanceQPId>
        <MeasuredCharacteristics><CharacteristicMeasurements n="2">
          <DiameterCharacteristicMeasurement id="10"><Status>
            <CharacteristicStatusEnum>PASS</CharacteristicStatusEnum></Status>
            <CharacteristicItemId>7</CharacteristicItemId>
            <Value linearUnit="mm">9.95</Value></DiameterCharacteristicMeasurement>
          <PositionCharacteristicMeasurement id="11"><Status>
            <CharacteristicStatusEnum>REWORK</CharacteristicStatusEnum></Status>
            <CharacteristicItemId>8</CharacteristicItemId>
            <Value>0.3</Value></PositionCharacteristicMeasurement>
        </CharacteristicMeasurements></MeasuredCharacteristics>
        <InspectionStatus><InspectionStatusEnum>REWORK</InspectionStatusEnum></InspectionStatus>
        <ActualComponentIds n="1"><Id>12</Id></ActualComponentIds>
      </MeasurementResults>
    </MeasurementResultsSet>
    <ActualComponentSets n="1"><ActualComponentSet n="2">
      <ActualComponent id="12"><SerialNumber>SN-7</SerialNumber>
        <Status><InspectionStatusEnum>REWORK</InspectionStatusEnum></Status>
        <Traceability><InspectionStart>2026-01-05T09:00:00Z</InspectionStart>
          <InspectionOperator><Name>Ann</Name></InspectionOperator></Traceability>
      </ActualComponent>
      <ActualComponent id="13"><SerialNumber>SN-8</SerialNumber>
        <Status><InspectionStatusEnum>PASS</InspectionStatusEnum></Status>
      </ActualComponent>
    </ActualComponentSet></ActualComponentSets>
  </Results>
</QIFDocument>"""


def parse(data):
    reader = xmldoc.Reader(xmldoc.parse(data), qif.NS)
    flow = flow_declaration.declare(flows.FLOWS)[flows.FLOW_INSPECTION_RESULT]
    payload = flow.wire_format(flows.QIF).parser(reader)
    with open(flows.schema_path(flows.FLOW_INSPECTION_RESULT)) as f:
        jsonschema.Draft202012Validator(json.load(f)).validate(payload)
    return payload, reader.ignored()


def test_rendered_results_parse_back_to_the_same_inspection():
    root = qif.render_results(RESULT, {"document_id": str(uuid.uuid4())})
    payload, ignored = parse(etree.tostring(root))
    assert payload == RESULT
    assert {p.split(" (")[0].rsplit("/", 1)[-1] for p in ignored} <= {
        "QPId",
        "StandardsDefinitions",
        "FormalStandardId",
        "Status",
    }


def test_a_cmm_document_maps_tolerances_serials_and_rework():
    payload, ignored = parse(HANDWRITTEN)
    assert payload == {
        "schema_version": "1.0",
        "inspection_id": "a1b2c3d4-0000-4000-8000-000000000002",
        "verdict": "fail",
        "product": "Bracket",
        "lot": "SN-7",
        "inspector": "Ann",
        "inspected_at": "2026-01-05T09:00:00Z",
        "characteristics": [
            {
                "name": "D1",
                "target": 10.0,
                "lower_limit": 9.8,
                "upper_limit": 10.1,
                "value": 9.95,
                "unit": "mm",
                "verdict": "pass",
            },
            {
                "name": "Hole position",
                "upper_limit": 0.25,
                "value": 0.3,
                "unit": "mm",
                "verdict": "fail",
            },
        ],
    }
    # what the mapping does not read is reported: the standards, the geometric
    # zone, the other component of the set
    unread = [p.split(" (")[0] for p in ignored]
    assert "QIFDocument/StandardsDefinitions" in unread
    assert any(p.endswith("PositionCharacteristicDefinition/ZoneShape") for p in unread)
    assert any(p.endswith("ActualComponentSet/ActualComponent") for p in unread)


@needs_xsd
def test_documents_validate_against_the_official_xsd():
    xmldoc.validate_xsd(xmldoc.parse(HANDWRITTEN), XSD_DIR, qif.XSD)
    root = qif.render_results(RESULT, {"document_id": str(uuid.uuid4())})
    xmldoc.validate_xsd(root, XSD_DIR, qif.XSD)
    bare = {k: v for k, v in RESULT.items() if k != "characteristics"}
    xmldoc.validate_xsd(
        qif.render_results(bare, {"document_id": str(uuid.uuid4())}), XSD_DIR, qif.XSD
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (
            (
                b"<InspectionStatusEnum>REWORK</InspectionStatusEnum></InspectionStatus>",
                b"<InspectionStatusEnum>UNKNOWN</InspectionStatusEnum></InspectionStatus>",
            ),
            "not a verdict",
        ),
        ((b"<Value>0.3</Value>", b"<Value>INF</Value>"), "not a finite number"),
        ((b"<Id>12</Id>", b"<Id>99</Id>"), "exactly one ActualComponent"),
        (
            (
                b"<CharacteristicItemId>8</CharacteristicItemId>",
                b"<CharacteristicItemId>80</CharacteristicItemId>",
            ),
            "names no characteristic item",
        ),
        ((b"<QIFDocument xmlns", b"<QIFDoc xmlns"), None),
    ],
)
def test_documents_that_do_not_map_say_why(change, message):
    data = HANDWRITTEN.replace(*change)
    if message is None:
        data = data.replace(b"</QIFDocument>", b"</QIFDoc>")
        message = "not a QIFDocument"
    with pytest.raises(qif.QifError, match=message):
        parse(data)
