# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import float_compare

from ..core import flows as scheduler_flows
from ..core import rules as schedule_rules
from ..core import snapshot as snapshot_lib

SNAPSHOT_STATES = ("confirmed", "progress")


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    scheduler_line_count = fields.Integer(
        string="Schedule lines", compute="_compute_scheduler_line_count"
    )

    def _compute_scheduler_line_count(self):
        data = self.env["mfg.scheduler.schedule.line"]._read_group(
            [("production_id", "in", self.ids)], ["production_id"], ["__count"]
        )
        counts = {production.id: count for production, count in data}
        for production in self:
            production.scheduler_line_count = counts.get(production.id, 0)

    def action_scheduler_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "scheduler_connector.mfg_scheduler_schedule_line_action"
        )
        action["domain"] = [("production_id", "=", self.id)]
        return action

    # --------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        productions = super().create(vals_list)
        productions._scheduler_emit_order_changed("created")
        return productions

    def write(self, vals):
        watched = "product_qty" in vals or "date_deadline" in vals
        previous = (
            {p.id: (p.product_qty, p.date_deadline) for p in self} if watched else {}
        )
        res = super().write(vals)
        if watched:
            self._scheduler_emit_changes(previous)
        return res

    # ------------------------------------------------------------ actions
    def action_confirm(self):
        drafts = self.filtered(lambda p: p.state == "draft")
        res = super().action_confirm()
        drafts.filtered(lambda p: p.state != "draft")._scheduler_emit_order_changed(
            "confirmed"
        )
        return res

    def _action_cancel(self):
        open_productions = self.filtered(lambda p: p.state != "cancel")
        res = super()._action_cancel()
        open_productions.filtered(
            lambda p: p.state == "cancel"
        )._scheduler_emit_order_changed("cancelled")
        return res

    # ----------------------------------------------------- schedule apply
    def _scheduler_follow_workorders(self):
        """The MO's planned dates follow its work orders: first start, last end
        (cancelled work orders left out). Written only when they differ."""
        for production in self:
            start, end = schedule_rules.production_dates(
                (w.date_start, w.date_finished)
                for w in production.workorder_ids
                if w.state != "cancel"
            )
            vals = {}
            if start and start != production.date_start:
                vals["date_start"] = start
            if end and end != production.date_finished:
                vals["date_finished"] = end
            if vals:
                # force_date: keep the work orders planned (mrp unplans them otherwise)
                production.with_context(force_date=True).write(vals)

    # ----------------------------------------------------------- snapshot
    @api.model
    def _scheduler_snapshot_domain(self, company, horizon_end):
        return [
            ("state", "in", SNAPSHOT_STATES),
            ("company_id", "=", company.id),
            ("date_start", "<=", horizon_end),
        ]

    def _scheduler_snapshot_vals(self, now, frozen_hours):
        """Snapshot entries of these MOs (orders to plan)."""
        raw_moves = self.move_raw_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
        )
        # compute the stock forecast of all components at once, as mrp does
        raw_moves._fields["forecast_availability"].compute_value(raw_moves)
        result = []
        for production in self:
            components = []
            readiness = []
            for move in production.move_raw_ids:
                if move.state in ("done", "cancel"):
                    continue
                available, date = snapshot_lib.component_readiness(
                    move.product_qty,
                    move.forecast_availability,
                    move.forecast_expected_date,
                    now,
                )
                readiness.append((available, date))
                components.append(
                    {
                        "product": production._scheduler_product_vals(move.product_id),
                        "quantity": move.product_uom_qty,
                        "uom": move.product_uom.name,
                        "available": available,
                        "availability_date": schedule_rules.format_datetime(date),
                    }
                )
            material_state, ready_date = snapshot_lib.material_readiness(readiness, now)
            work_orders = production.workorder_ids._scheduler_snapshot_vals(
                now, frozen_hours
            )
            open_starts = [
                schedule_rules.frozen_start(w.date_start, production.date_start)
                for w in production.workorder_ids
                if w.state not in schedule_rules.CLOSED_STATES
            ]
            frozen = snapshot_lib.order_frozen(
                open_starts if production.workorder_ids else [production.date_start],
                now,
                frozen_hours,
            ) or any(w["started"] for w in work_orders)
            result.append(
                {
                    "mo": production.name,
                    "product": production._scheduler_product_vals(
                        production.product_id
                    ),
                    "quantity": production.product_qty,
                    "uom": production.product_uom_id.name,
                    "state": production.state,
                    "priority": production.priority or "0",
                    "deadline": schedule_rules.format_datetime(
                        production.date_deadline
                    ),
                    "planned_start": schedule_rules.format_datetime(
                        production.date_start
                    ),
                    "planned_end": schedule_rules.format_datetime(
                        production.date_finished
                    ),
                    "frozen": bool(frozen),
                    "material": {
                        "state": material_state,
                        "ready_date": schedule_rules.format_datetime(ready_date),
                        "components": components,
                    },
                    "work_orders": work_orders,
                }
            )
        return result

    @api.model
    def _scheduler_product_vals(self, product):
        return {
            "code": product.default_code or product.display_name,
            "name": product.name or "",
        }

    # ------------------------------------------------------ order.changed
    def _scheduler_emit_changes(self, previous):
        for production in self:
            old_qty, old_deadline = previous.get(production.id, (None, None))
            if old_qty is not None and float_compare(
                old_qty,
                production.product_qty,
                precision_rounding=production.product_uom_id.rounding or 0.001,
            ):
                production._scheduler_emit_order_changed(
                    "quantity_changed", previous={"quantity": old_qty}
                )
            if old_deadline != production.date_deadline:
                production._scheduler_emit_order_changed(
                    "deadline_changed",
                    previous={"deadline": schedule_rules.format_datetime(old_deadline)},
                )

    def _scheduler_emit_order_changed(self, event, previous=None):
        """Outbox one ``scheduler.order.changed`` per MO and active flow of its
        company. Ordered per MO (ordering key = MO name)."""
        if not self or self.env.context.get("scheduler_connector_skip_events"):
            return
        flow_model = self.env["mfg.flow"]
        flows_by_company = {}
        for production in self:
            company = production.company_id
            if company not in flows_by_company:
                flows_by_company[company] = flow_model._mfg_active_flows(
                    scheduler_flows.FLOW_ORDER_CHANGED, company=company
                )
            flows = flows_by_company[company]
            if not flows:
                continue
            payload = production._scheduler_order_changed_payload(event, previous)
            for flow in flows:
                flow.connector_id._emit(
                    scheduler_flows.FLOW_ORDER_CHANGED,
                    payload,
                    record=production,
                    ordering_key=production.name,
                )

    def _scheduler_order_changed_payload(self, event, previous=None):
        self.ensure_one()
        payload = {
            "event": event,
            "mo": self.name,
            "state": self.state,
            "product": self._scheduler_product_vals(self.product_id),
            "quantity": self.product_qty,
            "uom": self.product_uom_id.name,
            "priority": self.priority or "0",
            "deadline": schedule_rules.format_datetime(self.date_deadline),
            "planned_start": schedule_rules.format_datetime(self.date_start),
            "planned_end": schedule_rules.format_datetime(self.date_finished),
            "changed_at": schedule_rules.format_datetime(fields.Datetime.now()),
        }
        if previous:
            payload["previous"] = previous
        return payload
