# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Event subscriptions on business models the base does not depend on (stock,
purchase, account are installed with the suite's domain addons): configured as an
Integration Manager would in the form, triggered by users doing their work,
delivered to a real HTTP server on 127.0.0.1."""

import json
import unittest

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user

from .common import MfgCommon

OUT_SECRET = "whsec_" + "ZXZlbnRzLXNpZ25pbmctc2VjcmV0LWtleQ=="


class RolledBack(Exception):
    """Raised inside a savepoint to roll it back."""


class EventCommon(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for model in ("stock.picking", "purchase.order", "account.move"):
            if model not in cls.env:
                raise unittest.SkipTest(f"{model} is not installed in this database")
        cls.connector = cls._mfg_create_connector(
            "evt1",
            flows=["generic.event"],
            outbound_secret=OUT_SECRET,
            read_timeout=2.0,
            connect_timeout=1.0,
        )
        cls.flow = cls.connector.flow_ids
        cls.manager = new_test_user(
            cls.env,
            login="evt_manager",
            groups="mfg_integration_base.mfg_integration_base_group_manager,"
            "stock.group_stock_user,purchase.group_purchase_user,"
            "account.group_account_invoice",
        )
        cls.stock_user = new_test_user(
            cls.env, login="evt_stock", groups="stock.group_stock_user"
        )
        cls.buyer = new_test_user(
            cls.env, login="evt_buyer", groups="purchase.group_purchase_user"
        )
        cls.accountant = new_test_user(
            cls.env, login="evt_accountant", groups="account.group_account_invoice"
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Evt Vendor"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Evt Bolt",
                "default_code": "EVT-BOLT",
                "is_storable": True,
                "standard_price": 2.0,
            }
        )

    def subscribe(self, user=None, **vals):
        """A subscription saved through the form, as its user does in the UI."""
        user = user or self.manager
        model = vals.pop("model")
        with Form(self.env["mfg.event.subscription"].with_user(user)) as form:
            form.name = vals.pop("name", f"{model} event")
            form.flow_id = self.flow
            form.model_id = self.env["ir.model"]._get(model)
            form.trigger = vals.pop("trigger")
            for name, value in vals.items():
                if name == "watched":
                    for field_name in value:
                        form.watched_field_ids.add(
                            self.env["ir.model.fields"]._get(model, field_name)
                        )
                elif name in ("state_field", "external_id_field"):
                    setattr(
                        form,
                        f"{name}_id",
                        self.env["ir.model.fields"]._get(model, value),
                    )
                else:
                    setattr(form, name, value)
        return form.record

    def subscribe_state(self, model, value, **vals):
        """'Reaches a value' of the record's state, as in the form."""
        return self.subscribe(
            model=model, trigger="state", state_field="state", state_value=value, **vals
        )

    def events(self, event=None):
        self.env.cr.flush()  # what a commit does first: the pre-commit hooks
        domain = [("connector_id", "=", self.connector.id)]
        if event:
            domain.append(("payload_canonical", "like", f'"event":"{event}"'))
        return self.env["mfg.sync.message"].sudo().search(domain, order="id")

    def deliver(self, replies=()):
        """Send what is due to a real local HTTP server; returns the bodies."""
        received = self._mfg_deliver(
            self.connector, "/generic.event", OUT_SECRET, replies
        )
        return [json.loads(r["body"]) for r in received]

    def invoice(self, quantity, price, user=None):
        return (
            self.env["account.move"]
            .with_user(user or self.accountant)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.vendor.id,
                    "invoice_date": "2026-11-30",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "quantity": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def receipt(self, qty=3.0, user=None):
        picking_type = self.env.ref("stock.picking_type_in")
        return (
            self.env["stock.picking"]
            .with_user(user or self.stock_user)
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": self.vendor.id,
                    "location_id": self.env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": picking_type.default_location_dest_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.product.name,
                                "product_id": self.product.id,
                                "product_uom_qty": qty,
                                "product_uom": self.product.uom_id.id,
                                "location_id": self.env.ref(
                                    "stock.stock_location_suppliers"
                                ).id,
                                "location_dest_id": (
                                    picking_type.default_location_dest_id.id
                                ),
                            }
                        )
                    ],
                }
            )
        )

    @staticmethod
    def validate(picking):
        picking.action_confirm()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.button_validate()
        return picking

    def purchase_order(self, user=None, partner=None):
        return (
            self.env["purchase.order"]
            .with_user(user or self.buyer)
            .create(
                {
                    "partner_id": (partner or self.vendor).id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_qty": 10,
                                "price_unit": 2.5,
                            }
                        )
                    ],
                }
            )
        )


class TestEventSubscriptionTriggers(EventCommon):
    def test_picking_done_sends_one_signed_event_with_related_paths(self):
        self.subscribe_state(
            "stock.picking",
            "done",
            name="Receipts done",
            filter_domain="[('picking_type_code', '=', 'incoming')]",
            field_paths="name\npartner_id.name\nmove_ids.product_id.default_code\n"
            "move_ids.quantity",
            external_id_field="name",
        )
        picking = self.receipt()
        picking.action_confirm()
        self.assertFalse(self.events(), "confirming is not reaching 'done'")
        self.validate(picking)
        self.assertEqual(picking.state, "done")
        message = self.events()
        self.assertEqual(len(message), 1)
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.record_ref, picking)
        # Stored in one INSERT: the company its record rules read, its name.
        self.assertEqual(message.company_id, self.connector.company_id)
        self.assertEqual(message.name, f"→ generic.event {message.idempotency_key}")
        # A delivery (outgoing) reaching done is outside the domain.
        delivery = (
            self.env["stock.picking"]
            .with_user(self.stock_user)
            .create(
                {
                    "picking_type_id": self.env.ref("stock.picking_type_out").id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.product.name,
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "product_uom": self.product.uom_id.id,
                                "location_id": self.env.ref(
                                    "stock.stock_location_stock"
                                ).id,
                                "location_dest_id": self.env.ref(
                                    "stock.stock_location_customers"
                                ).id,
                            }
                        )
                    ],
                }
            )
        )
        self.validate(delivery)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(len(self.events()), 1)

        [body] = self.deliver()
        self.assertEqual(message.state, "done")
        self.assertEqual(body["event"], "stock.picking.done")
        self.assertEqual(body["model"], "stock.picking")
        self.assertEqual(body["odoo_id"], picking.id)
        self.assertEqual(body["external_id"], picking.name)
        self.assertEqual(body["ordering_key"], f"stock.picking:{picking.id}")
        self.assertEqual(body["sequence"], 1)
        values = body["values"]
        self.assertEqual(values["name"], picking.name)
        self.assertEqual(values["partner_id"]["name"], "Evt Vendor")
        self.assertEqual(
            [m["product_id"]["default_code"] for m in values["move_ids"]],
            ["EVT-BOLT"],
        )
        self.assertEqual(values["move_ids"][0]["quantity"], 3.0)
        # The external id binding lets the system's answers find the receipt.
        self.assertEqual(
            self.connector._mfg_resolve("stock.picking", picking.name), picking
        )

    def test_purchase_order_confirmed(self):
        self.subscribe_state(
            "purchase.order",
            "purchase",
            event_code="purchase.order.confirmed",
            field_paths="name\npartner_id.name\norder_line.product_id.default_code\n"
            "order_line.product_qty\namount_total\ndate_order",
        )
        order = self.purchase_order()
        order.write({"notes": "<p>rush</p>"})
        self.assertFalse(self.events())
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        [body] = self.deliver()
        self.assertEqual(body["event"], "purchase.order.confirmed")
        self.assertEqual(body["values"]["name"], order.name)
        self.assertEqual(body["values"]["amount_total"], order.amount_total)
        self.assertEqual(
            body["values"]["order_line"][0],
            {
                "id": order.order_line.id,
                "product_id": {"id": self.product.id, "default_code": "EVT-BOLT"},
                "product_qty": 10.0,
            },
        )
        self.assertTrue(body["values"]["date_order"].endswith("Z"))

    def test_account_move_posted(self):
        self.subscribe_state(
            "account.move",
            "posted",
            filter_domain="[('move_type', '=', 'out_invoice')]",
            field_paths="name\npartner_id.name\namount_total\ninvoice_date\n"
            "invoice_line_ids.product_id.default_code",
        )
        invoice = self.invoice(4, 5.0)
        self.assertFalse(self.events(), "a draft invoice is no event")
        invoice.action_post()
        [body] = self.deliver()
        self.assertEqual(body["event"], "account.move.posted")
        self.assertEqual(body["values"]["name"], invoice.name)
        self.assertEqual(body["values"]["amount_total"], 20.0)
        self.assertEqual(body["values"]["invoice_date"], "2026-11-30")
        self.assertEqual(
            body["values"]["invoice_line_ids"][0]["product_id"]["default_code"],
            "EVT-BOLT",
        )

    def test_created_event_written_before_commit_with_final_values(self):
        self.subscribe(
            model="stock.lot",
            trigger="create",
            field_paths="name\nproduct_id.default_code\nref",
        )
        lot = (
            self.env["stock.lot"]
            .with_user(self.stock_user)
            .create({"name": "EVT-LOT-1", "product_id": self.product.id})
        )
        lot.ref = "set after create, same transaction"
        # A lot created in a savepoint that is rolled back sends nothing.
        with self.assertRaises(RolledBack), self.env.cr.savepoint():
            self.env["stock.lot"].with_user(self.stock_user).create(
                {"name": "EVT-LOT-GONE", "product_id": self.product.id}
            )
            raise RolledBack()
        self.env.cr.flush()  # what a commit does first: the pre-commit hooks
        [body] = self.deliver()
        self.assertEqual(body["event"], "stock.lot.created")
        self.assertEqual(
            body["values"],
            {
                "id": lot.id,
                "name": "EVT-LOT-1",
                "product_id": {"id": self.product.id, "default_code": "EVT-BOLT"},
                "ref": "set after create, same transaction",
            },
        )

    def test_updated_only_when_a_watched_field_changes(self):
        self.subscribe(
            model="purchase.order",
            trigger="write",
            watched=["partner_ref"],
            field_paths="name\npartner_ref",
        )
        order = self.purchase_order()
        # One transaction each (a flush runs what a commit runs first).
        for vals in (
            {"notes": "<p>not watched</p>"},
            {"partner_ref": "ASN-1"},
            {"partner_ref": "ASN-1"},  # the same value: nothing changed
            {"partner_ref": "ASN-2"},
        ):
            order.write(vals)
            self.env.cr.flush()
        # Two changes in one transaction: one event, with the final value; a
        # change undone in the transaction: none.
        order.partner_ref = "ASN-3"
        order.partner_ref = "ASN-4"
        self.env.cr.flush()
        order.partner_ref = "ASN-tmp"
        order.partner_ref = "ASN-4"
        bodies = self.deliver()
        self.assertEqual(
            [(b["values"]["partner_ref"], b["sequence"]) for b in bodies],
            [("ASN-1", 1), ("ASN-2", 2), ("ASN-4", 3)],
        )
        self.assertEqual({b["event"] for b in bodies}, {"purchase.order.updated"})

    def test_deleted_sends_the_values_read_before_deletion(self):
        self.subscribe(
            model="stock.lot",
            trigger="unlink",
            field_paths="name\nproduct_id.default_code",
        )
        lot = self.env["stock.lot"].create(
            {"name": "EVT-LOT-DEL", "product_id": self.product.id}
        )
        lot_id = lot.id
        lot.with_user(self.manager).sudo().unlink()
        [body] = self.deliver()
        self.assertEqual(body["event"], "stock.lot.deleted")
        self.assertEqual(body["odoo_id"], lot_id)
        self.assertEqual(body["values"]["name"], "EVT-LOT-DEL")
        self.assertEqual(body["values"]["product_id"]["default_code"], "EVT-BOLT")

    def test_values_do_not_depend_on_who_made_the_change(self):
        """A French warehouse clerk validates: the event names the product in the
        source language, as when anyone else validates."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.product.product_tmpl_id.with_context(lang="fr_FR").name = "Boulon Evt"
        clerk = new_test_user(
            self.env,
            login="evt_stock_fr",
            groups="stock.group_stock_user",
            lang="fr_FR",
        )
        self.subscribe_state(
            "stock.picking", "done", field_paths="move_ids.product_id.name"
        )
        picking = self.receipt(user=clerk)
        self.env.cr.flush()  # created in its own transaction, earlier
        # Validated in the web client's context of a French user.
        self.validate(picking.with_context(lang="fr_FR"))
        [body] = self.deliver()
        self.assertEqual(
            body["values"]["move_ids"][0]["product_id"]["name"], "Evt Bolt"
        )


class TestEventSubscriptionOrdering(EventCommon):
    def test_events_of_one_record_leave_in_sequence_across_a_retry(self):
        self.subscribe(
            model="purchase.order",
            trigger="write",
            watched=["partner_ref"],
            field_paths="partner_ref",
        )
        order = self.purchase_order()
        order.partner_ref = "REF-1"
        self.env.cr.flush()
        order.partner_ref = "REF-2"
        first, second = self.events()
        self.assertEqual((first.sequence, second.sequence), (1, 2))
        self.assertEqual(first.ordering_key, second.ordering_key)
        # The first send fails (503): the second must not overtake it.
        bodies = self.deliver(replies=[(503, {}, {"error": "busy"})])
        self.assertEqual(first.state, "queued")
        self.assertEqual(first.attempts, 1)
        self.assertEqual(second.state, "queued")
        self.assertEqual(second.attempts, 0, "held, not attempted")
        self.assertEqual([b["values"]["partner_ref"] for b in bodies], ["REF-1"])
        first.next_attempt_at = fields.Datetime.now()
        bodies = self.deliver()
        self.assertEqual(
            [b["values"]["partner_ref"] for b in bodies], ["REF-1", "REF-2"]
        )
        self.assertEqual((first.state, second.state), ("done", "done"))

    def test_ordering_key_path_orders_the_orders_of_one_vendor(self):
        self.subscribe_state(
            "purchase.order",
            "purchase",
            ordering_key_path="partner_id",
            field_paths="name",
        )
        other = self.env["res.partner"].create({"name": "Evt Other Vendor"})
        orders = (
            self.purchase_order()
            | self.purchase_order()
            | self.purchase_order(partner=other)
        )
        orders.button_confirm()
        bodies = self.deliver()
        keys = [(b["ordering_key"], b["sequence"]) for b in bodies]
        self.assertEqual(
            sorted(keys),
            sorted(
                [
                    (f"res.partner:{self.vendor.id}", 1),
                    (f"res.partner:{self.vendor.id}", 2),
                    (f"res.partner:{other.id}", 1),
                ]
            ),
        )

    def test_two_subscriptions_of_one_record_number_its_events_in_turn(self):
        """Both events of one receipt's validation are written together: they
        share the receipt's key, numbered 1 and 2, once each; only the
        subscription that binds sends the external id."""
        self.subscribe_state(
            "stock.picking",
            "done",
            name="Receipts done",
            field_paths="name",
            external_id_field="name",
        )
        self.subscribe(
            model="stock.picking",
            name="Receipt dates",
            trigger="write",
            watched=["date_done"],
            field_paths="date_done",
        )
        picking = self.validate(self.receipt())
        bodies = sorted(self.deliver(), key=lambda body: body["sequence"])
        self.assertEqual(
            [(b["ordering_key"], b["sequence"]) for b in bodies],
            [(f"stock.picking:{picking.id}", 1), (f"stock.picking:{picking.id}", 2)],
        )
        external_ids = {b["event"]: b["external_id"] for b in bodies}
        self.assertEqual(
            external_ids,
            {"stock.picking.done": picking.name, "stock.picking.updated": None},
        )

    def test_bound_receipts_keep_their_external_id(self):
        """A receipt the system already knows (bound by its answer) is sent with
        that id; a reference bound to a receipt since deleted is bound to the
        one sent now."""
        self.subscribe_state(
            "stock.picking",
            "done",
            field_paths="name",
            external_id_field="name",
        )
        known, renamed, gone = self.receipt(), self.receipt(), self.receipt()
        self.connector._mfg_bind(known, "WMS-7")
        self.connector._mfg_bind(gone, renamed.name)
        gone.sudo().unlink()
        for picking in known | renamed:
            self.validate(picking)
        bodies = {b["odoo_id"]: b["external_id"] for b in self.deliver()}
        self.assertEqual(bodies, {known.id: "WMS-7", renamed.id: renamed.name})
        self.assertEqual(self.connector._mfg_resolve("stock.picking", "WMS-7"), known)
        self.assertEqual(
            self.connector._mfg_resolve("stock.picking", renamed.name), renamed
        )
        self.assertEqual(
            self.env["mfg.external.id"].search_count(
                [("connector_id", "=", self.connector.id), ("res_id", "=", known.id)]
            ),
            1,
            "a receipt bound already gets no second binding",
        )


class TestEventSubscriptionSecurity(EventCommon):
    def test_only_integration_managers_configure_subscriptions(self):
        integration_user = new_test_user(
            self.env,
            login="evt_int_user",
            groups="mfg_integration_base.mfg_integration_base_group_user,"
            "stock.group_stock_user",
        )
        with self.assertRaises(AccessError):
            self.env["mfg.event.subscription"].with_user(integration_user).create(
                {
                    "name": "no",
                    "flow_id": self.flow.id,
                    "model_id": self.env["ir.model"]._get_id("stock.picking"),
                    "trigger": "create",
                }
            )

    def test_a_manager_cannot_send_what_they_cannot_read(self):
        blind = new_test_user(
            self.env,
            login="evt_blind_manager",
            groups="mfg_integration_base.mfg_integration_base_group_manager,"
            "stock.group_stock_user",
        )
        with self.assertRaisesRegex(ValidationError, "may not read account.move"):
            self.env["mfg.event.subscription"].with_user(blind).create(
                {
                    "name": "invoices",
                    "flow_id": self.flow.id,
                    "model_id": self.env["ir.model"]._get_id("account.move"),
                    "trigger": "create",
                    "field_paths": "name",
                }
            )
        # Through a relation too: the vendor bills of a receipt's purchase.
        with self.assertRaisesRegex(ValidationError, "may not read"):
            self.env["mfg.event.subscription"].with_user(blind).create(
                {
                    "name": "receipts",
                    "flow_id": self.flow.id,
                    "model_id": self.env["ir.model"]._get_id("stock.picking"),
                    "trigger": "create",
                    "field_paths": "purchase_id.invoice_ids.name",
                }
            )

    def test_no_code_in_a_domain(self):
        with self.assertRaisesRegex(ValidationError, "not a valid literal domain"):
            self.subscribe(
                model="stock.picking",
                trigger="create",
                filter_domain="[('name', '=', __import__('os').getcwd())]",
            )

    def test_engine_models_cannot_be_subscribed(self):
        with self.assertRaisesRegex(ValidationError, "cannot be sent"):
            self.env["mfg.event.subscription"].with_user(self.manager).create(
                {
                    "name": "loop",
                    "flow_id": self.flow.id,
                    "model_id": self.env["ir.model"]._get_id("mfg.sync.message"),
                    "trigger": "create",
                }
            )

    def test_records_of_another_company_are_not_sent(self):
        other_company = self.env["res.company"].create({"name": "Evt Other Plant"})
        self.subscribe(model="res.partner", trigger="create", field_paths="name")
        self.env["res.partner"].create(
            {"name": "Evt Foreign", "company_id": other_company.id}
        )
        mine = self.env["res.partner"].create(
            {"name": "Evt Local", "company_id": self.connector.company_id.id}
        )
        self.env.cr.flush()
        [body] = self.deliver()
        self.assertEqual(body["odoo_id"], mine.id)
