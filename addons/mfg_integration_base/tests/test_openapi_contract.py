# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #13 item 10: the served OpenAPI document says what the intake does.

Hypothesis generates request bodies from the document's own schemas (and
hostile variants of them), every request signed, sent through Odoo's HTTP
server to every inbound flow installed; any 5xx, or a status the operation does
not document, fails. Bounded: about MAX_REQUESTS requests in all."""

import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from odoo.tests import tagged

from .common import MfgHttpCommon

MAX_REQUESTS = 150
SETTINGS = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "suppress_health_check": list(HealthCheck),
}


def _resolve(schema, components):
    """The schema with its #/components/schemas references inlined."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            return _resolve(components[ref.rsplit("/", 1)[1]], components)
        return {k: _resolve(v, components) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolve(v, components) for v in schema]
    return schema


def _hostile(payload_strategy):
    """Valid payloads with one value made hostile (huge, non-finite, NUL...)."""
    hostile_values = st.sampled_from(
        [2**63, -(2**70), 3000000000, "nul\x00", "x" * 5000, [[[[[]]]]], {}, None]
    )
    return st.tuples(payload_strategy, st.text(max_size=12), hostile_values).map(
        lambda t: {**t[0], t[1] or "sequence": t[2]}
    )


@tagged("post_install", "-at_install")
class TestOpenApiContract(MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        specs = cls.env["mfg.flow"]._get_flow_specs()
        cls.flow_codes = sorted(
            code for code, spec in specs.items() if spec.direction == "inbound"
        )
        cls.connector = cls._mfg_create_connector("contract1", flows=cls.flow_codes)

    def _operations(self):
        response = self.url_open("/mfg/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        components = document["components"]["schemas"]
        for path, item in document["paths"].items():
            operation = item.get("post")
            if not operation or "{connector_code}" not in path:
                continue
            code = path.split("/")[4]
            if code not in self.flow_codes:
                continue
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            yield (
                path,
                code,
                path.endswith("/batch"),
                _resolve(body, components),
                set(operation["responses"]),
            )

    def test_generated_requests_get_documented_answers(self):
        operations = list(self._operations())
        self.assertTrue(operations)
        self.assertIn(
            "standardWebhooks",
            self.url_open("/mfg/v1/openapi.json").json()["components"][
                "securitySchemes"
            ],
        )
        per_operation = max(2, MAX_REQUESTS // (2 * len(operations)))
        seen = {}
        for path, code, batch, schema, documented in operations:
            strategies = {"valid": from_schema(schema)}
            if not batch:
                strategies["hostile"] = _hostile(from_schema(schema))
            for kind, strategy in strategies.items():
                with self.subTest(operation=path, inputs=kind):
                    self._check(code, batch, documented, strategy, per_operation, seen)
        # the valid inputs were accepted at least once per run
        self.assertTrue(seen.get("202") or seen.get("207"), seen)

    def _check(self, code, batch, documented, strategy, examples, seen):
        @settings(max_examples=examples, **SETTINGS)
        @given(payload=strategy)
        def check(payload):
            body = json.dumps(payload).encode()
            response = self._mfg_post(
                self.connector,
                code,
                body=body,
                batch=batch,
                webhook_id=uuid.uuid4().hex,
            )
            status = str(response.status_code)
            seen[status] = seen.get(status, 0) + 1
            self.assertLess(response.status_code, 500, response.text)
            self.assertIn(status, documented, response.text[:500])

        check()

    def test_empty_batch_is_not_in_the_document(self):
        """[] matched the batch schema but got 400: the schema says minItems."""
        for _path, code, batch, schema, _documented in self._operations():
            if batch:
                self.assertEqual(schema.get("minItems"), 1, code)
                response = self._mfg_post(self.connector, code, [], batch=True)
                self.assertEqual(response.status_code, 400)

    def test_schema_version_required_as_the_intake_requires_it(self):
        for _path, code, batch, schema, _documented in self._operations():
            if not batch and "schema_version" in schema.get("properties", {}):
                self.assertIn("schema_version", schema["required"], code)
