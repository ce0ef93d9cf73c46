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
# What the hooks and the emission need of one subscription, without reading a
# record: built once per registry cache (see _mfg_index).
Entry = namedtuple(
    "Entry",
    "id trigger watched field value boolean live flow_id connector_id domain "
    "user_id company_id tree event_code external_id_field ordering_key_path",
)
# One event to write: the subscription's entry, the record, its ordering key and
# the values read for it.
Event = namedtuple("Event", "entry record key values")
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
        subscription, its flow or its connector changes (they all clear the
        registry cache, see mfg.registry.cache.mixin), and in the other workers
        through Odoo's cache signalling: a transaction's events read nothing of
        their subscriptions."""
        index = {}
        for sub in self.sudo().search([]):
            flow = sub.flow_id
            try:
                domain, tree = sub._mfg_domain_and_tree()
            except ValidationError:
                # Broken since it was saved (a field of its domain uninstalled):
                # its events raise why (_mfg_entry_config), the others work.
                domain = tree = None
            index.setdefault(sub.model_id.model, []).append(
                Entry(
                    id=sub.id,
                    trigger=sub.trigger,
                    watched=frozenset(sub.watched_field_ids.mapped("name")),
                    field=sub.state_field_id.name or None,
                    value=(sub.state_value or "").strip(),
                    boolean=sub.state_field_id.ttype == "boolean",
                    # A paused connector keeps its events (they wait in the
                    # outbox); a draft one is not in service yet.
                    live=flow.active
                    and flow.connector_id.state in ("active", "paused"),
                    flow_id=flow.id,
                    connector_id=flow.connector_id.id,
                    domain=domain,
                    user_id=sub.user_id.id,
                    company_id=sub.company_id.id,
                    tree=tree,
                    event_code=sub.event_code,
                    external_id_field=sub.external_id_field_id.name or None,
                    ordering_key_path=sub.ordering_key_path or None,
                )
            )
        return {model: tuple(entries) for model, entries in index.items()}

    def _mfg_domain_and_tree(self):
        """(domain of the records sent, tree of the field paths sent)."""
        self.ensure_one()
        payload = self.env["mfg.record.payload"]
        domain = self._mfg_domain() + payload._mfg_company_domain(
            self.model_id.model, self.company_id
        )
        return domain, record_paths.path_tree(payload._mfg_paths_of(self.field_paths))

    @api.model
    def _mfg_entry_config(self, entry):
        """(domain, tree) of ``entry``; raises why for a broken subscription."""
        if entry.tree is not None:
            return entry.domain, entry.tree
        return self.browse(entry.id)._mfg_domain_and_tree()

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
            self.env.cr.precommit.add(self._mfg_event_env()._mfg_flush_events)
        return pending

    @api.model
    def _mfg_event_env(self):
        """This model in the environment events are written in: superuser, and
        none of the caller's context. The event must not depend on who caused
        it or how (a language, a wizard's keys), and the same environment serves
        every transaction of a cursor (a worker's cron, a script validating
        many receipts): one that carried the caller's context was a new one per
        transaction, and each made every later environment lookup of the
        cursor slower (bench/README.md, event subscriptions)."""
        return self.env(context={}, su=True)[self._name]

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
        """The pre-commit hook: the events of the transaction, written together
        (one sequence lookup, one binding lookup, one create per connector, one
        drain check per flow)."""
        pending = self.env.cr.precommit.data.pop(PENDING_EVENTS, {})
        index = self._mfg_index()
        # The records still there, one query per model for all subscriptions.
        changed = {}
        for (_sub_id, model), initials in pending.items():
            changed.setdefault(model, set()).update(initials)
        alive = {
            model: set(self.env[model].browse(sorted(ids)).exists().ids)
            for model, ids in changed.items()
        }
        events = []
        for (sub_id, model), initials in pending.items():
            # Archived or deleted in this transaction: no entry, no event.
            entry = next((e for e in index.get(model, ()) if e.id == sub_id), None)
            records = self.env[model].browse(
                [id_ for id_ in initials if id_ in alive[model]]
            )
            if not (entry and records):
                continue
            if entry.trigger != "create":
                records = records.filtered(
                    lambda r, initials=initials: any(
                        r[name] != value for name, value in initials[r.id].items()
                    )
                )
            if entry.trigger == "state":
                records = records.filtered(
                    lambda r, entry=entry: self._mfg_state_reached(entry, r)
                )
            if records:
                events += self._mfg_events(entry, records)
        self._mfg_write_events(events)
        self.env.flush_all()

    @api.model
    def _mfg_emit(self, entry, records):
        """Write the events of ``records`` for ``entry`` now (a deletion: the
        record is gone at the commit)."""
        subscriptions = self._mfg_event_env()
        records = subscriptions.env[records._name].browse(records.ids)
        subscriptions._mfg_write_events(subscriptions._mfg_events(entry, records))

    @api.model
    def _mfg_state_reached(self, entry, record):
        """Whether ``record``'s field now holds the subscription's value (the
        value is typed text: compared as the field's text form)."""
        value = record[entry.field]
        if isinstance(value, bool) and entry.boolean:
            return str(value).lower() == entry.value.lower()
        return str(value) == entry.value

    @api.model
    def _mfg_events(self, entry, records):
        """[Event] of the ``records`` that pass the subscription's domain, company
        and owner's record rules; none when its flow is out of service."""
        if not entry.live:
            return []
        domain, tree = self._mfg_entry_config(entry)
        records = records.sudo()
        if domain:
            records = records.filtered_domain(domain)
        # The owner's record rules decide which records the subscription sees.
        records = (
            records.with_user(entry.user_id)
            .with_context(allowed_company_ids=[])
            ._filtered_access("read")
        )
        if not records:
            return []
        # The payload is read as superuser, with the company of the connector:
        # the event must not depend on who triggered it (a warehouse operator
        # validating a receipt may not read the vendor's fields), and the owner's
        # right to read every field on each path was checked when they saved it.
        records = records.sudo().with_company(entry.company_id)
        values = self.env["mfg.record.payload"]._mfg_record_values(records, tree)
        return [
            Event(entry, record, self._mfg_ordering_key(entry, record), vals)
            for record, vals in zip(records, values, strict=True)
        ]

    @api.model
    def _mfg_write_events(self, events):
        """One outbound message per event, in order, numbered in its ordering
        key's sequence; the drain of each flow that got some is scheduled."""
        if not events:
            return
        payload_model = self.env["mfg.record.payload"]
        now = fields.Datetime.now()
        occurred_at = payload_model._mfg_plain_value(
            self.env["mfg.sync.message"]._fields["write_date"], now
        )
        flows = self.env["mfg.flow"]
        by_connector = {}
        for event in events:
            by_connector.setdefault(event.entry.connector_id, []).append(event)
        for connector_id, connector_events in by_connector.items():
            connector = self.env["mfg.connector"].sudo().browse(connector_id)
            external_ids = self._mfg_bind_external_ids(connector, connector_events)
            last = self._mfg_last_sequences(
                connector, {event.key for event in connector_events}
            )
            outbox = []
            for event in connector_events:
                entry, record = event.entry, event.record
                sequence = last[event.key] = last.get(event.key, 0) + 1
                outbox.append(
                    {
                        "payload": {
                            "event": entry.event_code,
                            "trigger": entry.trigger,
                            "model": record._name,
                            "odoo_id": record.id,
                            "external_id": external_ids.get((record._name, record.id))
                            if entry.external_id_field
                            else None,
                            "occurred_at": occurred_at,
                            "ordering_key": event.key,
                            "sequence": sequence,
                            "values": event.values,
                        },
                        "record": record,
                        "ordering_key": event.key,
                        "sequence": sequence,
                    }
                )
            # A connector has one generic.event flow (unique code per connector).
            flow = flows.browse(connector_events[0].entry.flow_id)
            # Built here from the records: the generic.event schema holds.
            connector._emit_many(flow, outbox, validate=False, schedule_drain=False)
            flows |= flow
        # One drain per flow for all the events of the transaction.
        flows._schedule_drain()

    @api.model
    def _mfg_ordering_key(self, entry, record):
        if not entry.ordering_key_path:
            return f"{record._name}:{record.id}"
        value = record.mapped(entry.ordering_key_path)
        if isinstance(value, models.BaseModel):
            return ",".join(f"{r._name}:{r.id}" for r in value) or "none"
        return ",".join(str(v) for v in value) or "none"

    @api.model
    def _mfg_bind_external_ids(self, connector, events):
        """{(model, record id): external id in ``connector``} of the events'
        records that have one. A record of a subscription with 'Bind as external
        id' is bound to that field's value the first time it is sent. One lookup
        for all the events (was one per event)."""
        wanted = {}
        for event in events:
            if event.entry.external_id_field:
                record = event.record
                wanted.setdefault((record._name, record.id), (record, event.entry))
        if not wanted:
            return {}
        Binding = self.env["mfg.external.id"].sudo()
        Binding.flush_model(["connector_id", "model", "res_id", "external_id"])
        values = {
            key: record[entry.external_id_field]
            for key, (record, entry) in wanted.items()
        }
        self.env.cr.execute(
            """
            SELECT id, model, res_id, external_id FROM mfg_external_id
             WHERE connector_id = %s AND model = ANY(%s)
               AND (res_id = ANY(%s) OR external_id = ANY(%s))
             ORDER BY external_id
            """,
            [
                connector.id,
                list({model for model, _id in wanted}),
                list({res_id for _model, res_id in wanted}),
                [str(value) for value in values.values() if value],
            ],
        )
        bound, by_external_id = {}, {}
        for binding_id, model, res_id, external_id in self.env.cr.fetchall():
            # The first by external id, as connector._mfg_binding finds it.
            bound.setdefault((model, res_id), external_id)
            by_external_id[(model, external_id)] = binding_id
        now = fields.Datetime.now()
        created = {}
        for key, value in values.items():
            if key in bound or not value:
                continue
            model, res_id = key
            external_id = str(value)
            existing = by_external_id.get((model, external_id))
            if existing:
                # Bound to a record that was deleted or renamed: this one now.
                Binding.browse(existing).write({"res_id": res_id, "last_sync_at": now})
            else:
                # Two records of one value in a transaction: the last one wins.
                created[(model, external_id)] = {
                    "connector_id": connector.id,
                    "model": model,
                    "external_id": external_id,
                    "res_id": res_id,
                    "last_sync_at": now,
                }
            bound[key] = external_id
        if created:
            Binding.create(list(created.values()))
        return bound

    @api.model
    def _mfg_last_sequences(self, connector, keys):
        """{ordering key: its last outbound sequence number} of ``keys`` in
        ``connector`` (missing: none yet), in one query. The row lock of the
        record being changed serializes two events of one record."""
        self.env["mfg.sync.message"].flush_model(
            ["connector_id", "direction", "sequence", "ordering_key"]
        )
        self.env.cr.execute(
            """
            SELECT ordering_key, MAX(sequence) FROM mfg_sync_message
             WHERE connector_id = %s AND direction = 'outbound'
               AND ordering_key IS NOT NULL AND ordering_key = ANY(%s)
             GROUP BY ordering_key
            """,
            [connector.id, list(keys)],
        )
        return {key: last or 0 for key, last in self.env.cr.fetchall()}
