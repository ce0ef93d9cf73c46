# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""AsyncAPI document and CloudEvents envelope (no Odoo).

Set MFG_ASYNCAPI_SCHEMA to asyncapi's schemas/3.0.0-without-$id.json to validate
the document against the AsyncAPI 3.0.0 JSON Schema (not shipped)."""

import json
import os

import jsonschema
import pytest
from mes_connector_core import flows as mes_flows
from mfg_integration_base_core import asyncapi, cloudevents, flow_declaration, flows

META = os.environ.get("MFG_ASYNCAPI_SCHEMA")
SPECS = flow_declaration.declare(flows.FLOWS + mes_flows.FLOWS)


def test_channels_operations_and_local_refs():
    doc = asyncapi.build(SPECS)
    assert set(doc["channels"]) == {code.replace(".", "_") for code in SPECS}
    assert doc["operations"]["receive_mes_material_consumed"]["action"] == "receive"
    assert doc["operations"]["send_mes_order_released"]["action"] == "send"
    assert doc["channels"]["mes_material_consumed"]["address"] == (
        "{connector_code}/mes.material.consumed"
    )
    assert (
        "application/xml"
        in (doc["components"]["messages"]["mes_material_consumed"]["description"])
    )


@pytest.mark.skipif(
    not (META and os.path.isfile(META)), reason="MFG_ASYNCAPI_SCHEMA not set"
)
def test_document_validates_against_the_asyncapi_schema():
    with open(META) as f:
        validator = jsonschema.Draft7Validator(json.load(f))
    assert [e.message for e in validator.iter_errors(asyncapi.build(SPECS))] == []


def test_cloudevents_binary_and_structured():
    attrs = cloudevents.attributes(
        "mes.order.released",
        "/odoo/db/connectors/mes1",
        "id-1",
        "2026-01-05T08:00:00Z",
        "application/xml",
    )
    body, content_type, headers = cloudevents.binary(attrs, b"<a/>", "application/xml")
    assert (body, content_type) == (b"<a/>", "application/xml")
    assert headers == {
        "ce-specversion": "1.0",
        "ce-type": "org.mfg-integration.mes.order.released",
        "ce-source": "/odoo/db/connectors/mes1",
        "ce-id": "id-1",
        "ce-time": "2026-01-05T08:00:00Z",
    }
    body, content_type, headers = cloudevents.structured(
        attrs, b"<a/>", "application/xml"
    )
    event = json.loads(body)
    assert (content_type, headers) == ("application/cloudevents+json", {})
    assert (event["data"], event["datacontenttype"]) == ("<a/>", "application/xml")
