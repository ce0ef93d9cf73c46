# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bulk replay of an incident: dry run, one queued job, managers only."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import MfgCommon


class TestBulkReplay(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("blk1", fields=("name",))
        cls.other = cls._mfg_partner_upsert_connector("blk2", fields=("name",))
        cls.manager = new_test_user(
            cls.env,
            login="mfg_blk_manager",
            groups="base.group_user,"
            "mfg_integration_base.mfg_integration_base_group_manager",
        )

    def receive(self, connector, ref):
        payload = {
            "schema_version": "1.0",
            "external_id": ref,
            "values": {"name": f"Partner {ref}", "email": f"{ref}@example.com"},
        }
        return self._mfg_receive(connector, "generic.record.upsert", payload)

    def incident(self):
        """Messages refused while the flow did not allow e-mails yet."""
        old = self.receive(self.connector, "OLD")
        first, second = (
            self.receive(self.connector, "A"),
            self.receive(self.connector, "B"),
        )
        elsewhere = self.receive(self.other, "X")
        self._mfg_process(self.connector)
        self._mfg_process(self.other)
        for message in (old, first, second, elsewhere):
            self.assertEqual(message.state, "failed")
            self.assertIn("email", message.error_text)
        # The second ended dead (a retried transient error, say).
        second._mfg_bookkeeping().write({"state": "dead"})
        old.flush_recordset()
        self.env.cr.execute(
            "UPDATE mfg_sync_message SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=3), old.id],
        )
        old.invalidate_recordset(["create_date"])
        return old, first, second, elsewhere

    def wizard(self, user, **vals):
        return (
            self.env["mfg.bulk.replay"]
            .with_user(user)
            .create(
                {
                    "connector_id": self.connector.id,
                    "since": fields.Datetime.now() - timedelta(days=1),
                    **vals,
                }
            )
        )

    def test_dry_run_lists_then_one_job_requeues_and_logs(self):
        old, first, second, elsewhere = self.incident()
        wizard = self.wizard(self.manager)
        self.assertEqual(wizard.match_count, 2)
        self.assertEqual(wizard.message_ids, first | second)
        # The cause is fixed, then the incident is replayed in one job.
        upsert = self._mfg_flow(self.connector, "generic.record.upsert")
        upsert.allowed_field_ids |= self.env["ir.model.fields"].search(
            [("model", "=", "res.partner"), ("name", "=", "email")]
        )
        with trap_jobs() as trap:
            wizard.action_run()
            trap.assert_jobs_count(1, only=self.connector._mfg_bulk_replay)
            self.assertEqual(first.state, "failed", "nothing runs in the request")
            self.assertIn("requested by", self.connector.message_ids[:1].body)
            trap.perform_enqueued_jobs()
        self.assertEqual((first | second).mapped("state"), ["queued", "queued"])
        self.assertIn("2 message(s) requeued", self.connector.message_ids[:1].body)
        self._mfg_process(self.connector)
        self.assertEqual((first | second).mapped("state"), ["done", "done"])
        partners = self.env["res.partner"].search(
            [("email", "in", ["A@example.com", "B@example.com"])]
        )
        self.assertEqual(len(partners), 2)
        self.assertEqual(old.state, "failed", "before the chosen time")
        self.assertEqual(elsewhere.state, "failed", "another connector")

    def test_flow_filter_and_opening_from_selected_messages(self):
        _old, first, second, _elsewhere = self.incident()
        wizard = (
            self.env["mfg.bulk.replay"]
            .with_user(self.manager)
            .with_context(active_model="mfg.sync.message", active_ids=first.ids)
            .create({})
        )
        self.assertEqual(wizard.connector_id, self.connector)
        self.assertEqual(wizard.flow_id, first.flow_id)
        self.assertEqual(wizard.message_ids, first | second)

    def test_integration_user_is_refused(self):
        self.incident()
        with self.assertRaises(AccessError):
            self.wizard(self.mfg_responsible)
        wizard = self.wizard(self.manager)
        with self.assertRaises(AccessError):
            wizard.with_user(self.mfg_responsible).action_run()
