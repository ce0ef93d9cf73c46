# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #13 item 9: the /batch answer counts what happened to each item."""

from odoo.tests import tagged

from .common import MfgHttpCommon


def upsert(external_id):
    return {
        "schema_version": "1.0",
        "external_id": external_id,
        "values": {"name": "Partner " + external_id},
    }


INVALID = {"schema_version": "1.0", "values": {}}


@tagged("post_install", "-at_install")
class TestBatchAnswer(MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("batch1")

    def _post(self, items, webhook_id):
        return self._mfg_post(
            self.connector,
            "generic.record.upsert",
            items,
            batch=True,
            webhook_id=webhook_id,
        )

    def test_batch_answers(self):
        # (label, items, webhook id, status, accepted, duplicates, rejected)
        cases = [
            ("all new", [upsert("A1"), upsert("A2")], "b-1", 207, 2, 0, 0),
            ("the same batch again", [upsert("A1"), upsert("A2")], "b-1", 207, 0, 2, 0),
            ("mixed", [upsert("A3"), INVALID], "b-2", 207, 1, 0, 1),
            ("every item invalid", [INVALID, INVALID], "b-3", 422, 0, 0, 2),
        ]
        for label, items, webhook_id, status, accepted, duplicates, rejected in cases:
            with self.subTest(label):
                response = self._post(items, webhook_id)
                self.assertEqual(response.status_code, status, response.text)
                body = response.json()
                self.assertEqual(
                    (body["accepted"], body["duplicates"], body["rejected"]),
                    (accepted, duplicates, rejected),
                )
                self.assertEqual(len(body["results"]), len(items))
