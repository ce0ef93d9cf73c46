# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.mfg_integration_base.exceptions import core_errors

from ..core import rules as schedule_rules
from ..core import schedule as schedule_lib
from ..core import snapshot as snapshot_lib

ACTIVITY_KEY = "scheduler.schedule.refused"

STATE_SELECTION = [
    ("applied", "Applied"),
    ("partial", "Partly applied"),
    ("refused", "Refused"),
    ("superseded", "Superseded"),
    ("empty", "Empty"),
]


class MfgSchedulerSchedule(models.Model):
    _name = "mfg.scheduler.schedule"
    _description = "Published Schedule"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(string="Schedule ID", required=True, readonly=True, index=True)
    version = fields.Integer(required=True, readonly=True)
    generated_at = fields.Datetime(required=True, readonly=True)
    connector_id = fields.Many2one(
        "mfg.connector", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="connector_id.company_id", store=True, index=True, readonly=True
    )
    message_id = fields.Many2one("mfg.sync.message", readonly=True, ondelete="set null")
    state = fields.Selection(STATE_SELECTION, readonly=True, index=True, tracking=True)
    note = fields.Char(readonly=True)
    line_ids = fields.One2many(
        "mfg.scheduler.schedule.line", "schedule_id", readonly=True
    )
    line_count = fields.Integer(readonly=True)
    applied_count = fields.Integer(readonly=True)
    unchanged_count = fields.Integer(readonly=True)
    ignored_count = fields.Integer(readonly=True)
    refused_count = fields.Integer(readonly=True)

    @api.depends("name", "version")
    def _compute_display_name(self):
        for schedule in self:
            schedule.display_name = f"{schedule.name} v{schedule.version}"

    # ------------------------------------------------------------- actions
    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "scheduler_connector.mfg_scheduler_schedule_line_action"
        )
        action["domain"] = [("schedule_id", "=", self.id)]
        action["context"] = {"search_default_refused": 1} if self.refused_count else {}
        return action

    # ------------------------------------------------------------ business
    @api.model
    def _scheduler_receive_published(self, message, payload):
        """Handler of scheduler.schedule.published (core/flows.py): store the
        schedule and apply the lines its rules allow. Refused lines are
        outcomes on the schedule and activities for the planners, not a failed
        message (the applied lines must stay applied); an unreadable header
        fails the message."""
        connector = message.connector_id
        with core_errors(subject=self.env._("Unreadable schedule")):
            header, assignments = schedule_lib.parse_schedule(payload)
        # One schedule id of one connector at a time: the version check below
        # must see the versions applied by a concurrent job.
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [connector.id, header.schedule_id],
        )
        latest = self._scheduler_latest_version(connector, header.schedule_id)
        superseded = schedule_rules.is_superseded(header.version, latest)
        # Runs as the connector's technical user: its ACL (Integration
        # Technical User + MRP User) covers schedules, work orders and MOs.
        schedule = self.create(
            {
                "name": header.schedule_id,
                "version": header.version,
                "generated_at": header.generated_at,
                "connector_id": connector.id,
                "message_id": message.id,
                "note": self.env._(
                    "Version %(version)s is not newer than version %(latest)s, "
                    "already received: applied to nothing.",
                    version=header.version,
                    latest=latest,
                )
                if superseded
                else False,
            }
        )
        if superseded:
            decisions = [
                schedule_rules.Decision(schedule_rules.SUPERSEDED, {"latest": latest})
                for _a in assignments
            ]
            lines_vals = schedule._scheduler_lines_vals(assignments, decisions, {})
        else:
            lines_vals = schedule._scheduler_apply(assignments)
        lines = self.env["mfg.scheduler.schedule.line"].create(lines_vals)
        counts = {"applied": 0, "unchanged": 0, "ignored": 0, "refused": 0}
        for vals in lines_vals:
            counts[vals["outcome_kind"]] += 1
        schedule.write(
            {
                "state": schedule_rules.schedule_state(counts, superseded=superseded),
                "line_count": len(lines_vals),
                "applied_count": counts["applied"],
                "unchanged_count": counts["unchanged"],
                "ignored_count": counts["ignored"],
                "refused_count": counts["refused"],
            }
        )
        if not superseded:
            schedule._scheduler_notify_planners(lines)
        return schedule

    @api.model
    def _scheduler_latest_version(self, connector, schedule_ref):
        """Highest version of ``schedule_ref`` this connector has applied."""
        self.flush_model(["connector_id", "name", "version", "state"])
        self.env.cr.execute(
            """
            SELECT max(version) FROM mfg_scheduler_schedule
             WHERE connector_id = %s AND name = %s
               AND (state IS NULL OR state != 'superseded')
            """,
            [connector.id, schedule_ref],
        )
        return self.env.cr.fetchone()[0]

    def _scheduler_apply(self, assignments):
        """Decide every line before writing anything, then write. -> lines vals"""
        self.ensure_one()
        connector = self.connector_id
        states, targets = self._scheduler_load_states(assignments)
        decisions = schedule_rules.evaluate(
            assignments,
            states,
            generated_at=self.generated_at,
            now=fields.Datetime.now(),
            frozen_hours=connector.scheduler_frozen_hours,
        )
        productions = self.env["mrp.production"]
        workorder_model = self.env["mrp.workorder"].with_context(
            bypass_duration_calculation=True,
            scheduler_connector_applying=True,
        )
        for assignment, decision in zip(assignments, decisions, strict=True):
            if decision.outcome != schedule_rules.APPLIED:
                continue
            workorder, allowed = targets[(assignment.mo, assignment.workorder)]
            vals = {"date_start": assignment.start, "date_finished": assignment.end}
            workcenter = allowed[decision.params["workcenter"]]
            if workcenter != workorder.workcenter_id:
                vals["workcenter_id"] = workcenter.id
            workorder_model.browse(workorder.id).write(vals)
            productions |= workorder.production_id
        productions._scheduler_follow_workorders()
        return self._scheduler_lines_vals(assignments, decisions, targets)

    def _scheduler_load_states(self, assignments):
        """Read the work orders the assignments name, resolved by MO name
        (within the connector's company) and work order reference within the
        MO; never by an Odoo id from the payload.

        -> ({(mo, ref): WorkorderState}, {(mo, ref): (workorder, {code: wc})})
        """
        names = list({a.mo for a in assignments if a.mo})
        productions = self.env["mrp.production"].search(
            [("name", "in", names), ("company_id", "=", self.company_id.id)]
        )
        states, targets = {}, {}
        for production in productions:
            workorders = production.workorder_ids.sorted(lambda w: (w.sequence, w.id))
            refs = snapshot_lib.workorder_refs((w.id, w.name) for w in workorders)
            for workorder in workorders:
                own = workorder.workcenter_id
                allowed = {
                    wc._scheduler_key(): wc
                    for wc in own | own.alternative_workcenter_ids
                }
                key = (production.name, refs[workorder.id])
                targets[key] = (workorder, allowed)
                states[key] = schedule_rules.WorkorderState(
                    key=workorder.id,
                    state=workorder.state,
                    production_state=production.state,
                    started=workorder._scheduler_is_started(),
                    date_start=workorder.date_start,
                    date_finished=workorder.date_finished,
                    workcenter=own._scheduler_key(),
                    allowed_workcenters=frozenset(allowed),
                    write_date=workorder.write_date,
                    production_write_date=production.write_date,
                    production_date_start=production.date_start,
                )
        return states, targets

    def _scheduler_lines_vals(self, assignments, decisions, targets):
        self.ensure_one()
        result = []
        for assignment, decision in zip(assignments, decisions, strict=True):
            workorder, allowed = targets.get(
                (assignment.mo, assignment.workorder), (None, {})
            )
            workcenter = allowed.get(assignment.workcenter or "") or (
                workorder.workcenter_id if workorder else None
            )
            result.append(
                {
                    "schedule_id": self.id,
                    "line_index": assignment.index,
                    "mo_ref": assignment.mo,
                    "workorder_ref": assignment.workorder,
                    "workcenter_code": assignment.workcenter,
                    "date_start": assignment.start,
                    "date_finished": assignment.end,
                    "scheduler_sequence": assignment.sequence or 0,
                    "production_id": workorder.production_id.id if workorder else False,
                    "workorder_id": workorder.id if workorder else False,
                    "workcenter_id": workcenter.id if workcenter else False,
                    "outcome": decision.outcome,
                    "outcome_kind": decision.kind,
                    "reason": self._scheduler_reason(decision),
                }
            )
        return result

    def _scheduler_reason(self, decision):
        """A sentence a planner reads on the line and in the activity."""
        p = decision.params
        texts = {
            schedule_rules.APPLIED: lambda: self.env._(
                "Planned on %(wc)s.", wc=p.get("workcenter")
            ),
            schedule_rules.UNCHANGED: lambda: self.env._(
                "Already planned so: nothing to change."
            ),
            schedule_rules.IGNORED_CLOSED: lambda: self.env._(
                "Done or cancelled (%(state)s): ignored.", state=p.get("state")
            ),
            schedule_rules.SUPERSEDED: lambda: self.env._(
                "Older than version %(latest)s, already received: ignored.",
                latest=p.get("latest"),
            ),
            schedule_rules.REFUSED_STARTED: lambda: self.env._(
                "Work has started (%(state)s): it is never moved.", state=p.get("state")
            ),
            schedule_rules.REFUSED_FROZEN: lambda: self.env._(
                "Inside the frozen window (until %(until)s): "
                "planned start %(current)s, asked %(start)s.",
                until=p.get("frozen_until"),
                current=p.get("current_start") or "-",
                start=p.get("start"),
            ),
            schedule_rules.REFUSED_STALE: lambda: self.env._(
                "Changed in Odoo at %(changed)s, after the schedule was generated "
                "(%(generated)s).",
                changed=p.get("changed_at"),
                generated=p.get("generated_at"),
            ),
            schedule_rules.REFUSED_WORKCENTER: lambda: self.env._(
                "Work center %(wc)s is neither the work order's own nor one of its "
                "alternatives (%(allowed)s).",
                wc=p.get("workcenter"),
                allowed=p.get("allowed"),
            ),
            schedule_rules.REFUSED_DATES: lambda: self.env._(
                "End %(end)s is before start %(start)s (or a date is unreadable).",
                end=p.get("end") or "?",
                start=p.get("start") or "?",
            ),
            schedule_rules.REFUSED_UNKNOWN: lambda: self.env._(
                "Unknown manufacturing order %(mo)s or work order %(wo)s in it.",
                mo=p.get("mo"),
                wo=p.get("workorder"),
            ),
            schedule_rules.REFUSED_DUPLICATE: lambda: self.env._(
                "Work order %(wo)s of %(mo)s is assigned twice: "
                "only the first line counts.",
                mo=p.get("mo"),
                wo=p.get("workorder"),
            ),
        }
        return texts[decision.outcome]()

    def _scheduler_planner(self, production):
        """The MO's responsible, else the flow's / connector's responsible."""
        self.ensure_one()
        return self.connector_id._mfg_responsible(
            self.message_id.flow_id, record=production
        )

    def _scheduler_notify_planners(self, lines):
        """One activity per MO with refused lines, for its planner; one on the
        schedule for the lines naming no known MO. MOs of this schedule with no
        refusal get their open activity closed."""
        self.ensure_one()
        activity_model = self.env["mail.activity"]
        refused = lines.filtered(lambda line: line.outcome_kind == "refused")
        by_production = {}
        for line in refused:
            by_production.setdefault(line.production_id, self.env[line._name])
            by_production[line.production_id] |= line
        for production, prod_lines in by_production.items():
            record = production or self
            summary = self.env._(
                "Schedule %(name)s v%(version)s: %(count)s line(s) refused",
                name=self.name,
                version=self.version,
                count=len(prod_lines),
            )
            activity_model._mfg_upsert_exception(
                record,
                key=ACTIVITY_KEY,
                summary=summary,
                note=prod_lines._scheduler_note_html(),
                user=self._scheduler_planner(production),
            )
        clean = (lines.production_id - refused.production_id).filtered("id")
        if clean:
            exception_type = self.env.ref(
                "mfg_integration_base.mail_activity_type_integration_exception",
                raise_if_not_found=False,
            )
            domain = [("res_model", "=", "mrp.production"), ("res_id", "in", clean.ids)]
            if exception_type:
                domain.append(("activity_type_id", "=", exception_type.id))
            open_ids = set(activity_model.search(domain).mapped("res_id"))
            for production in clean.filtered(lambda p: p.id in open_ids):
                activity_model._mfg_close_exception(production, key=ACTIVITY_KEY)
