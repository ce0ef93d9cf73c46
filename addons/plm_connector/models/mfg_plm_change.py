# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.mfg_integration_base.exceptions import MfgTransientError

from ..core import revision as revision_lib

_logger = logging.getLogger(__name__)

RELEASE_TYPES = [
    ("item", "Item release"),
    ("bom", "BOM release"),
    ("change", "Engineering change order"),
]
STATES = [
    ("received", "Received"),
    ("validated", "Validated"),
    ("to_approve", "To approve"),
    ("approved", "Approved"),
    ("applied", "Applied"),
    ("rejected", "Rejected"),
    ("superseded", "Superseded"),
]
PENDING_STATES = ("received", "validated", "to_approve", "approved")
DISPOSITIONS = [
    ("use_as_is", "Use as is"),
    ("rework", "Rework"),
    ("scrap", "Scrap"),
    ("return_to_supplier", "Return to supplier"),
]
PRIORITIES = [
    ("low", "Low"),
    ("normal", "Normal"),
    ("high", "High"),
    ("urgent", "Urgent"),
]


class MfgPlmChange(models.Model):
    _name = "mfg.plm.change"
    _description = "Engineering Change"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(
        required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    connector_id = fields.Many2one(
        "mfg.connector", required=True, ondelete="restrict", index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", related="connector_id.company_id", store=True, index=True
    )
    message_id = fields.Many2one(
        "mfg.sync.message",
        string="Sync message",
        ondelete="set null",
        readonly=True,
        copy=False,
    )
    release_type = fields.Selection(RELEASE_TYPES, required=True, readonly=True)
    change_number = fields.Char(index=True, readonly=True, tracking=True)
    part_number = fields.Char(index=True, readonly=True)
    revision = fields.Char(readonly=True, tracking=True)
    supersedes_revision = fields.Char(readonly=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", readonly=True, index=True
    )
    title = fields.Char(readonly=True)
    reason = fields.Text(readonly=True)
    priority = fields.Selection(PRIORITIES, readonly=True)
    effectivity_date = fields.Date(readonly=True, tracking=True, index=True)
    disposition_wip = fields.Selection(
        DISPOSITIONS, string="WIP disposition", readonly=True
    )
    disposition_stock = fields.Selection(
        DISPOSITIONS, string="Stock disposition", readonly=True
    )
    state = fields.Selection(
        STATES,
        default="received",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    payload = fields.Json(readonly=True, copy=False)
    payload_text = fields.Text(
        string="Canonical payload", compute="_compute_payload_text"
    )
    line_count = fields.Integer(string="BOM lines", readonly=True)
    problem_ids = fields.One2many("mfg.plm.change.problem", "change_id", readonly=True)
    problem_count = fields.Integer(compute="_compute_problem_count", store=True)
    diff_ids = fields.One2many(
        "mfg.plm.change.diff", "change_id", string="BOM differences", readonly=True
    )
    diff_summary = fields.Char(readonly=True)
    item_ids = fields.One2many(
        "mfg.plm.change.item", "change_id", string="Affected items", readonly=True
    )
    parent_id = fields.Many2one(
        "mfg.plm.change",
        string="Engineering change order",
        readonly=True,
        index="btree_not_null",
        help="The ECO (plm.change.released) with the same change number.",
    )
    child_ids = fields.One2many(
        "mfg.plm.change", "parent_id", string="Releases", readonly=True
    )
    previous_bom_id = fields.Many2one("mrp.bom", string="BOM in effect", readonly=True)
    bom_ids = fields.Many2many(
        "mrp.bom", string="BOMs created", readonly=True, copy=False
    )
    superseded_by_id = fields.Many2one("mfg.plm.change", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    applied_date = fields.Datetime(readonly=True, copy=False)

    def init(self):
        # One staged change per release: the same change number, part and
        # revision sent twice (even by two jobs at once) is staged once.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS mfg_plm_change_release_uniq
                ON mfg_plm_change (connector_id, release_type,
                                   COALESCE(change_number, ''),
                                   COALESCE(part_number, ''),
                                   COALESCE(revision, ''))
            """
        )

    @api.depends("payload")
    def _compute_payload_text(self):
        for change in self:
            change.payload_text = (
                json.dumps(change.payload, indent=2, ensure_ascii=False)
                if change.payload
                else False
            )

    @api.depends("problem_ids")
    def _compute_problem_count(self):
        for change in self:
            change.problem_count = len(change.problem_ids)

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = sequence.next_by_code("mfg.plm.change") or "/"
        return super().create(vals_list)

    # ----------------------------------------------------------------- intake
    # Handlers of the PLM flows (core/flows.py): one per release type.
    @api.model
    def _plm_receive_item(self, message, payload):
        return self._plm_receive(message, "item", payload)

    @api.model
    def _plm_receive_bom(self, message, payload):
        return self._plm_receive(message, "bom", payload)

    @api.model
    def _plm_receive_change(self, message, payload):
        return self._plm_receive(message, "change", payload)

    @api.model
    def _plm_receive(self, message, release_type, payload):
        """Stage a release brought by ``message``; return the change.

        Runs in the message's job as the connector's technical user. The
        change is the integration's own staging record (like the message,
        which the engine also writes with sudo): it is created with sudo; the
        products and BOMs it touches are written with the caller's rights.
        """
        connector = message.connector_id
        # Releases of one change number (and the ECO's apply) take turns:
        # whichever commits first, the other sees it (mfg_plm_change_link.py).
        self._plm_serialize_change_number(connector, payload.get("change_number"))
        existing = self._plm_find_duplicate(connector, release_type, payload)
        if existing:
            _logger.info(
                "PLM release %s %s rev %s already staged as %s: nothing to do",
                release_type,
                payload.get("change_number"),
                payload.get("revision"),
                existing.name,
            )
            return existing
        vals = self._plm_prepare_vals(connector, release_type, payload)
        vals["message_id"] = message.id
        try:
            with self.env.cr.savepoint():
                change = (
                    self.sudo().with_context(mail_create_nosubscribe=True).create(vals)
                )
                change.flush_recordset()
        except psycopg2.errors.UniqueViolation as err:
            # Another job staged the same release meanwhile: next attempt
            # finds it and does nothing.
            raise MfgTransientError(
                self.env._("The same release is being staged by another job.")
            ) from err
        change = change.with_env(self.env)
        # The ECO adopts the releases of its number that came before it.
        change._plm_link_releases()
        change._plm_process()
        return change

    @api.model
    def _plm_duplicate_domain(self, connector, release_type, payload):
        return [
            ("connector_id", "=", connector.id),
            ("release_type", "=", release_type),
            ("change_number", "=", payload.get("change_number") or False),
            ("part_number", "=", payload.get("part_number") or False),
            ("revision", "=", payload.get("revision") or False),
        ]

    @api.model
    def _plm_find_duplicate(self, connector, release_type, payload):
        """The same change number and revision of the same part, sent again."""
        return self.sudo().search(
            self._plm_duplicate_domain(connector, release_type, payload), limit=1
        )

    @api.model
    def _plm_prepare_vals(self, connector, release_type, payload):
        vals = {
            "connector_id": connector.id,
            "release_type": release_type,
            "change_number": payload.get("change_number") or False,
            "part_number": payload.get("part_number") or False,
            "revision": payload.get("revision") or False,
            "effectivity_date": (payload.get("effectivity_date") or "")[:10] or False,
            "payload": payload,
        }
        preparers = {
            "item": self._plm_prepare_item_vals,
            "bom": self._plm_prepare_bom_vals,
            "change": self._plm_prepare_eco_vals,
        }
        vals.update(preparers[release_type](payload))
        if vals["change_number"] and release_type != "change":
            vals["parent_id"] = (
                self.sudo()
                .search(
                    [
                        ("connector_id", "=", connector.id),
                        ("release_type", "=", "change"),
                        ("change_number", "=", vals["change_number"]),
                        ("state", "not in", ("rejected", "superseded")),
                    ],
                    order="id desc",
                    limit=1,
                )
                .id
            )
        return vals

    @api.model
    def _plm_prepare_item_vals(self, payload):
        return {"title": payload.get("name")}

    @api.model
    def _plm_prepare_bom_vals(self, payload):
        lines = len(payload.get("lines") or ())
        lines += sum(
            len(sub.get("lines") or ()) for sub in payload.get("subassemblies") or ()
        )
        return {
            "title": self.env._(
                "BOM of %(part)s, revision %(rev)s",
                part=payload["part_number"],
                rev=payload["revision"],
            ),
            "supersedes_revision": payload.get("supersedes_revision"),
            "line_count": lines,
        }

    @api.model
    def _plm_prepare_eco_vals(self, payload):
        disposition = payload.get("disposition") or {}
        return {
            "title": payload.get("title"),
            "reason": payload.get("reason"),
            "priority": payload.get("priority") or "normal",
            "disposition_wip": disposition.get("wip"),
            "disposition_stock": disposition.get("stock"),
            "item_ids": [
                fields.Command.create(
                    {
                        "part_number": item["part_number"],
                        "from_revision": item.get("from_revision"),
                        "to_revision": item["to_revision"],
                    }
                )
                for item in payload.get("affected_items") or ()
            ],
        }

    def _plm_process(self):
        """received → (superseded) | validated → to_approve | approved → applied."""
        self.ensure_one()
        if self._plm_supersede_if_older():
            return
        if not self._plm_validate():
            return
        self._plm_submit()
        if self.state == "approved" and self._plm_is_due():
            # Validated a moment ago in this transaction: no need to do it twice.
            self._plm_try_apply(revalidate=False)

    # --------------------------------------------------------- state changes
    def _plm_submit(self):
        """validated → approved (connector auto-approves, or the ECO is approved)
        or to_approve, with a to-do for the responsible."""
        self.ensure_one()
        if self.connector_id.plm_auto_approve:
            self._plm_approve(self.env._("Approved automatically (connector setting)."))
        elif self.parent_id.state in ("approved", "applied"):
            self._plm_approve(
                self.env._(
                    "Approved with engineering change order %s.", self.parent_id.name
                )
            )
        else:
            self.sudo().state = "to_approve"
            self.env["mail.activity"]._mfg_schedule_todo(
                self,
                self.env._("Approve engineering change %s", self.name),
                self._plm_responsible(),
            )

    def _plm_approve(self, note=None):
        self.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        if note:
            self._mfg_note(note)
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        if self.release_type == "change":
            self._plm_approve_waiting_releases()

    def _plm_check_approver(self):
        if not self.env.user.has_group("plm_connector.plm_connector_group_approver"):
            raise UserError(self.env._("Only an Engineering Approver can do this."))

    def action_validate(self):
        """Validate again (after the master data was fixed) and submit."""
        for change in self:
            if change.state not in ("received", "validated"):
                raise UserError(
                    self.env._("Change %s is past validation.", change.name)
                )
            if change._plm_supersede_if_older():
                continue
            if change._plm_validate():
                change._plm_submit()
        return True

    def action_approve(self):
        self._plm_check_approver()
        for change in self:
            if change.state != "to_approve":
                raise UserError(
                    self.env._("Change %s is not waiting for approval.", change.name)
                )
            # An ECO adopts any release of its number still unlinked first.
            change._plm_link_releases()
            change._plm_approve()
        return True

    def action_reject(self):
        self._plm_check_approver()
        for change in self:
            if change.state not in ("received", "validated", "to_approve", "approved"):
                raise UserError(
                    self.env._("Change %s can no longer be rejected.", change.name)
                )
            change.sudo().state = "rejected"
            if change.release_type == "change":
                # Rejecting an ECO rejects its releases still waiting.
                change.child_ids.filtered(
                    lambda c: c.state in PENDING_STATES
                ).action_reject()
            change.sudo().activity_unlink(["mail.mail_activity_data_todo"])
            self.env["mail.activity"]._mfg_close_exception(
                change.sudo(), change._plm_exception_key()
            )
        return True

    def action_apply(self):
        """Button: apply an approved change whose effectivity date has come."""
        self._plm_check_approver()
        failures = []
        for change in self:
            if change.state != "approved":
                raise UserError(self.env._("Change %s is not approved.", change.name))
            if not change._plm_is_due():
                raise UserError(
                    self.env._(
                        "Change %(name)s takes effect on %(date)s: "
                        "the scheduled action "
                        "applies it then, the BOM in effect stays until that day.",
                        name=change.name,
                        date=change._plm_effective_from(),
                    )
                )
            if not change._plm_try_apply():
                failures.append(change)
        if failures:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Not applied"),
                    "message": "\n".join(p.message for p in failures[0].problem_ids)
                    or self.env._(
                        "Another job is changing %s at this moment: try again.",
                        failures[0].name,
                    ),
                    "type": "danger",
                    "sticky": True,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return True

    def _plm_try_apply(self, revalidate=True):
        """Apply in a savepoint: on failure nothing of it stays, the error is
        written on the change with an activity, and False is returned."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._plm_apply(revalidate=revalidate)
        except MfgTransientError:
            # A job stages a release of the same change number right now:
            # nothing is wrong with the change, the next run applies it.
            return False
        except (UserError, ValidationError) as err:
            self._plm_record_apply_error(err)
            return False
        return True

    def _plm_record_apply_error(self, err):
        text = err.args[0] if err.args else str(err)
        found = getattr(err, "details", None) or [
            {"code": "apply_error", "reference": self.part_number, "message": text}
        ]
        self._plm_write_problems(found)
        problems = self.problem_ids
        self._mfg_note(self.env._("Not applied: %s", text))
        self.env["mail.activity"]._mfg_upsert_exception(
            self.sudo(),
            self._plm_exception_key(),
            self.env._("Engineering change %s could not be applied", self.name),
            self._plm_problems_html(problems.mapped("message")),
            self._plm_responsible(),
        )

    @api.model
    def _cron_apply_due(self, limit=50):
        """Apply approved changes whose effectivity date has come."""
        today = fields.Date.context_today(self)
        due = self.search(
            [
                ("state", "=", "approved"),
                "|",
                ("effectivity_date", "=", False),
                ("effectivity_date", "<=", today),
            ],
            order="effectivity_date, id",
            limit=limit,
        )
        # An ECO waits for the effectivity of its releases (all or nothing).
        due = due.filtered(lambda change: change._plm_is_due(today))
        for change in due:
            change._plm_try_apply()
        return due

    # -------------------------------------------------------------- helpers
    def _plm_responsible(self, record=None):
        """Who gets this change's exceptions and to-dos (about ``record``, an
        open MO, when given): mfg.connector._mfg_responsible."""
        return self.connector_id._mfg_responsible(
            self.message_id.flow_id, record=record
        )

    def _plm_problems_html(self, messages):
        items = Markup().join(Markup("<li>%s</li>") % message for message in messages)
        return Markup("<ul>%s</ul>") % items

    def _plm_exception_key(self):
        return f"plm.change:{self.name}"

    def _plm_is_due(self, today=None):
        """Its effectivity date has come; an ECO's, and its pending releases'
        too (it is applied with all of them)."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        return self._plm_effective_from() <= today

    def _plm_effective_from(self):
        """The first day this change can be applied (an ECO: when all its
        pending releases can be applied too)."""
        self.ensure_one()
        dates = [self.effectivity_date or fields.Date.to_date("1970-01-01")]
        if self.release_type == "change":
            dates += [
                release.effectivity_date
                for release in self._plm_pending_releases()
                if release.effectivity_date
            ]
        return max(dates)

    def _plm_current_revision(self):
        """Revision in effect in Odoo for this change's part (False if none)."""
        self.ensure_one()
        template = self.product_tmpl_id or self._plm_resolve_parts(
            [self.part_number]
        ).get(self.part_number)
        return template.plm_revision if template else False

    def _plm_supersede_if_older(self, by=None):
        """A release older than the revision in effect is superseded, never applied."""
        self.ensure_one()
        if self.release_type == "change" or not self.revision:
            return False
        current = self._plm_current_revision()
        if not revision_lib.is_older(self.revision, current):
            return False
        self._plm_mark_superseded(
            self.env._(
                "Revision %(rev)s of %(part)s is older than revision %(current)s "
                "in effect "
                "in Odoo: superseded, not applied.",
                rev=self.revision,
                part=self.part_number,
                current=current,
            ),
            by=by,
        )
        return True

    def _plm_mark_superseded(self, reason, by=None):
        self.sudo().write(
            {"state": "superseded", "superseded_by_id": by.id if by else False}
        )
        self._mfg_note(reason)
        self.env["mail.activity"]._mfg_close_exception(
            self.sudo(), self._plm_exception_key()
        )
