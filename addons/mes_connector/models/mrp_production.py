# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from odoo.addons.mfg_integration_base.exceptions import MfgValidationError

from ..core import flows as mes_flows
from ..core import payloads as mes_payloads

RELEASE_STATES = [
    ("not_released", "Not released"),
    ("released", "Released"),
    ("acknowledged", "Acknowledged"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("error", "Error"),
]
#: release states of an MO the MES knows about (changes are sent to it)
KNOWN_TO_MES = ("released", "acknowledged", "in_progress")
#: context key: no outbound message for writes made while applying MES events
SKIP_OUTBOUND = "mes_connector__skip_outbound"
RELEASE_EXCEPTION_KEY = "mes.order.released"


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    mes_release_state = fields.Selection(
        RELEASE_STATES,
        string="MES Status",
        default="not_released",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )
    mes_released_at = fields.Datetime(
        string="Released to MES on", copy=False, readonly=True
    )
    mes_on_hold = fields.Boolean(
        string="On Hold in MES",
        copy=False,
        tracking=True,
        help="The MES was told to hold it.",
    )
    mes_consumption_deviation = fields.Text(
        string="Consumption off plan",
        compute="_compute_mes_consumption_deviation",
        help="Components consumed more or less than planned for the quantity produced.",
    )
    mes_has_consumption_deviation = fields.Boolean(
        compute="_compute_mes_consumption_deviation"
    )

    @api.depends(
        "move_raw_ids.quantity",
        "move_raw_ids.picked",
        "move_raw_ids.product_uom_qty",
        "qty_producing",
        "product_qty",
    )
    def _compute_mes_consumption_deviation(self):
        for production in self:
            deviations = mes_payloads.consumption_deviations(
                production._mes_consumption_lines()
            )
            production.mes_has_consumption_deviation = bool(deviations)
            production.mes_consumption_deviation = "\n".join(
                self.env._(
                    "%(product)s: %(consumed)s consumed, %(expected)s planned "
                    "(%(kind)s)",
                    product=line["product"],
                    consumed=line["consumed"],
                    expected=line["expected"],
                    kind=self.env._("over")
                    if line["kind"] == "over"
                    else self.env._("under"),
                )
                for line in deviations
            )

    def _mes_consumption_lines(self):
        """Consumed vs planned per component move, scaled to the quantity produced."""
        self.ensure_one()
        lines = []
        if not self.product_qty:
            return lines
        ratio = (self.qty_producing or self.product_qty) / self.product_qty
        for move in self.move_raw_ids.filtered(
            lambda m: m.state != "cancel" and not m.scrapped
        ):
            if not move.picked:
                continue
            lines.append(
                {
                    "product": move.product_id.display_name,
                    "expected": float_round(
                        move.product_uom_qty * ratio,
                        precision_rounding=move.product_uom.rounding,
                    ),
                    "consumed": move.quantity,
                    "rounding": move.product_uom.rounding,
                }
            )
        return lines

    # ------------------------------------------------------------------ CRUD
    def write(self, vals):
        watched = set(mes_payloads.CHANGE_KINDS) & set(vals)
        if not watched or self.env.context.get(SKIP_OUTBOUND):
            return super().write(vals)
        to_watch = self.filtered(lambda p: p.mes_release_state in KNOWN_TO_MES)
        before = {production.id: production._mes_snapshot() for production in to_watch}
        res = super().write(vals)
        for production in to_watch:
            production._mes_send_changes(before[production.id])
        return res

    # --------------------------------------------------------------- actions
    def action_confirm(self):
        res = super().action_confirm()
        self._mes_auto_release("confirm")
        # components reserved during the confirmation itself (the MO was still
        # a draft when stock.move._action_assign ran)
        self._mes_auto_release("components_ready")
        return res

    def _action_cancel(self):
        to_watch = self.filtered(lambda p: p.mes_release_state in KNOWN_TO_MES)
        before = {production.id: production._mes_snapshot() for production in to_watch}
        res = super()._action_cancel()
        if not self.env.context.get(SKIP_OUTBOUND):
            for production in to_watch:
                production._mes_send_changes(before[production.id])
        return res

    def button_mark_done(self):
        res = super().button_mark_done()
        self.filtered(
            lambda p: p.state == "done" and p.mes_release_state != "not_released"
        ).mes_release_state = "done"
        return res

    def action_mes_release(self):
        """Release to MES button: send mes.order.released now, whatever the trigger."""
        for production in self:
            if production.state not in ("confirmed", "progress", "to_close"):
                raise UserError(
                    self.env._(
                        "Only a confirmed or started order can be released to the MES "
                        "(%(name)s is %(state)s).",
                        name=production.name,
                        state=production.state,
                    )
                )
            flows = production._mes_flows(mes_flows.ORDER_RELEASED)
            if not flows:
                raise UserError(
                    self.env._(
                        "No active MES connector has the flow mes.order.released."
                    )
                )
            production._mes_release(flows)
        return True

    def action_mes_hold(self):
        self._mes_check_known(self.env._("put on hold"))
        self.write({"mes_on_hold": True})
        return True

    def action_mes_unhold(self):
        self._mes_check_known(self.env._("released from hold"))
        self.write({"mes_on_hold": False})
        return True

    def _mes_check_known(self, what):
        for production in self:
            if production.mes_release_state not in KNOWN_TO_MES:
                raise UserError(
                    self.env._(
                        "%(name)s is not with the MES: it cannot be %(what)s there.",
                        name=production.name,
                        what=what,
                    )
                )

    # ------------------------------------------------------- outbound: release
    def _mes_flows(self, flow_code):
        self.ensure_one()
        return self.env["mfg.flow"]._mfg_active_flows(
            flow_code, company=self.company_id
        )

    def _mes_auto_release(self, trigger):
        """Release the MOs of ``self`` whose MES connector releases on ``trigger``.

        A release that cannot be built (a product without code...) does not block
        the business action that triggered it: the MO gets the error state and an
        exception activity for its planner.
        """
        for production in self:
            if production.mes_release_state not in ("not_released", "error"):
                continue
            if production.state not in ("confirmed", "progress", "to_close"):
                continue
            if (
                trigger == "components_ready"
                and production.reservation_state != "assigned"
            ):
                continue
            flows = production._mes_flows(mes_flows.ORDER_RELEASED).filtered(
                lambda f: f.connector_id.mes_release_trigger == trigger
            )
            if not flows:
                continue
            try:
                production._mes_release(flows)
            except MfgValidationError as error:
                production.mes_release_state = "error"
                production._mes_release_exception(str(error), flows[0])

    def _mes_release(self, flows):
        """Emit mes.order.released on each flow (outbox: same transaction)."""
        self.ensure_one()
        for flow in flows:
            # sudo: a planner confirming an MO writes the outbox message without
            # integration rights; the payload carries only what the MES needs.
            connector = flow.connector_id.sudo()
            payload = mes_payloads.build_order_released(
                self._mes_release_values(connector)
            )
            connector._emit(
                mes_flows.ORDER_RELEASED, payload, record=self, ordering_key=self.name
            )
        self.write(
            {"mes_release_state": "released", "mes_released_at": fields.Datetime.now()}
        )
        self.env["mail.activity"]._mfg_close_exception(self, key=RELEASE_EXCEPTION_KEY)

    def _mes_release_exception(self, error, flow):
        self.ensure_one()
        self.env["mail.activity"]._mfg_upsert_exception(
            self,
            key=RELEASE_EXCEPTION_KEY,
            summary=self.env._("Release to MES failed"),
            note=Markup("<p>%s</p>") % escape(error),
            user=flow.sudo()._mfg_responsible(record=self),
        )

    def _mes_product_values(self, connector, product):
        code = connector._mfg_external_id(product) or product.default_code
        if not code:
            raise MfgValidationError(
                self.env._(
                    "Product %(product)s has no internal reference nor MES id: the MES "
                    "cannot know it.",
                    product=product.display_name,
                ),
                record=self,
            )
        return {"code": code, "name": product.name}

    def _mes_release_values(self, connector):
        """Plain values of the MO for core.payloads.build_order_released."""
        self.ensure_one()
        components = []
        for move in self.move_raw_ids.filtered(
            lambda m: m.state != "cancel" and not m.scrapped
        ):
            lots = []
            for line in move.move_line_ids.filtered("lot_id"):
                lots.append(
                    {
                        "lot": line.lot_id.name,
                        "quantity": line.quantity,
                        "location": line.location_id.complete_name,
                    }
                )
            components.append(
                {
                    "product": self._mes_product_values(connector, move.product_id),
                    "quantity": move.product_uom_qty,
                    "uom": move.product_uom.name,
                    "operation_sequence": move.workorder_id.sequence
                    if move.workorder_id
                    else None,
                    "reserved_lots": lots,
                }
            )
        work_orders = []
        for workorder in self.workorder_ids.sorted(lambda w: (w.sequence, w.id)):
            work_orders.append(
                {
                    "sequence": workorder.sequence,
                    "operation": workorder.name,
                    "workcenter": workorder.workcenter_id.code
                    or workorder.workcenter_id.name,
                    "expected_duration_minutes": workorder.duration_expected,
                    "instructions": workorder.operation_id.note
                    and Markup(workorder.operation_id.note).striptags()
                    or None,
                }
            )
        return {
            "name": self.name,
            "company": self.company_id.name,
            "product": self._mes_product_values(connector, self.product_id),
            "tracking": self.product_id.tracking,
            "quantity": self.product_qty,
            "uom": self.product_uom_id.name,
            "date_start": self.date_start,
            "date_finished": self.date_finished,
            "date_deadline": self.date_deadline,
            "finished_lot": self.lot_producing_id.name,
            "origin": self.origin,
            "components": components,
            "work_orders": work_orders,
        }

    def _mfg_on_message_outcome(self, message, state):
        """The MES answered a release: acknowledged when it took it, error when
        it refused it or never answered (failed, dead)."""
        res = super()._mfg_on_message_outcome(message, state)
        if not (
            message.direction == "outbound"
            and message.flow_id.code == mes_flows.ORDER_RELEASED
        ):
            return res
        # sudo: the engine's bookkeeping, whoever processed the message
        production = self.sudo()
        if state == "done":
            production.filtered(
                lambda p: p.mes_release_state == "released"
            ).mes_release_state = "acknowledged"
        else:
            production.filtered(
                lambda p: p.mes_release_state in ("released", "acknowledged")
            ).mes_release_state = "error"
        return res

    # ------------------------------------------------------- outbound: changes
    def _mes_snapshot(self):
        self.ensure_one()
        return {
            "product_qty": self.product_qty,
            "date_start": self.date_start,
            "date_finished": self.date_finished,
            "state": self.state,
            "mes_on_hold": self.mes_on_hold,
        }

    def _mes_send_changes(self, before):
        """Emit mes.order.changed when a watched value changed since ``before``."""
        self.ensure_one()
        changes = mes_payloads.changes_between(before, self._mes_snapshot())
        if not changes:
            return
        values = {
            "name": self.name,
            "quantity": self.product_qty,
            "uom": self.product_uom_id.name,
            "date_start": self.date_start,
            "date_finished": self.date_finished,
            "state": self.state,
            "on_hold": self.mes_on_hold,
        }
        payload = mes_payloads.build_order_changed(values, changes)
        for flow in self._mes_flows(mes_flows.ORDER_CHANGED):
            # sudo: see _mes_release
            flow.connector_id.sudo()._emit(
                mes_flows.ORDER_CHANGED, payload, record=self, ordering_key=self.name
            )

    # ------------------------------------------------- inbound: status follow-up
    def _mes_mark_in_progress(self):
        self.filtered(
            lambda p: (
                p.mes_release_state
                in ("not_released", "released", "acknowledged", "error")
            )
        ).mes_release_state = "in_progress"
