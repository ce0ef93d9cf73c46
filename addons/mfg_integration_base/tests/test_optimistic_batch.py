# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A batch is applied in one savepoint; when one of its messages raises, the
batch is replayed message by message and that message fails alone, with its
activity (issue 15 items 3 and 4)."""

import secrets

from odoo.tools import mute_logger

from .common import MfgCommon

PROCESSING_LOGGER = (
    "odoo.addons.mfg_integration_base.models.mfg_sync_message_processing"
)


class TestOptimisticBatch(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("optimistic1")
        cls.flow = cls.connector.flow_ids

    def _upsert(self, ref, values=None, read_envelope=True, **extra):
        payload = {
            "schema_version": "1.0",
            "external_id": ref,
            "values": values or {"name": f"Partner {ref}"},
            **extra,
        }
        return self._mfg_receive(
            self.connector,
            "generic.record.upsert",
            payload,
            read_envelope=read_envelope,
        )

    def _partners(self, *refs):
        names = [f"Partner {ref}" for ref in refs]
        return self.env["res.partner"].search([("name", "in", names)])

    def test_failing_message_fails_alone_with_its_activity(self):
        first = self._upsert("OB1", ordering_key="OB-A", sequence=1)
        refused = self._upsert("OB2", values={"name": "Partner OB2", "phone": "1"})
        third = self._upsert("OB3", ordering_key="OB-A", sequence=2)
        self.flow._mfg_drain()
        messages = first | refused | third
        messages.invalidate_recordset()
        self.assertEqual(messages.mapped("state"), ["done", "failed", "done"])
        self.assertIn("values.phone", refused.error_text)
        self.assertEqual(len(self._partners("OB1", "OB3")), 2)
        self.assertFalse(self._partners("OB2"))
        activity = self._mfg_exception_activities(refused)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.mfg_responsible)
        # what the batch applied before the replay is applied once
        self.assertEqual((first.attempts, third.attempts), (1, 1))

    def test_database_error_while_preparing_keeps_the_neighbours(self):
        # An ordering key the database cannot index (the stored payload names
        # it; the webhook row was stored without it, as a pulled record is):
        # what preparing learnt is refused when it is written.
        huge_key = secrets.token_urlsafe(6000)
        before = self._upsert("OB4", ordering_key="OB-B", sequence=1)
        refused = self._upsert(
            "OB5", ordering_key=huge_key, sequence=1, read_envelope=False
        )
        after = self._upsert("OB6", ordering_key="OB-C", sequence=1)
        self.assertFalse(refused.ordering_key)
        with mute_logger(PROCESSING_LOGGER, "odoo.sql_db"):
            self.flow._mfg_drain()
        messages = before | refused | after
        messages.invalidate_recordset()
        self.assertEqual(messages.mapped("state"), ["done", "failed", "done"])
        self.assertEqual(refused.attempts, 1)
        self.assertTrue(refused.error_text)
        self.assertEqual(len(self._partners("OB4", "OB6")), 2)
        self.assertFalse(self._partners("OB5"))
        self.assertTrue(self._mfg_exception_activities(refused))
