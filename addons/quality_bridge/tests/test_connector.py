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
        # People travel by login: the same user where the login exists.
        self.assertEqual(
            template["connector"]["quality_planner_user_id"], self.planner.login
        )
        self.assertNotIn("scheduler_horizon_days", template["connector"])
        site2 = self.env["mfg.connector"]._create_from_template(
            template, "qms-site2", "QMS site 2", self.env.company
        )
        self.assertEqual(site2.kind, "quality")
        self.assertEqual(site2.quality_default_severity, "critical")
        self.assertEqual(site2.quality_planner_user_id, self.planner)
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


@tagged("post_install", "-at_install")
class TestQualityMultiCompany(QualityCommon):
    def test_connector_of_another_company_never_touches_this_one(self):
        company_b = self.env["res.company"].create({"name": "Plant B (quality test)"})
        connector_b = self._mfg_create_connector(
            "qms-b",
            kind="quality",
            flows=["quality.inspection.result"],
            company_id=company_b.id,
        )
        connector_b.technical_user_id.write(
            {
                "company_ids": [(6, 0, company_b.ids)],
                "company_id": company_b.id,
                "groups_id": [
                    (4, self.env.ref(g).id)
                    for g in ("stock.group_stock_user", "mrp.group_mrp_user")
                ],
            }
        )

        def send_b(payload):
            message = self._mfg_receive(
                connector_b,
                "quality.inspection.result",
                dict(payload, schema_version="1.0"),
            )
            for _round in range(5):
                connector_b.flow_ids._mfg_drain()
            message.invalidate_recordset()
            return message

        # LOT-A's product is shared (no company), so is the lot: its stock is A's
        message = send_b(self._fail_payload())
        self.assertEqual(message.state, "failed")
        self.assertIn(
            "Lot LOT-A is on hand only in other companies", message.error_text
        )
        self._assert_quantities(stock=10, quarantine=0)
        self.assertFalse(self.lot.mfg_quality_hold)
        # a product of company A is unknown to company B's connector
        self.product.product_tmpl_id.company_id = self.env.company
        message = send_b(self._fail_payload(inspection_id="INSP-B2"))
        self.assertEqual(message.state, "failed")
        self.assertIn("Unknown product QB-BRACKET", message.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        # company B's warehouse has its own quarantine
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)]
        )
        self.assertEqual(warehouse_b.mfg_quarantine_location_id.company_id, company_b)
