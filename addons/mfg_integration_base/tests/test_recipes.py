# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The three ready-made templates of the README's recipes: loaded by the import
wizard as an Integration Manager does, activated, and delivering."""

import csv
import io
import json
import unittest

from odoo import fields
from odoo.tests import Form, new_test_user, tagged

from .common import TEST_SECRET, MfgHttpCommon
from .test_event_subscription import OUT_SECRET, EventCommon


class TestRecipes(EventCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.groups_id += cls.env.ref("mrp.group_mrp_user")
        cls.tech = new_test_user(
            cls.env,
            login="recipe_tech",
            groups="mfg_integration_base.mfg_integration_base_group_technical,"
            "stock.group_stock_user,purchase.group_purchase_user",
        )

    def import_recipe(self, recipe, code):
        """The wizard, as the manager fills it; returns the active connector."""
        wizard_model = self.env["mfg.connector.template.import"].with_user(self.manager)
        with Form(wizard_model) as form:
            form.recipe = recipe
            form.code = code
            form.technical_user_id = self.tech
            form.responsible_user_id = self.mfg_responsible
        action = form.record.action_import()
        connector = self.env["mfg.connector"].browse(action["res_id"])
        self.assertEqual(connector.state, "draft")
        connector.with_user(self.manager).write(
            {"outbound_secret": OUT_SECRET, "inbound_secret": OUT_SECRET}
        )
        connector.with_user(self.manager).action_activate()
        return connector

    def deliver_to(self, connector, path):
        return self._mfg_deliver(connector, path, OUT_SECRET)

    def test_warehouse_receipt_out_and_confirmation_in(self):
        connector = self.import_recipe("warehouse", "wms-test")
        self.assertEqual(
            sorted(connector.flow_ids.mapped("code")),
            ["generic.event", "generic.record.upsert"],
        )
        picking = self.receipt()
        picking.action_confirm()
        self.assertEqual(picking.state, "assigned")
        [request] = self.deliver_to(connector, "/generic.event")
        body = json.loads(request["body"])
        self.assertEqual(body["event"], "wms.receipt.expected")
        self.assertEqual(body["external_id"], picking.name)
        self.assertEqual(
            body["values"]["move_ids"][0]["product_id"]["default_code"], "EVT-BOLT"
        )
        # The warehouse confirms the dock slot of that receipt, in its own words.
        message = self._mfg_receive(
            connector,
            "generic.record.upsert",
            {
                "schema_version": "1.0",
                "receipt": picking.name,
                "dock_slot": "2026-12-03 06:30:00",
                "wms_task": "WMS-TASK-77",
            },
        )
        self._mfg_process(connector, direction="inbound")
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(
            picking.scheduled_date, fields.Datetime.to_datetime("2026-12-03 06:30:00")
        )
        self.assertEqual(picking.origin, "WMS-TASK-77")
        # Received: the done event carries the lot-less moves and quantities.
        self.validate(picking)
        [request] = self.deliver_to(connector, "/generic.event")
        body = json.loads(request["body"])
        self.assertEqual(body["event"], "wms.receipt.done")
        self.assertEqual(body["sequence"], 2, "second event of this receipt")
        self.assertEqual(body["values"]["move_ids"][0]["quantity"], 3.0)

    def test_supplier_portal_order_out_and_shipping_notice_in(self):
        connector = self.import_recipe("supplier_portal", "portal-test")
        order = self.purchase_order()
        order.button_confirm()
        [request] = self.deliver_to(connector, "/generic.event")
        body = json.loads(request["body"])
        self.assertEqual(body["event"], "portal.purchase_order.confirmed")
        self.assertEqual(body["ordering_key"], f"res.partner:{self.vendor.id}")
        self.assertEqual(body["values"]["order_line"][0]["product_qty"], 10.0)
        message = self._mfg_receive(
            connector,
            "generic.record.upsert",
            {
                "schema_version": "1.0",
                "po_number": order.name,
                "asn_number": "ASN-4711",
                "expected_delivery": "2026-12-10 08:00:00",
            },
        )
        self._mfg_process(connector, direction="inbound")
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(order.partner_ref, "ASN-4711")
        self.assertEqual(
            order.date_planned, fields.Datetime.to_datetime("2026-12-10 08:00:00")
        )

    def test_finance_invoice_event_and_csv_feed(self):
        connector = self.import_recipe("finance_feed", "finance-test")
        feed = connector.flow_ids.filtered(lambda f: f.code == "generic.feed")
        self.assertEqual(feed.target_model_id.model, "account.move")
        self.assertEqual(feed.feed_format, "csv")
        invoice = self.invoice(2, 7.0)
        invoice.action_post()
        [event] = self.deliver_to(connector, "/generic.event")
        self.assertEqual(json.loads(event["body"])["event"], "finance.invoice.posted")
        # Only this test's entry: the feed starts after the demo data's.
        feed.with_user(self.manager).write(
            {"feed_domain": f"[('state', '=', 'posted'), ('id', '=', {invoice.id})]"}
        )
        feed._mfg_feed_next_page()
        [page] = self.deliver_to(connector, "/generic.feed")
        rows = list(csv.reader(io.StringIO(page["body"].decode())))
        self.assertEqual(rows[0][:3], ["id", "name", "move_type"])
        self.assertEqual(rows[1][:3], [str(invoice.id), invoice.name, "out_invoice"])

    def test_export_carries_subscriptions_and_feed(self):
        connector = self.import_recipe("finance_feed", "finance-exp")
        template = connector._template_dict()
        self.assertEqual(
            sorted(s["event_code"] for s in template["subscriptions"]),
            ["analytics.production.done", "finance.invoice.posted"],
        )
        feed = next(f for f in template["flows"] if f["code"] == "generic.feed")
        self.assertEqual(feed["feed_format"], "csv")
        copy = (
            self.env["mfg.connector"]
            .with_user(self.manager)
            ._create_from_template(
                template, "finance-copy", "Finance copy", connector.company_id
            )
        )
        self.assertEqual(
            sorted(copy.flow_ids.subscription_ids.mapped("event_code")),
            ["analytics.production.done", "finance.invoice.posted"],
        )
        copied_feed = copy.flow_ids.filtered(lambda f: f.code == "generic.feed")
        self.assertEqual(
            (copied_feed.target_model_id.model, copied_feed.feed_format),
            ("account.move", "csv"),
        )


@tagged("post_install", "-at_install")
class TestWarehouseConfirmationWebhook(MfgHttpCommon):
    """A dock slot the warehouse sends in its own local time, with its offset,
    through the webhook: the recipe's datetime transform makes it ISO 8601 text,
    which lands in the receipt's Datetime field as UTC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "stock.picking" not in cls.env:
            raise unittest.SkipTest("stock.picking is not installed in this database")
        tech = new_test_user(
            cls.env,
            login="wms_dt_tech",
            groups="mfg_integration_base.mfg_integration_base_group_technical,"
            "stock.group_stock_user",
            email=False,
        )
        # the wizard as a manager fills it (its onchange names the connector)
        with Form(cls.env["mfg.connector.template.import"]) as form:
            form.recipe = "warehouse"
            form.code = "wms-dt"
            form.technical_user_id = tech
            form.responsible_user_id = cls.mfg_responsible
        wizard = form.record
        cls.connector = cls.env["mfg.connector"].browse(
            wizard.action_import()["res_id"]
        )
        cls.connector.write({"inbound_secret": TEST_SECRET})
        cls.connector.action_activate()
        picking_type = cls.env.ref("stock.picking_type_in")
        cls.receipt = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": picking_type.default_location_dest_id.id,
            }
        )
        # bound to its reference, as the recipe's first receipt event does
        cls.connector._mfg_bind(cls.receipt, cls.receipt.name)

    def confirm(self, dock_slot):
        response = self._mfg_post(
            self.connector,
            "generic.record.upsert",
            {
                "schema_version": "1.0",
                "receipt": self.receipt.name,
                "dock_slot": dock_slot,
                "wms_task": "WMS-TASK-78",
            },
        )
        self.assertEqual(response.status_code, 202, response.text)
        message = self.env["mfg.sync.message"].browse(response.json()["message_id"])
        self._mfg_process(self.connector, direction="inbound")
        return message

    def test_local_time_with_offset_lands_in_utc(self):
        message = self.confirm("2026-12-03T07:30:00+01:00")
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(
            self.receipt.scheduled_date,
            fields.Datetime.to_datetime("2026-12-03 06:30:00"),
        )
        self.assertEqual(self.receipt.origin, "WMS-TASK-78")

    def test_unreadable_date_fails_with_its_path(self):
        message = self.confirm("next Tuesday")
        self.assertEqual(message.state, "failed")
        self.assertIn("dock_slot", message.error_text)
        self.assertIn("date/time", message.error_text)
        self.assertNotEqual(self.receipt.origin, "WMS-TASK-78", "nothing half-applied")
