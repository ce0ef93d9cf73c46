# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.mfg_integration_base.exceptions import (
    MfgValidationError,
    core_errors,
)

from ..core import flows as qb_flows
from ..core import nonconformance as qb_nc
from ..core import payloads as qb_payloads
from ..core import quantities as qb_quantities

STATES = [
    ("open", "Open"),
    ("contained", "Contained"),
    ("dispositioned", "Dispositioned"),
    ("closed", "Closed"),
]


class MfgQualityNonconformance(models.Model):
    _name = "mfg.quality.nonconformance"
    _description = "Nonconformance"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        index=True,
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    connector_id = fields.Many2one("mfg.connector", check_company=True, index=True)
    source = fields.Selection(
        [
            ("inspection", "Inspection"),
            ("mes_scrap", "MES scrap"),
            ("manual", "Manual"),
        ],
        required=True,
        default="manual",
        tracking=True,
    )
    severity = fields.Selection(
        [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")],
        required=True,
        default="major",
        tracking=True,
    )
    state = fields.Selection(
        STATES, required=True, default="open", tracking=True, copy=False
    )
    user_id = fields.Many2one("res.users", string="Responsible", tracking=True)
    description = fields.Text()
    inspection_id = fields.Many2one(
        "mfg.quality.inspection", check_company=True, index=True
    )
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial",
        check_company=True,
        index=True,
        domain="[('product_id', '=', product_id)]",
    )
    quantity = fields.Float(digits="Product Unit of Measure", tracking=True)
    production_id = fields.Many2one(
        "mrp.production", string="Manufacturing Order", check_company=True
    )
    picking_id = fields.Many2one("stock.picking", string="Receipt", check_company=True)
    purchase_id = fields.Many2one(
        "purchase.order", string="Purchase Order", check_company=True
    )
    partner_id = fields.Many2one("res.partner", string="Vendor")
    equipment_id = fields.Many2one("maintenance.equipment", check_company=True)
    maintenance_request_id = fields.Many2one("maintenance.request", check_company=True)
    disposition_ids = fields.One2many("mfg.quality.disposition", "nonconformance_id")
    quantity_dispositioned = fields.Float(
        compute="_compute_quantities", store=True, digits="Product Unit of Measure"
    )
    quantity_remaining = fields.Float(
        compute="_compute_quantities", store=True, digits="Product Unit of Measure"
    )
    quarantine_picking_ids = fields.Many2many(
        "stock.picking",
        "mfg_quality_nonconformance_picking_rel",
        "nonconformance_id",
        "picking_id",
        string="Quarantine Transfers",
        readonly=True,
    )
    closed_date = fields.Datetime(readonly=True, copy=False)

    @api.depends("quantity", "disposition_ids.quantity")
    def _compute_quantities(self):
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for nc in self:
            done = nc.disposition_ids.mapped("quantity")
            nc.quantity_dispositioned = sum(done)
            nc.quantity_remaining = qb_quantities.remaining_to_disposition(
                nc.quantity, done, digits
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("mfg.quality.nonconformance")
                    or "/"
                )
        records = super().create(vals_list)
        for nc in records:
            nc._quality_emit_changed(previous_state=None)
        return records

    def write(self, vals):
        previous = {nc.id: nc.state for nc in self} if "state" in vals else {}
        res = super().write(vals)
        for nc in self:
            if previous and previous[nc.id] != nc.state:
                nc._quality_emit_changed(previous_state=previous[nc.id])
        return res

    # ------------------------------------------------------------------
    # Actions (UI)
    # ------------------------------------------------------------------
    def action_contain(self):
        """Contained by hand: when the NC names a lot and a quantity, that
        quantity moves to quarantine (validated transfer) and the lot is held."""
        for nc in self:
            if nc.lot_id and nc.quantity and not nc.quarantine_picking_ids:
                plan = nc.lot_id._quality_plan_quarantine(nc.quantity)
                origin = self.env._(
                    "Quarantine of %(lot)s (%(nc)s)", lot=nc.lot_id.name, nc=nc.name
                )
                transfers = nc.lot_id._quality_quarantine(plan, origin)
                nc.lot_id.mfg_quality_hold = True
                nc.quarantine_picking_ids = [Command.set(transfers.ids)]
            nc._quality_set_state("contained")
        return True

    def action_close(self):
        for nc in self:
            if nc.quantity_remaining:
                raise UserError(
                    self.env._(
                        "%(nc)s still has %(qty)s to disposition.",
                        nc=nc.name,
                        qty=nc.quantity_remaining,
                    )
                )
            nc._quality_set_state("closed")
        return True

    def action_reopen(self):
        for nc in self:
            nc._quality_set_state("open")
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _quality_set_state(self, state):
        self.ensure_one()
        with core_errors(record=self):
            qb_nc.check_transition(self.state, state)
        if self.state != state:
            self.write(
                {
                    "state": state,
                    "closed_date": fields.Datetime.now()
                    if state == "closed"
                    else False,
                }
            )

    def _quality_check_disposition(self, kind, quantity):
        """Refuse a disposition before anything moves."""
        self.ensure_one()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        with core_errors(record=self):
            qb_nc.check_accepts_disposition(self.state, self.name)
        with core_errors(record=self, subject=self.name):
            qb_quantities.check_disposition_quantity(
                self.quantity, self.disposition_ids.mapped("quantity"), quantity, digits
            )
        if kind not in qb_nc.DISPOSITIONS:
            raise MfgValidationError(
                self.env._("Unknown disposition %(kind)s.", kind=kind)
            )

    def _quality_record_disposition(
        self,
        kind,
        quantity,
        decided_by=None,
        decided_at=None,
        note=None,
        move_stock=True,
        picking=None,
        external_ref=None,
        connector=None,
    ):
        """Check, act on stock (release / scrap), record the decision and
        move the nonconformance on. Returns the disposition."""
        self.ensure_one()
        self._quality_check_disposition(kind, quantity)
        plan = []
        if move_stock and kind in ("release", "scrap"):
            if not self.lot_id:
                raise MfgValidationError(
                    self.env._(
                        "%(nc)s has no lot: nothing to take out of quarantine.",
                        nc=self.name,
                    ),
                    record=self,
                )
            try:
                plan = self.lot_id._quality_plan_release(quantity)
            except MfgValidationError as err:
                # the lot's refusal, said of this nonconformance
                raise MfgValidationError(
                    self.env._(
                        "%(nc)s: in quarantine, %(error)s", nc=self.name, error=str(err)
                    ),
                    record=self,
                ) from err
        vals = {
            "nonconformance_id": self.id,
            "disposition": kind,
            "quantity": quantity,
            "decided_by": decided_by or self.env.user.name,
            "decided_at": decided_at or fields.Datetime.now(),
            "note": note,
            "external_ref": external_ref,
            "connector_id": (connector or self.connector_id).id,
        }
        origin = self.env._("%(nc)s: %(kind)s", nc=self.name, kind=kind)
        if plan and kind == "release":
            picking = self.lot_id._quality_release(plan, origin)
        if plan and kind == "scrap":
            vals["scrap_ids"] = [Command.set(self._quality_scrap(plan, origin).ids)]
        if picking:
            vals["picking_ids"] = [Command.set(picking.ids)]
        disposition = self.env["mfg.quality.disposition"].create(vals)
        if kind == "rework":
            disposition.activity_user_id = self._quality_notify_planner(disposition)
        elif kind == "return_to_vendor":
            disposition.activity_user_id = self._quality_notify_procurement(
                self.env._(
                    "Return %(qty)s %(uom)s of lot %(lot)s to the vendor (%(nc)s)",
                    qty="%g" % quantity,
                    uom=self.product_uom_id.name,
                    lot=self.lot_id.name or "",
                    nc=self.name,
                ),
                disposition=disposition,
            )
        self._quality_set_state(qb_nc.state_after_disposition(self.quantity_remaining))
        self.lot_id._quality_update_hold(released=kind == "release")
        return disposition

    def _quality_scrap(self, plan, origin):
        scraps = self.env["stock.scrap"]
        for quant, qty in plan:
            scrap = scraps.create(
                {
                    "product_id": self.product_id.id,
                    "product_uom_id": self.product_id.uom_id.id,
                    "lot_id": self.lot_id.id,
                    "scrap_qty": qty,
                    "location_id": quant.location_id.id,
                    "origin": origin,
                    "company_id": self.company_id.id,
                }
            )
            if not scrap.check_available_qty():
                raise MfgValidationError(
                    self.env._(
                        "Not enough of lot %(lot)s in %(loc)s to scrap %(qty)s.",
                        lot=self.lot_id.name,
                        loc=quant.location_id.display_name,
                        qty=qty,
                    ),
                    record=self,
                )
            scrap.do_scrap()
            scraps |= scrap
        return scraps

    def _quality_planner(self):
        self.ensure_one()
        connector = self.connector_id
        return connector._mfg_responsible(
            record=self.production_id, role_user=connector.quality_planner_user_id
        )

    def _quality_procurement_user(self):
        self.ensure_one()
        connector = self.connector_id
        return connector._mfg_responsible(
            record=self.purchase_id, role_user=connector.quality_procurement_user_id
        )

    def _quality_link(self, record):
        return Markup('<a href="/odoo/%s/%s">%s</a>') % (
            record._name,
            record.id,
            record.display_name,
        )

    def _quality_notify_planner(self, disposition):
        """Rework: an activity for the planner on the MO (or on the NC)."""
        self.ensure_one()
        user = self._quality_planner()
        target = self.production_id or self
        note = Markup("<p>%s</p><p>%s</p>") % (
            self.env._(
                "Rework %(qty)s %(uom)s of lot %(lot)s; the goods wait in quarantine.",
                qty="%g" % disposition.quantity,
                uom=self.product_uom_id.name,
                lot=self.lot_id.name or "",
            ),
            self._quality_link(self),
        )
        self.env["mail.activity"]._mfg_schedule_todo(
            target, self.env._("Rework for %(nc)s", nc=self.name), user, note=note
        )
        return user

    def _quality_notify_procurement(self, summary, disposition=None):
        """Supplier problem: an activity for the buyer on the purchase order."""
        self.ensure_one()
        user = self._quality_procurement_user()
        # (as sudo: whoever records the decision, a planner or the QMS's technical
        # user, may not have access to purchase orders; the activity is for the buyer)
        target = self.purchase_id or self
        note = Markup("<p>%s</p><p>%s</p>") % (
            escape(summary),
            self._quality_link(self),
        )
        self.env["mail.activity"]._mfg_schedule_todo(target, summary, user, note=note)
        return user

    def _quality_open_maintenance_request(self, equipment, cause=None):
        self.ensure_one()
        request = self.env["maintenance.request"].create(
            {
                "name": self.env._(
                    "%(nc)s: %(product)s failed on %(equipment)s",
                    nc=self.name,
                    product=self.product_id.display_name,
                    equipment=equipment.display_name,
                ),
                "equipment_id": equipment.id,
                "maintenance_type": "corrective",
                "company_id": self.company_id.id,
                "description": Markup("<p>%s</p><p>%s</p>")
                % (cause or "", self._quality_link(self)),
                "mfg_nonconformance_id": self.id,
            }
        )
        self.maintenance_request_id = request
        return request

    def _quality_changed_payload(self, previous_state=None):
        self.ensure_one()
        connector = self.connector_id

        def ext(record):
            if not record:
                return None
            return (
                connector and connector._mfg_external_id(record)
            ) or record.display_name

        return qb_payloads.nonconformance_changed(
            self.name,
            self.state,
            self.source,
            self.severity,
            self.quantity,
            self.quantity_dispositioned,
            previous_state=previous_state,
            product=(connector and connector._mfg_external_id(self.product_id))
            or self.product_id.default_code
            or self.product_id.display_name,
            lot=self.lot_id.name or None,
            inspection_id=self.inspection_id.name or None,
            production=self.production_id.name or None,
            receipt=self.picking_id.name or None,
            purchase_order=self.purchase_id.name or None,
            vendor=self.partner_id.display_name or None,
            equipment=ext(self.equipment_id),
            dispositions=[d._quality_payload() for d in self.disposition_ids],
            changed_at=fields.Datetime.now().isoformat() + "Z",
        )

    def _quality_emit_changed(self, previous_state=None):
        self.ensure_one()
        code = qb_flows.FLOW_NONCONFORMANCE_CHANGED
        flows = self.env["mfg.flow"]._mfg_active_flows(code, company=self.company_id)
        for flow in flows:
            flow.connector_id._emit(
                code,
                self._quality_changed_payload(previous_state),
                record=self,
                ordering_key=self.name,
            )
