# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import secrets
import time
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import TEST_SECRET, MfgHttpCommon

NEW_SECRET = "whsec_" + "bmV3LXNlY3JldC1mb3ItbWZnLWludGVncmF0aW9uLXRlc3Q="


def upsert(external_id="P-1", **values):
    return {
        "schema_version": "1.0",
        "external_id": external_id,
        "values": values or {"name": "Partner " + external_id},
    }


@tagged("post_install", "-at_install")
class TestWebhook(MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("wh1")
        cls.Message = cls.env["mfg.sync.message"].sudo()

    def _messages(self, **domain):
        return self.Message.search(
            [("connector_code_received", "=", "wh1")]
            + [(k, "=", v) for k, v in domain.items()]
        )

    def assertError(self, response, status, error, path=None):
        self.assertEqual(response.status_code, status, response.text)
        body = response.json()
        self.assertEqual(body["error"], error)
        self.assertTrue(body["message"])
        if path:
            self.assertIn(path, [d["path"] for d in body["details"]])
        return body

    def test_accepted_then_processed(self):
        response = self._mfg_post(
            self.connector, "generic.record.upsert", upsert("P-1")
        )
        self.assertEqual(response.status_code, 202, response.text)
        body = response.json()
        self.assertEqual(body["status"], "queued")
        message = self.Message.browse(body["message_id"])
        self.assertEqual(message.state, "queued")
        job = self.env["queue.job"].search(
            [("model_name", "=", "mfg.flow"), ("method_name", "=", "_mfg_drain")],
            limit=1,
        )
        self.assertEqual(
            job.user_id, self.connector.technical_user_id, "job runs as the bot"
        )
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Partner P-1")]))
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        partner = self.env["res.partner"].search([("name", "=", "Partner P-1")])
        self.assertEqual(len(partner), 1)
        self.assertEqual(message.record_ref, partner)
        self.assertEqual(partner.create_uid, self.connector.technical_user_id)

    def test_duplicate_webhook_id_returns_first(self):
        first = self._mfg_post(
            self.connector, "generic.record.upsert", upsert(), webhook_id="dup-1"
        )
        again = self._mfg_post(
            self.connector, "generic.record.upsert", upsert(), webhook_id="dup-1"
        )
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["message_id"], first.json()["message_id"])
        self.assertTrue(again.json()["duplicate"])
        self.assertEqual(
            len(self._messages(idempotency_key="dup-1", state="queued")), 1
        )
        self.assertEqual(
            len(self._messages(idempotency_key="dup-1", state="duplicate")), 1
        )

    def test_unknown_and_paused_connector_same_404(self):
        unknown = self._mfg_post("nope", "generic.record.upsert", upsert())
        self.connector.action_pause()
        paused = self._mfg_post(self.connector, "generic.record.upsert", upsert())
        self.assertEqual(unknown.status_code, 404)
        self.assertEqual(paused.status_code, 404)
        self.assertEqual(unknown.json(), paused.json())
        # unauthenticated: counted, never stored (test_intake_refusals.py)
        logged = self.Message.search(
            [("connector_code_received", "in", ("nope", "wh1"))]
        )
        self.assertFalse(logged)

    def test_unknown_flow_404(self):
        response = self._mfg_post(self.connector, "generic.nothing", upsert())
        self.assertError(response, 404, "not_found")

    def test_wrong_signature_401(self):
        response = self._mfg_post(
            self.connector, "generic.record.upsert", upsert(), secret="whsec_d3Jvbmc="
        )
        self.assertError(response, 401, "unauthorized")
        self.assertFalse(self._messages(), "an unsigned request stores nothing")

    def test_absent_signature_401(self):
        response = self._mfg_post(
            self.connector, "generic.record.upsert", upsert(), sign=False
        )
        body = self.assertError(response, 401, "unauthorized")
        self.assertIn("missing", body["message"])
        self.assertFalse(self._messages(), "an unsigned request stores nothing")

    def test_expired_signature_401(self):
        response = self._mfg_post(
            self.connector,
            "generic.record.upsert",
            upsert(),
            timestamp=time.time() - 3600,
        )
        body = self.assertError(response, 401, "unauthorized")
        self.assertIn("tolerance", body["message"])

    def test_replayed_request_is_a_duplicate_not_redone(self):
        body = json.dumps(upsert("P-9")).encode()
        headers = self._mfg_signed_headers(body)
        first = self._mfg_post(
            self.connector, "generic.record.upsert", body=body, headers=headers
        )
        replay = self._mfg_post(
            self.connector, "generic.record.upsert", body=body, headers=headers
        )
        self.assertEqual(first.status_code, 202)
        self.assertEqual(replay.status_code, 200)
        self._mfg_process(self.connector)
        self.assertEqual(
            len(self.env["res.partner"].search([("name", "=", "Partner P-9")])), 1
        )

    def test_secret_rotation_grace(self):
        self.connector.inbound_secret = NEW_SECRET
        new = self._mfg_post(
            self.connector, "generic.record.upsert", upsert("A"), secret=NEW_SECRET
        )
        old = self._mfg_post(
            self.connector, "generic.record.upsert", upsert("B"), secret=TEST_SECRET
        )
        self.assertEqual(new.status_code, 202)
        self.assertEqual(old.status_code, 202, "old secret accepted during the grace")
        self.connector.sudo().inbound_secret_previous_until = (
            fields.Datetime.now() - timedelta(minutes=1)
        )
        late = self._mfg_post(
            self.connector, "generic.record.upsert", upsert("C"), secret=TEST_SECRET
        )
        self.assertError(late, 401, "unauthorized")

    def test_body_too_big_413(self):
        self.connector.max_payload_size = 100
        response = self._mfg_post(
            self.connector, "generic.record.upsert", upsert(name="x" * 500)
        )
        self.assertError(response, 413, "payload_too_large")
        self.assertFalse(self._messages(), "an oversized body is not stored")

    def test_wrong_content_type_415(self):
        response = self._mfg_post(
            self.connector, "generic.record.upsert", upsert(), content_type="text/plain"
        )
        self.assertError(response, 415, "unsupported_media_type")

    def test_not_json_400(self):
        response = self._mfg_post(
            self.connector, "generic.record.upsert", body=b"{not json"
        )
        self.assertError(response, 400, "malformed_json")
        self.assertEqual(self._messages(state="rejected").payload_raw, "{not json")

    def test_json_not_object_400(self):
        response = self._mfg_post(
            self.connector, "generic.record.upsert", body=b"[1, 2]"
        )
        self.assertError(response, 400, "not_an_object")

    def test_schema_violation_names_field_422(self):
        payload = upsert()
        payload["values"] = {}
        response = self._mfg_post(self.connector, "generic.record.upsert", payload)
        self.assertError(response, 422, "schema_violation", path="values")
        missing = {"schema_version": "1.0", "values": {"name": "x"}}
        response = self._mfg_post(self.connector, "generic.record.upsert", missing)
        body = self.assertError(response, 422, "schema_violation")
        self.assertIn("external_id", body["message"])
        self.assertEqual(len(self._messages(state="rejected")), 2)

    def test_ordering_key_too_long_422(self):
        # Longer than PostgreSQL can index: refused with the reason, not a 500.
        payload = upsert("P-LONG")
        payload.update({"ordering_key": secrets.token_urlsafe(6000), "sequence": 1})
        response = self._mfg_post(self.connector, "generic.record.upsert", payload)
        body = self.assertError(response, 422, "schema_violation", path="ordering_key")
        self.assertIn("255", body["message"])
        self.assertFalse(self._messages(state="queued"))
        payload["ordering_key"] = "K" * 255
        response = self._mfg_post(self.connector, "generic.record.upsert", payload)
        self.assertEqual(response.status_code, 202, response.text)

    def test_unknown_major_version_422(self):
        payload = upsert()
        payload["schema_version"] = "7.0"
        response = self._mfg_post(self.connector, "generic.record.upsert", payload)
        body = self.assertError(
            response, 422, "schema_violation", path="schema_version"
        )
        self.assertIn("not supported", body["message"])

    def test_batch_with_one_bad_item(self):
        items = [upsert("B1"), {"schema_version": "1.0", "values": {}}, upsert("B3")]
        response = self._mfg_post(
            self.connector, "generic.record.upsert", items, batch=True
        )
        self.assertEqual(response.status_code, 207, response.text)
        body = response.json()
        self.assertEqual((body["accepted"], body["rejected"]), (2, 1))
        statuses = [r["status"] for r in body["results"]]
        self.assertEqual(statuses, ["queued", "rejected", "queued"])
        self.assertEqual(body["results"][1]["error"], "schema_violation")
        self._mfg_process(self.connector)
        names = self.env["res.partner"].search(
            [("name", "in", ("Partner B1", "Partner B3"))]
        )
        self.assertEqual(len(names), 2)
        self.assertEqual(len(self._messages(state="rejected")), 1)

    def test_status_endpoint(self):
        posted = self._mfg_post(
            self.connector, "generic.record.upsert", upsert(), webhook_id="st-1"
        )
        self._mfg_process(self.connector)
        headers = self._mfg_signed_headers(b"")
        response = self.url_open("/mfg/v1/wh1/messages/st-1", headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["message_id"], posted.json()["message_id"])
        self.assertEqual(response.json()["status"], "done")
        unsigned = self.url_open("/mfg/v1/wh1/messages/st-1")
        self.assertEqual(unsigned.status_code, 401)

    def test_openapi_document_covers_flow(self):
        response = self.url_open("/mfg/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        doc = response.json()
        self.assertEqual(doc["openapi"], "3.1.0")
        post = doc["paths"]["/mfg/v1/{connector_code}/generic.record.upsert"]["post"]
        self.assertIn("422", post["responses"])
        schema = doc["components"]["schemas"]["generic_record_upsert"]
        self.assertIn("external_id", schema["required"])

    @freeze_time("2026-01-01 12:00:00")
    def test_retention_vacuum_keeps_failed(self):
        done = self._mfg_receive(self.connector, "generic.record.upsert", upsert("V1"))
        failed = self._mfg_receive(
            self.connector, "generic.record.upsert", upsert("V2")
        )
        done.state, failed.state = "done", "failed"
        self.env.cr.execute(
            "UPDATE mfg_sync_message SET create_date = %s WHERE id IN %s",
            [fields.Datetime.now() - timedelta(days=400), (done.id, failed.id)],
        )
        self.env["mfg.sync.message"]._cron_vacuum()
        self.assertFalse(done.exists())
        self.assertTrue(failed.exists())
