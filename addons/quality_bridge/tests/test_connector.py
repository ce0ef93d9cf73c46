# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, new_test_user, tagged

from .common import INBOUND, OUTBOUND, QualityCommon


@tagged("post_install", "-at_install")
class TestQualityConnector(QualityCommon):
    def test_template_carries_quality_flows_and_settings(self):
        self.connector.write(
            {
                "quality_default_severity": "critical",
                "quality_planner_user_id": self.planner.id,
            }
        )
        template = self.connector._template_dict()
        self.assertEqual(template["connector"]["quality_default_severity"], "critical")
        self.assertNotIn("quality_planner_user_id", template["connector"])
        site2 = self.env["mfg.connector"]._create_from_template(
            template, "qms-site2", "QMS site 2", self.env.company
        )
        self.assertEqual(site2.kind, "quality")
        self.assertEqual(site2.quality_default_severity, "critical")
        self.assertFalse(site2.quality_planner_user_id)
        self.assertEqual(set(site2.flow_ids.mapped("code")), set(INBOUND + OUTBOUND))

    def test_default_severity_applies_to_new_nonconformances(self):
        self.connector.quality_default_severity = "critical"
        msg = self._send("quality.inspection.result", self._fail_payload())
        self.assertEqual(msg.state, "done", msg.error_text)
        self.assertEqual(self._nc_of_lot().severity, "critical")
        msg = self._send(
            "quality.inspection.result",
            self._fail_payload(
                inspection_id="INSP-2",
                lot="LOT-H",
                product="QB-HINGE",
                severity="minor",
            ),
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        self.assertEqual(self._nc_of_lot(self.other_lot).severity, "minor")


@tagged("post_install", "-at_install")
class TestQualityViews(QualityCommon):
    """The forms people open read without access errors for their groups."""

    def test_forms_open_for_their_users(self):
        self._send(
            "quality.inspection.result",
            self._fail_payload(cause={"equipment": "QB Press 1"}),
        )
        self._send(
            "maintenance.alert",
            {
                "alert_id": "A-9",
                "equipment": "QB Press 1",
                "summary": "Leak",
                "block_workcenter": True,
            },
        )
        nc = self._nc_of_lot()
        stock_user = new_test_user(
            self.env, login="qb_stock", groups="base.group_user,stock.group_stock_user"
        )
        employee = new_test_user(
            self.env, login="qb_employee", groups="base.group_user"
        )
        own_request = (
            self.env["maintenance.request"]
            .with_user(employee)
            .create({"name": "Noise", "equipment_id": self.equipment.id})
        )
        cases = [
            (self.planner, nc),
            (self.planner, nc.inspection_id),
            (self.planner, self.workcenter),
            (self.planner, self.lot),
            (stock_user, self.lot),
            (stock_user, nc),
            (employee, own_request),
        ]
        for user, record in cases:
            with self.subTest(user=user.login, model=record._name):
                form = Form(record.with_user(user))
                self.assertEqual(form.id, record.id)
        self.assertIn(
            "Leak", Form(self.workcenter.with_user(self.planner)).mfg_block_reason
        )
