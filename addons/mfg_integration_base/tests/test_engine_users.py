# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine works for users as they are: people without an e-mail address
(#13 item 9) and people with several companies selected (#12 item 10)."""

from odoo.tests import new_test_user

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import MfgCommon

MANAGER = "base.group_user,mfg_integration_base.mfg_integration_base_group_manager"


def upsert(external_id, **values):
    return {"schema_version": "1.0", "external_id": external_id, "values": values}


class TestEngineUsers(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("users1", fields=("name",))
        cls.flow = cls.connector.flow_ids
        cls.comment_field = cls.env["ir.model.fields"].search(
            [("model", "=", "res.partner"), ("name", "=", "comment")]
        )

    def _failed_message(self, connector, external_id):
        """A message refused for a field its flow may not write (then fixable)."""
        message = self._mfg_receive(
            connector,
            "generic.record.upsert",
            upsert(external_id, name=f"Partner {external_id}", comment="c"),
        )
        self._mfg_process(connector)
        self.assertEqual(message.state, "failed")
        return message

    def test_retry_and_replay_by_a_user_without_email(self):
        user = new_test_user(self.env, login="mfg_noemail", groups=MANAGER, email=False)
        self.assertFalse(user.email)
        message = self._failed_message(self.connector, "N1")
        message.with_user(user).action_retry()
        self.assertEqual(message.state, "queued")
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "failed")
        self.flow.allowed_field_ids |= self.comment_field
        message.with_user(user).action_replay()
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        notes = message.message_ids.filtered(
            lambda m: "Retried by" in m.body or "Replayed by" in m.body
        )
        self.assertEqual(len(notes), 2)
        self.assertEqual(notes.author_id, user.partner_id)

    def test_exception_activity_is_announced_by_the_system_with_a_sender(self):
        # The drain job runs as the technical user, which has no e-mail address:
        # the "assigned to you" mail to the responsible must still have a sender.
        tech = self.connector.technical_user_id
        self.assertFalse(tech.email)
        message = self._mfg_receive(
            self.connector,
            "generic.record.upsert",
            upsert("S1", name="Partner S1", comment="c"),
        )
        drain = self.connector._mfg_as_technical_user(self.flow)
        self.assertEqual(drain.env.user, tech, "as the drain job runs")
        drain._mfg_drain()
        self.assertEqual(message.state, "failed")
        activity = message.exception_activity_id
        self.assertEqual(activity.user_id, self.mfg_responsible)
        notice = self.env["mail.message"].search(
            [
                ("model", "=", "mfg.sync.message"),
                ("res_id", "=", message.id),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.mfg_responsible.partner_id.ids),
            ]
        )
        self.assertEqual(len(notice), 1, "the responsible is told once")
        self.assertEqual(notice.author_id, self.env.ref("base.partner_root"))
        self.assertTrue(notice.email_from, "a mail with no sender is refused")

    def test_replay_with_two_companies_selected_runs_in_the_connectors_company(self):
        plant1 = self.env.company
        plant2 = self.env["res.company"].create({"name": "Plant 2 (engine users)"})
        connector = self._mfg_partner_upsert_connector("users2", fields=("name",))
        tech = connector.technical_user_id
        tech.write({"company_ids": [(6, 0, plant2.ids)], "company_id": plant2.id})
        connector.company_id = plant2
        message = self._failed_message(connector, "M1")
        connector.flow_ids.allowed_field_ids |= self.comment_field
        user = new_test_user(
            self.env,
            login="mfg_two_plants",
            groups=MANAGER,
            company_id=plant1.id,
            company_ids=[(6, 0, (plant1 | plant2).ids)],
        )
        # both plants selected in the switcher, plant 1 first
        both = message.with_user(user).with_context(
            allowed_company_ids=[plant1.id, plant2.id]
        )
        with trap_jobs() as trap:
            both.action_replay()
            trap.assert_jobs_count(1, only=connector.flow_ids._mfg_drain)
            job = trap.enqueued_jobs[0]
            self.assertEqual(job.recordset.env.user, tech)
            self.assertEqual(
                job.recordset.env.context["allowed_company_ids"], [plant2.id]
            )
            trap.perform_enqueued_jobs()
        self.assertEqual(message.state, "done", message.error_text)
        partner = self.env["res.partner"].search([("name", "=", "Partner M1")])
        self.assertEqual(partner.create_uid, tech)
