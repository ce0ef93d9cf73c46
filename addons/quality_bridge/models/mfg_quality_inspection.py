# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, datetime

from odoo import Command, api, fields, models

from odoo.addons.mfg_integration_base.exceptions import (
    MfgConflictError,
    MfgValidationError,
)

from ..core import characteristics as qb_characteristics


class MfgQualityInspection(models.Model):
    _name = "mfg.quality.inspection"
    _description = "Quality Inspection"
    _inherit = ["mail.thread"]
    _order = "inspected_at desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Inspection",
        required=True,
        index=True,
        help="Id of the inspection in the quality system.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    connector_id = fields.Many2one("mfg.connector", check_company=True, index=True)
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial",
        required=True,
        check_company=True,
        index=True,
        domain="[('product_id', '=', product_id)]",
    )
    production_id = fields.Many2one(
        "mrp.production", string="Manufacturing Order", check_company=True
    )
    picking_id = fields.Many2one("stock.picking", string="Receipt", check_company=True)
    purchase_id = fields.Many2one(
        "purchase.order", string="Purchase Order", check_company=True
    )
    quantity = fields.Float(
        digits="Product Unit of Measure", help="Quantity quarantined or released."
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id")
    line_ids = fields.One2many(
        "mfg.quality.inspection.line", "inspection_id", string="Characteristics"
    )
    verdict = fields.Selection(
        [("pass", "Pass"), ("fail", "Fail")], required=True, tracking=True
    )
    outcome = fields.Selection(
        [
            ("quarantined", "Quarantined"),
            ("released", "Released from quarantine"),
            ("accepted", "Accepted, nothing moved"),
            ("held", "Held, nothing on hand"),
        ],
        readonly=True,
        help="What Odoo did with the lot.",
    )
    inspector = fields.Char()
    inspected_at = fields.Datetime(default=fields.Datetime.now)
    severity = fields.Selection(
        [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")],
        default="major",
    )
    note = fields.Text()
    cause = fields.Text()
    transfer_ids = fields.Many2many(
        "stock.picking",
        "mfg_quality_inspection_transfer_rel",
        "inspection_id",
        "picking_id",
        string="Transfers",
        readonly=True,
    )
    nonconformance_ids = fields.One2many("mfg.quality.nonconformance", "inspection_id")

    _sql_constraints = [
        (
            "name_connector_uniq",
            "unique(connector_id, name)",
            "An inspection id can only be applied once per connector.",
        )
    ]

    @api.model
    def _prepare_line_vals(self, characteristics):
        lines = []
        for seq, char in enumerate(characteristics or [], start=1):
            value = char.get("value")
            lines.append(
                {
                    "sequence": seq,
                    "name": char["name"],
                    "value": "" if value is None else str(value),
                    "unit": char.get("unit"),
                    "nominal": char.get("target") or 0.0,
                    "has_nominal": "target" in char,
                    "lower_limit": char.get("lower_limit") or 0.0,
                    "upper_limit": char.get("upper_limit") or 0.0,
                    "has_lower_limit": "lower_limit" in char,
                    "has_upper_limit": "upper_limit" in char,
                    "verdict": qb_characteristics.characteristic_verdict(char),
                }
            )
        return lines

    def action_view_transfers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("id", "in", self.transfer_ids.ids)]
        return action

    # ------------------------------------------------------------------
    # Inbound: quality.inspection.result
    # ------------------------------------------------------------------
    @api.model
    def _quality_receive_result(self, message, payload):
        """Handler of quality.inspection.result (core/flows.py). Fail:
        quarantine, hold, nonconformance. Pass: release a held lot."""
        return self._quality_apply_result(message.connector_id, payload)

    @api.model
    def _quality_apply_result(self, connector, payload):
        """Apply an inspection result. Everything is resolved and checked
        before the first stock move, so a refusal leaves stock untouched.

        :return: the nonconformance on a fail, else the inspection
        """
        ref = payload["inspection_id"]
        existing = self.search(
            [("connector_id", "=", connector.id), ("name", "=", ref)], limit=1
        )
        if existing:
            if existing.verdict != payload["verdict"]:
                raise MfgConflictError(
                    self.env._(
                        "Inspection %(ref)s was already applied with verdict %(old)s; "
                        "a new verdict needs a new inspection id.",
                        ref=ref,
                        old=existing.verdict,
                    ),
                    record=existing.lot_id,
                )
            return existing.nonconformance_ids[:1] or existing
        product = connector._quality_resolve_product(payload["product"])
        lot = connector._quality_resolve_lot(product, payload["lot"])
        verdict, inconsistent = qb_characteristics.overall_verdict(
            payload["verdict"], payload.get("characteristics")
        )
        vals = self._prepare_result_vals(connector, payload, product, lot, verdict)
        if inconsistent:
            vals["note"] = "\n".join(
                filter(
                    None,
                    [
                        vals.get("note"),
                        self.env._(
                            "Declared pass although out of limits: %(names)s",
                            names=", ".join(inconsistent),
                        ),
                    ],
                )
            )
        if verdict == "fail":
            return self._quality_apply_fail(connector, payload, lot, vals)
        return self._quality_apply_pass(connector, lot, vals)

    @api.model
    def _prepare_result_vals(self, connector, payload, product, lot, verdict):
        origin = self._quality_lot_origin(connector, payload, lot)
        cause = payload.get("cause") or {}
        return {
            "name": payload["inspection_id"],
            "company_id": (connector.company_id or self.env.company).id,
            "connector_id": connector.id,
            "product_id": product.id,
            "lot_id": lot.id,
            "verdict": verdict,
            "inspector": payload.get("inspector"),
            "inspected_at": self._quality_parse_datetime(payload.get("inspected_at")),
            "severity": payload.get("severity")
            or connector.quality_default_severity
            or "major",
            "note": payload.get("note"),
            "cause": cause.get("description"),
            "production_id": origin["production"].id,
            "picking_id": origin["receipt"].id,
            "purchase_id": origin["purchase"].id,
            "line_ids": [
                Command.create(v)
                for v in self._prepare_line_vals(payload.get("characteristics"))
            ],
        }

    @api.model
    def _quality_parse_datetime(self, value):
        if not value:
            return fields.Datetime.now()
        # RFC 3339 (validated by the schema): stored as naive UTC like Odoo does.
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed

    @api.model
    def _quality_lot_origin(self, connector, payload, lot):
        """Manufacturing order, receipt and purchase order the lot comes from:
        given by reference in the payload, else found from the lot's moves."""
        company = connector.company_id or self.env.company
        MoveLine = self.env["stock.move.line"]
        production = self.env["mrp.production"]
        receipt = self.env["stock.picking"]
        if payload.get("production"):
            production = production.search(
                [("name", "=", payload["production"]), ("company_id", "=", company.id)],
                limit=1,
            )
            if not production:
                raise MfgValidationError(
                    self.env._(
                        "Unknown manufacturing order %(ref)s.",
                        ref=payload["production"],
                    )
                )
        else:
            produced = MoveLine.search(
                [
                    ("lot_id", "=", lot.id),
                    ("state", "=", "done"),
                    ("move_id.production_id", "!=", False),
                ],
                order="date",
                limit=1,
            )
            production = produced.move_id.production_id
        if payload.get("receipt"):
            receipt = receipt.search(
                [
                    ("name", "=", payload["receipt"]),
                    ("company_id", "=", company.id),
                    ("picking_type_code", "=", "incoming"),
                ],
                limit=1,
            )
            if not receipt:
                raise MfgValidationError(
                    self.env._("Unknown receipt %(ref)s.", ref=payload["receipt"])
                )
        received = MoveLine.search(
            [
                ("lot_id", "=", lot.id),
                ("state", "=", "done"),
                ("move_id.picking_type_id.code", "=", "incoming"),
            ]
            + ([("move_id.picking_id", "=", receipt.id)] if receipt else []),
            order="date",
            limit=1,
        )
        receipt = receipt or received.move_id.picking_id
        purchase = received.move_id.purchase_line_id.order_id
        return {"production": production, "receipt": receipt, "purchase": purchase}

    @api.model
    def _quality_create_bound(self, connector, vals):
        """Create the inspection and bind it to its id in the quality system
        (it then shows among the connector's external ids)."""
        inspection = self.create(vals)
        connector._mfg_bind(inspection, inspection.name)
        return inspection

    @api.model
    def _quality_cause_equipment(self, connector, payload):
        cause = payload.get("cause") or {}
        if cause.get("equipment"):
            return connector._quality_resolve_equipment(cause["equipment"])
        if cause.get("workcenter"):
            return connector._quality_resolve_workcenter_equipment(cause["workcenter"])
        return self.env["maintenance.equipment"]

    @api.model
    def _quality_apply_fail(self, connector, payload, lot, vals):
        equipment = self._quality_cause_equipment(connector, payload)
        plan = lot._quality_plan_quarantine(payload.get("quantity"))
        if not plan:
            lot._quality_check_not_elsewhere()
        # Checks are over: from here on, every step is expected to succeed.
        inspection = self._quality_create_bound(connector, vals)
        quantity = sum(qty for _quant, qty in plan)
        origin = self.env._(
            "Quarantine of %(lot)s (inspection %(ref)s)",
            lot=lot.name,
            ref=inspection.name,
        )
        transfers = (
            lot._quality_quarantine(plan, origin) if plan else self.env["stock.picking"]
        )
        lot.mfg_quality_hold = True
        inspection.write(
            {
                "quantity": quantity,
                "transfer_ids": [Command.set(transfers.ids)],
                "outcome": "quarantined" if transfers else "held",
            }
        )
        nc = self.env["mfg.quality.nonconformance"].create(
            inspection._prepare_nonconformance_vals(quantity, equipment)
        )
        if transfers:
            nc._quality_set_state("contained")
        nc.quarantine_picking_ids = [Command.set(transfers.ids)]
        if nc.purchase_id:
            nc._quality_notify_procurement(
                self.env._(
                    "Lot %(lot)s failed inspection %(ref)s",
                    lot=lot.name,
                    ref=inspection.name,
                )
            )
        if equipment:
            nc._quality_open_maintenance_request(equipment, inspection.cause)
        return nc

    def _prepare_nonconformance_vals(self, quantity, equipment):
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "connector_id": self.connector_id.id,
            "source": "inspection",
            "inspection_id": self.id,
            "severity": self.severity,
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "quantity": quantity,
            "production_id": self.production_id.id,
            "picking_id": self.picking_id.id,
            "purchase_id": self.purchase_id.id,
            "partner_id": self.purchase_id.partner_id.id,
            "equipment_id": equipment.id,
            "description": self.note or self.cause,
        }

    @api.model
    def _quality_apply_pass(self, connector, lot, vals):
        inspection = self._quality_create_bound(connector, vals)
        if not lot.mfg_quality_hold:
            inspection.outcome = "accepted"
            return inspection
        plan = lot._quality_plan_release()
        origin = self.env._(
            "Release of %(lot)s (inspection %(ref)s)", lot=lot.name, ref=inspection.name
        )
        transfers = (
            lot._quality_release(plan, origin) if plan else self.env["stock.picking"]
        )
        open_ncs = lot.mfg_nonconformance_ids.filtered(lambda nc: nc.state != "closed")
        for nc in open_ncs:
            if not nc.quantity_remaining:
                # nothing was on hand when it failed: nothing to release
                nc._quality_set_state("closed")
                continue
            nc._quality_record_disposition(
                "release",
                nc.quantity_remaining,
                decided_by=inspection.inspector,
                note=self.env._("Released by inspection %(ref)s", ref=inspection.name),
                move_stock=False,
                picking=transfers[:1],
            )
        # a lot shared between companies stays held while another company
        # still has an open nonconformance on it (sudo: count only)
        if not lot._quality_open_nonconformances_anywhere():
            lot.mfg_quality_hold = False
        inspection.write(
            {
                "quantity": sum(qty for _quant, qty in plan),
                "transfer_ids": [Command.set(transfers.ids)],
                "outcome": "released",
            }
        )
        return inspection
