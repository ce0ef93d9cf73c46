# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""OData part / BOM entities -> PLM canonical payloads (no Odoo)."""

import json

import jsonschema
import pytest
from plm_connector_core import flows, odata


def _valid(code, payload):
    with open(f"{flows.SCHEMA_DIR}/{code}.v1.json") as f:
        jsonschema.Draft202012Validator(json.load(f)).validate(payload)
    return payload


def test_part_entity_to_item():
    entity = {
        "@odata.etag": 'W/"3"',
        "ID": "OR:wt.part.WTPart:101",
        "Number": "P-1",
        "Name": "Bracket",
        "Revision": "B",
        "DefaultUnit": "ea",
        "State": "released",
        "ModifiedOn": "2026-01-05T08:00:00Z",
        "Unknown": 1,
    }
    assert _valid("plm.item.released", odata.part_to_item(entity)) == {
        "schema_version": "1.0",
        "part_number": "P-1",
        "revision": "B",
        "name": "Bracket",
        "unit": "ea",
        "lifecycle_state": "released",
    }


def test_bom_entity_to_release():
    entity = {
        "ID": "bom-1",
        "Number": "PUMP-100",
        "Revision": "B",
        "ChangeNumber": "ECO-9",
        "EffectiveDate": "2026-02-01",
        "ModifiedOn": "2026-01-05T08:00:00Z",
        "Components": [
            {"Number": "SCREW-M6", "Quantity": 4, "Unit": "Units", "FindNumber": "10"},
            {"Number": "GASKET-5", "Quantity": 1},
        ],
    }
    release = _valid("plm.bom.released", odata.bom_to_release(entity))
    assert release["lines"] == [
        {"component": "SCREW-M6", "quantity": 4, "unit": "Units", "find_number": "10"},
        {"component": "GASKET-5", "quantity": 1},
    ]
    assert (release["change_number"], release["effectivity_date"]) == (
        "ECO-9",
        "2026-02-01",
    )


@pytest.mark.parametrize(
    "entity, reason",
    [([], "JSON object"), ({"Number": "P", "Revision": "A"}, "no Name")],
)
def test_bad_entities_say_why(entity, reason):
    with pytest.raises(odata.ODataEntityError, match=reason):
        odata.part_to_item(entity)
