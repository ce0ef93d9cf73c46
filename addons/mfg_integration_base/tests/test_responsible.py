# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One rule for who gets an exception (#12 item 12, #14 item 3): the flow's
responsible, else the connector's, else the settings' default, else the admin."""

from odoo.tests import new_test_user

from .common import MfgCommon

GROUPS = "base.group_user,mfg_integration_base.mfg_integration_base_group_user"
MISSING = {"schema_version": "1.0", "sent": [{"idempotency_key": "never-came"}]}


class TestResponsibleRule(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector(
            "resp1", flows=["messages.snapshot"]
        )
        cls.snapshot_flow = cls.connector.flow_ids.filtered(
            lambda f: f.code == "messages.snapshot"
        )
        cls.flow_owner = new_test_user(cls.env, login="mfg_flow_owner", groups=GROUPS)
        cls.default_owner = new_test_user(
            cls.env, login="mfg_default_owner", groups=GROUPS
        )

    def _reconcile(self):
        run = self.env["mfg.reconciliation"]._run(
            self.connector, "messages.snapshot", MISSING
        )
        self.assertEqual(run.state, "differences")
        return self._mfg_exception_activities(run)

    def test_reconciliation_activity_goes_to_the_flows_responsible(self):
        self.snapshot_flow.responsible_user_id = self.flow_owner
        self.assertEqual(self._reconcile().user_id, self.flow_owner)

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param(
            "mfg_integration_base.default_responsible_id", False
        )

    def test_reconciliation_activity_goes_to_the_connectors_responsible(self):
        self.assertEqual(self._reconcile().user_id, self.mfg_responsible)

    def test_settings_default_when_flow_and_connector_name_nobody(self):
        self.env["ir.config_parameter"].set_param(
            "mfg_integration_base.default_responsible_id", self.default_owner.id
        )
        self.connector.responsible_user_id = False
        self.assertEqual(self._reconcile().user_id, self.default_owner)
        # a failed message follows the same rule
        message = self._mfg_receive(
            self.connector,
            "generic.record.upsert",
            {
                "schema_version": "1.0",
                "external_id": "X1",
                "values": {"name": "X", "comment": "not an allowed field"},
            },
        )
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "failed")
        activity = self._mfg_exception_activities(message)
        self.assertEqual(activity.user_id, self.default_owner)

    def test_administrator_last(self):
        self.connector.responsible_user_id = False
        self.assertEqual(self._reconcile().user_id, self.env.ref("base.user_admin"))
