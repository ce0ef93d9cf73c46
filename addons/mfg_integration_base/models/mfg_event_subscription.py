# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound event subscriptions: an event of any business model, written in the
outbox in the transaction of the change, delivered by the engine.

How events are caught: ``models/base.py`` overrides create/write/unlink and the
recomputation of stored fields once for every model (``_inherit = "base"``) and
asks :meth:`_mfg_index` (an ormcache, one dict lookup) whether the model has a
subscription. No method is patched at run time and nothing a user types is
executed: a subscription holds a literal domain, field names and values only.
"""

from collections import namedtuple

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..core import record_paths

TRIGGERS = [
    ("create", "Created"),
    ("write", "Updated"),
    ("state", "Reaches a value"),
    ("unlink", "Deleted"),
]
EVENT_FLOW = "generic.event"
# What the hooks need of one subscription, without reading a record.
Entry = namedtuple("Entry", "id trigger watched field value")
PENDING_EVENTS = "mfg.event.subscription.pending"
# Changing one of these changes what is sent: the one who does it becomes owner.
OWNED_FIELDS = {
    "flow_id",
    "model_id",
    "trigger",
    "filter_domain",
    "watched_field_ids",
    "state_field_id",
    "state_value",
    "field_paths",
    "ordering_key_path",
    "external_id_field_id",
}


class MfgEventSubscription(models.Model):
    _name = "mfg.event.subscription"
    # A change clears _mfg_index (an ormcache).
    _inherit = ["mfg.registry.cache.mixin"]
    _description = "Integration Event Subscription"
    _order = "model_name, sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    flow_id = fields.Many2one(
        "mfg.flow",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("code", "=", EVENT_FLOW)],
        help="The connector's 'Generic: business event' flow: its mapping rows "
        "apply to the payload, and its endpoint receives the events.",
    )
    connector_id = fields.Many2one(related="flow_id.connector_id", store=True)
    company_id = fields.Many2one(related="flow_id.company_id", store=True, index=True)
    model_id = fields.Many2one("ir.model", required=True, ondelete="cascade")
    model_name = fields.Char(
        related="model_id.model", string="Model name", store=True, index=True
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="state")
    filter_domain = fields.Char(
        string="Only records matching",
        default="[]",
        help="A domain on the model, e.g. [('picking_type_code', '=', 'incoming')]. "
        "Literal values only.",
    )
    watched_field_ids = fields.Many2many(
        "ir.model.fields",
        "mfg_event_subscription_watched_rel",
        "subscription_id",
        "field_id",
        string="Watched fields",
        domain="[('model_id', '=', model_id), ('store', '=', True)]",
        help="Updated: an event only when one of them changes (empty: any field).",
    )
    state_field_id = fields.Many2one(
        "ir.model.fields",
        string="Field",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('store', '=', True), "
        "('ttype', 'in', ('selection', 'char', 'boolean', 'integer'))]",
    )
    state_value = fields.Char(
        string="Value", help="Reaches a value: e.g. done, purchase, posted."
    )
    field_paths = fields.Text(
        string="Fields to send",
        help="One field path per line, e.g. name, partner_id.name, "
        "move_ids.product_id.default_code. The record's id is always sent.",
    )
    ordering_key_path = fields.Char(
        string="Ordering key",
        help="Field path whose value orders events (e.g. partner_id); empty: the "
        "record itself. Events of one key are delivered one at a time, in order.",
    )
    external_id_field_id = fields.Many2one(
        "ir.model.fields",
        string="Bind as external id",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('store', '=', True), "
        "('ttype', '=', 'char')]",
        help="Bind each sent record in this connector to this field's value (e.g. "
        "the picking's reference), so that the system's answers through the "
        "generic upsert find it.",
    )
    event_code = fields.Char(
        compute="_compute_event_code",
        store=True,
        readonly=False,
        help="Sent as 'event' in the payload, e.g. stock.picking.done.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Configured by",
        readonly=True,
        default=lambda self: self.env.user,
        help="Who last configured it: the fields sent are those this person may "
        "read, and only records of the connector's company that they may see.",
    )

    @api.depends("model_id", "trigger", "state_value")
    def _compute_event_code(self):
        suffix = {"create": "created", "write": "updated", "unlink": "deleted"}
        for sub in self:
            if not sub.model_id:
                sub.event_code = False
                continue
            tail = sub.state_value if sub.trigger == "state" else suffix[sub.trigger]
            sub.event_code = f"{sub.model_id.model}.{tail or 'changed'}"

    # --------------------------------------------------------- constraints
    @api.constrains(
        "model_id",
        "trigger",
        "filter_domain",
        "field_paths",
        "ordering_key_path",
        "state_field_id",
        "state_value",
        "watched_field_ids",
        "external_id_field_id",
        "user_id",
        "flow_id",
    )
    def _check_configuration(self):
        payload = self.env["mfg.record.payload"]
        for sub in self:
            model = sub.model_id.model
            payload._mfg_check_model(model)
            if sub.flow_id.code != EVENT_FLOW:
                raise ValidationError(
                    self.env._("A subscription sends through a %s flow.", EVENT_FLOW)
                )
            sub._mfg_domain()
            paths = payload._mfg_paths_of(sub.field_paths)
            if sub.ordering_key_path:
                paths = [*paths, *payload._mfg_paths_of(sub.ordering_key_path)]
            payload._mfg_check_paths(model, paths, sub.user_id)
            fields_ = sub.watched_field_ids | sub.state_field_id
            fields_ |= sub.external_id_field_id
            if any(f.model != model for f in fields_):
                raise ValidationError(
                    self.env._(
                        "The fields of subscription %s belong to another model.",
                        sub.name,
                    )
                )
            if sub.trigger == "state" and not (sub.state_field_id and sub.state_value):
                raise ValidationError(
                    self.env._(
                        "Subscription %s: 'Reaches a value' needs a field and a value.",
                        sub.name,
                    )
                )
            if sub.company_id and sub.company_id not in sub.user_id.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work in %(company)s: they cannot configure "
                        "its subscriptions.",
                        user=sub.user_id.name,
                        company=sub.company_id.name,
                    )
                )

    def _mfg_domain(self):
        self.ensure_one()
        return self.env["mfg.record.payload"]._mfg_literal_domain(
            self.model_id.model, self.filter_domain, self.name
        )

    # -------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["user_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        if OWNED_FIELDS & vals.keys():
            # Whoever changes what it sends answers for it from now on.
            vals = {**vals, "user_id": self.env.uid}
        return super().write(vals)

    # ------------------------------------------------------------ the index
    @api.model
    @tools.ormcache()
    def _mfg_index(self):
        """{model name: (Entry, ...)} of the active subscriptions. Cleared when a
        subscription changes (mfg.registry.cache.mixin; in the other workers
        through Odoo's cache signalling)."""
        index = {}
        for sub in self.sudo().search([]):
            index.setdefault(sub.model_id.model, []).append(
                Entry(
                    sub.id,
                    sub.trigger,
                    frozenset(sub.watched_field_ids.mapped("name")),
                    sub.state_field_id.name or None,
                    sub.state_value,
                )
            )
        return {model: tuple(entries) for model, entries in index.items()}

    # ------------------------------------------------------------ emission
    @api.model
    def _mfg_pending(self):
        """What this transaction changed, for its pre-commit hook:
        {(subscription id, model): {record id: {field: value before}}}.
        Like the chatter's tracking, events are decided just before the commit
        (and before each flushing savepoint), comparing the values then with
        those before the transaction's first change: one event per record and
        transaction, with its final values; a savepoint that is rolled back
        clears what it changed, and a change undone sends nothing."""
        data = self.env.cr.precommit.data
        pending = data.get(PENDING_EVENTS)
        if pending is None:
            pending = data[PENDING_EVENTS] = {}
            self.env.cr.precommit.add(self.sudo()._mfg_flush_events)
        return pending

    @api.model
    def _mfg_defer(self, entry, records, names=(), created=False):
        """Remember ``records`` for ``entry`` with the values of ``names`` before
        the change (from the transaction's first change; none when created)."""
        slot = self._mfg_pending().setdefault((entry.id, records._name), {})
        for record in records.sudo():
            initial = slot.setdefault(record.id, {})
            for name in names:
                if name not in initial:
                    initial[name] = None if created else record[name]

    @api.model
    def _mfg_flush_events(self):
        pending = self.env.cr.precommit.data.pop(PENDING_EVENTS, {})
        flows = self.env["mfg.flow"]
        for (sub_id, model), initials in pending.items():
            subscription = self.browse(sub_id).exists()
            records = self.env[model].browse(list(initials)).exists()
            if not (subscription and records):
                continue
            if subscription.trigger != "create":
                records = records.filtered(
                    lambda r, initials=initials: any(
                        r[name] != value for name, value in initials[r.id].items()
                    )
                )
            if subscription.trigger == "state":
                records = records.filtered(subscription._mfg_state_reached)
            if records:
                flows |= subscription._mfg_emit_events(records, schedule_drain=False)
        # One drain per flow for all the events of the transaction (the lookup
        # of a pending drain job is most of what an event costs to enqueue).
        flows._schedule_drain()
        self.env.flush_all()

    def _mfg_state_reached(self, record):
        """Whether ``record``'s field now holds the subscription's value (the
        value is typed text: compared as the field's text form)."""
        value = record[self.state_field_id.name]
        if isinstance(value, bool) and self.state_field_id.ttype == "boolean":
            return str(value).lower() == self.state_value.strip().lower()
        return str(value) == self.state_value.strip()

    def _mfg_emit_events(self, records, schedule_drain=True):
        """Write one outbound message per record that passes the subscription's
        domain, company and owner's record rules. ``self``: one subscription.
        Returns the flow when it wrote any (its drain is scheduled unless
        ``schedule_drain`` is False: the caller does it once), else no flow."""
        self.ensure_one()
        sub = self.sudo()
        flow = sub.flow_id
        if not (flow.active and flow.connector_id.state in ("active", "paused")):
            # A paused connector keeps its events (they wait in the outbox); a
            # draft one is not in service yet.
            return flow.browse()
        payload_model = self.env["mfg.record.payload"]
        domain = sub._mfg_domain() + payload_model._mfg_company_domain(
            sub.model_id.model, sub.company_id
        )
        records = records.sudo()
        if domain:
            records = records.filtered_domain(domain)
        # The owner's record rules decide which records the subscription sees.
        records = (
            records.with_user(sub.user_id)
            .with_context(allowed_company_ids=[])
            ._filtered_access("read")
        )
        if not records:
            return flow.browse()
        # The payload is read as superuser, with the company of the connector:
        # the event must not depend on who triggered it (a warehouse operator
        # validating a receipt may not read the vendor's fields), and the owner's
        # right to read every field on each path was checked when they saved it.
        records = records.sudo().with_company(sub.company_id)
        paths = payload_model._mfg_paths_of(sub.field_paths)
        tree = record_paths.path_tree(paths)
        occurred_at = payload_model._mfg_plain_value(
            records._fields["write_date"], fields.Datetime.now()
        )
        connector = flow.connector_id
        for record, values in zip(
            records, payload_model._mfg_record_values(records, tree), strict=True
        ):
            key = sub._mfg_ordering_key(record)
            payload_seq = self._mfg_next_sequence(connector, key)
            connector._emit(
                EVENT_FLOW,
                {
                    "event": sub.event_code,
                    "trigger": sub.trigger,
                    "model": sub.model_id.model,
                    "odoo_id": record.id,
                    "external_id": sub._mfg_bind_external_id(record),
                    "occurred_at": occurred_at,
                    "ordering_key": key,
                    "sequence": payload_seq,
                    "values": values,
                },
                record=record,
                ordering_key=key,
                sequence=payload_seq,
                # built here from the record: the generic.event schema holds
                validate=False,
                schedule_drain=False,
            )
        if schedule_drain:
            flow._schedule_drain()
        return flow

    def _mfg_ordering_key(self, record):
        if not self.ordering_key_path:
            return f"{record._name}:{record.id}"
        value = record.mapped(self.ordering_key_path)
        if isinstance(value, models.BaseModel):
            return ",".join(f"{r._name}:{r.id}" for r in value) or "none"
        return ",".join(str(v) for v in value) or "none"

    def _mfg_bind_external_id(self, record):
        """The record's external id in the connector; with 'Bind as external id'
        the record is bound to that field's value the first time it is sent."""
        connector = self.flow_id.connector_id
        if not self.external_id_field_id:
            return None
        binding = connector._mfg_binding(record)
        if binding:
            return binding.external_id
        value = record[self.external_id_field_id.name]
        if not value:
            return None
        return connector._mfg_bind(record, value).external_id

    @api.model
    def _mfg_next_sequence(self, connector, key):
        """1 + the last sequence number of ``key``'s outbound messages. The row
        lock of the record being changed serializes two events of one record."""
        self.env["mfg.sync.message"].flush_model(["sequence", "ordering_key"])
        self.env.cr.execute(
            """
            SELECT COALESCE(MAX(sequence), 0) + 1 FROM mfg_sync_message
             WHERE connector_id = %s AND ordering_key = %s AND direction = 'outbound'
            """,
            [connector.id, key],
        )
        return self.env.cr.fetchone()[0]
