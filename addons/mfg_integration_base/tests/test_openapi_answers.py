# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The served OpenAPI document describes what the webhook answers (issue 12,
documentation gaps): each answer is validated against the document's schema
for its status, and the signature scheme and secret format are in it."""

import json
import uuid

import jsonschema

from .common import MfgHttpCommon

FLOW = "generic.record.upsert"


class TestOpenApiAnswers(MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("oaans")

    def document(self):
        response = self.url_open("/mfg/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def assert_fits(self, doc, response):
        """The JSON body fits the document's schema for this path and status."""
        operation = doc["paths"][f"/mfg/v1/{{connector_code}}/{FLOW}"]["post"]
        described = operation["responses"][str(response.status_code)]
        schema = described["content"]["application/json"]["schema"]
        # Refs point into the document: validate with it as the root.
        root = {**schema, "components": doc["components"]}
        jsonschema.Draft202012Validator(root).validate(response.json())
        # ... and every field of the answer is described, not merely allowed.
        if "$ref" in schema:
            schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        undocumented = set(response.json()) - set(schema["properties"])
        self.assertFalse(undocumented, f"HTTP {response.status_code} answer")

    def test_accepted_duplicate_and_refused_answers_fit_the_document(self):
        doc = self.document()
        payload = {
            "schema_version": "1.0",
            "external_id": "OA-1",
            "values": {"name": "OpenAPI"},
        }
        webhook_id = uuid.uuid4().hex
        first = self._mfg_post(self.connector, FLOW, payload, webhook_id=webhook_id)
        self.assertEqual(first.status_code, 202)
        self.assert_fits(doc, first)
        again = self._mfg_post(self.connector, FLOW, payload, webhook_id=webhook_id)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(
            again.json(),
            {
                "message_id": first.json()["message_id"],
                "status": "queued",
                "duplicate": True,
            },
        )
        self.assert_fits(doc, again)
        refused = self._mfg_post(
            self.connector, FLOW, body=json.dumps({"schema_version": "1.0"})
        )
        self.assertEqual(refused.status_code, 422)
        self.assert_fits(doc, refused)
        # What the document says of them: both requests are kept as messages.
        states = (
            self.env["mfg.sync.message"]
            .sudo()
            .search([("connector_id", "=", self.connector.id)])
            .mapped("state")
        )
        self.assertEqual(sorted(states), ["duplicate", "queued", "rejected"])
        for status in ("200", "422"):
            description = doc["paths"][f"/mfg/v1/{{connector_code}}/{FLOW}"]["post"][
                "responses"
            ][status]["description"]
            self.assertIn(
                "`duplicate`" if status == "200" else "`rejected`", description
            )

    def test_signature_scheme_and_secret_format_are_in_the_document(self):
        doc = self.document()
        scheme = doc["components"]["securitySchemes"]["standardWebhooks"]
        self.assertEqual(
            (scheme["in"], scheme["name"]), ("header", "webhook-signature")
        )
        self.assertEqual(
            scheme["x-secret-format"],
            {
                "encoding": "base64",
                "optional-prefix": "whsec_",
                "min-bytes": 24,
                "max-bytes": 64,
            },
        )
        self.assertIn("base64-decoded", scheme["description"])
        self.assertEqual(doc["security"], [{"standardWebhooks": []}])
