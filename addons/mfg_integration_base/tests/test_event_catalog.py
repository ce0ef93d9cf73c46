# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The event catalog (AsyncAPI 3.0, served beside the OpenAPI document) and the
CloudEvents 1.0 envelope of outbound messages.

The AsyncAPI meta-schema is not shipped (another project's file): with
MFG_ASYNCAPI_SCHEMA naming asyncapi's ``3.0.0-without-$id.json`` the document is
validated against it; the structural checks run always."""

import json
import os
import unittest

import jsonschema

from odoo.tests import tagged

from ..core import signatures
from .common import MfgCommon, MfgHttpCommon
from .http_server import ScriptedSystem

META_SCHEMA = os.environ.get("MFG_ASYNCAPI_SCHEMA")
HAS_META = bool(META_SCHEMA and os.path.isfile(META_SCHEMA))
OUT_SECRET = "whsec_" + "Y2xvdWRldmVudHMtc2lnbmluZy1zZWNyZXQ="


def _resolve(doc, ref):
    node = doc
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


@tagged("post_install", "-at_install")
class TestAsyncApi(MfgHttpCommon):
    def _document(self):
        response = self.url_open("/mfg/v1/asyncapi.json")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_every_flow_is_a_channel_with_its_schema_and_signature(self):
        doc = self._document()
        self.assertEqual(doc["asyncapi"], "3.0.0")
        specs = self.env["mfg.flow"]._get_flow_specs()
        for code, spec in specs.items():
            name = code.replace(".", "_")
            channel = doc["channels"][name]
            inbound = spec.direction == "inbound"
            operation = doc["operations"][f"{'receive' if inbound else 'send'}_{name}"]
            self.assertEqual(_resolve(doc, operation["channel"]["$ref"]), channel)
            message = _resolve(doc, channel["messages"][name]["$ref"])
            payload = _resolve(doc, message["payload"]["$ref"])
            # the message's payload is the flow's canonical contract
            jsonschema.Draft202012Validator.check_schema(payload)
            self.assertIn("schema_version", payload["properties"], code)
            headers = _resolve(doc, message["headers"]["$ref"])
            self.assertIn("webhook-signature", headers["required"])
            server = _resolve(doc, channel["servers"][0]["$ref"])
            self.assertEqual(
                server["pathname"] if inbound else "", "/mfg/v1" if inbound else ""
            )
        scheme = doc["components"]["securitySchemes"]["standardWebhooks"]
        self.assertIn("HMAC-SHA256", scheme["description"])
        # every reference of the document resolves
        refs = []

        def walk(node):
            if isinstance(node, dict):
                if "$ref" in node:
                    refs.append(node["$ref"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(doc)
        for ref in refs:
            _resolve(doc, ref)

    @unittest.skipUnless(HAS_META, "MFG_ASYNCAPI_SCHEMA names no AsyncAPI 3.0.0 schema")
    def test_document_validates_against_the_asyncapi_3_schema(self):
        with open(META_SCHEMA) as f:
            meta = json.load(f)
        validator = jsonschema.Draft7Validator(meta)
        doc = self._document()
        errors = [
            f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(doc)
        ]
        self.assertEqual(errors, [])
        # the meta-schema does catch a broken document
        doc["operations"]["broken"] = {"action": "publish", "channel": {}}
        self.assertTrue(list(validator.iter_errors(doc)))


class TestCloudEvents(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_create_connector(
            "ceout",
            flows=["generic.record.changed"],
            outbound_secret=OUT_SECRET,
            read_timeout=1.0,
            connect_timeout=1.0,
        )
        cls.partner = cls.env["res.partner"].create({"name": "Acme"})
        cls.payload = {
            "model": "res.partner",
            "external_id": "P-1",
            "values": {"name": "Acme"},
        }

    def _send(self, mode):
        self.connector.cloudevents_mode = mode
        with ScriptedSystem() as system:
            self.connector.base_url = system.url
            message = self.connector._emit(
                "generic.record.changed", dict(self.payload), record=self.partner
            )
            self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        request = system.received[0]
        headers = request["headers"]
        # the signature covers exactly what was sent, envelope included
        self.assertTrue(
            signatures.verify(
                [OUT_SECRET],
                headers["webhook-id"],
                headers["webhook-timestamp"],
                headers["webhook-signature"],
                request["body"],
            )
        )
        return message, headers, request["body"]

    def test_binary_mode_adds_ce_headers_and_keeps_the_body(self):
        message, headers, body = self._send("binary")
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(headers["ce-specversion"], "1.0")
        self.assertEqual(
            headers["ce-type"], "org.mfg-integration.generic.record.changed"
        )
        self.assertEqual(headers["ce-id"], message.idempotency_key)
        self.assertTrue(headers["ce-source"].endswith("/connectors/ceout"))
        self.assertRegex(headers["ce-time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(json.loads(body)["values"], {"name": "Acme"})

    def test_structured_mode_sends_one_cloudevent(self):
        message, headers, body = self._send("structured")
        self.assertEqual(headers["Content-Type"], "application/cloudevents+json")
        self.assertFalse([h for h in headers if h.lower().startswith("ce-")])
        event = json.loads(body)
        self.assertEqual(
            {k: event[k] for k in ("specversion", "type", "id", "datacontenttype")},
            {
                "specversion": "1.0",
                "type": "org.mfg-integration.generic.record.changed",
                "id": message.idempotency_key,
                "datacontenttype": "application/json",
            },
        )
        self.assertEqual(event["data"]["values"], {"name": "Acme"})

    def test_no_envelope_by_default(self):
        _message, headers, body = self._send("none")
        self.assertFalse([h for h in headers if h.lower().startswith("ce-")])
        self.assertEqual(json.loads(body)["external_id"], "P-1")
