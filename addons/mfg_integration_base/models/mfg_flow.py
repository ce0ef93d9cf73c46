# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import os
from contextlib import contextmanager
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.modules.registry import Registry

from odoo.addons.queue_job.jobrunner.channels import ChannelManager

from ..core import cloudevents, xmldoc
from ..core import flow_declaration as declaration_lib
from ..core import flows as base_flows
from ..core import mapping as mapping_lib
from ..core import schemas as schema_lib
from ..exceptions import MfgValidationError

_logger = logging.getLogger(__name__)

RECHECK_KEY = "mfg_integration_base.drain_recheck"
JSON_MEDIA_TYPE = "application/json"
XML_MEDIA_TYPE = "application/xml"
# Parallel drains of one flow at most, whatever its channel allows.
MAX_DRAIN_SLOTS = 16


def flow_fields(entries):
    """What a domain addon's ``mfg.flow`` needs for the flows its
    ``core/flows.py`` declares, in one line::

        _mfg_flows, code, payload_format = flow_fields(mes_flows.FLOWS)

    ``_mfg_flows`` ({code: Flow}) is how the engine finds the declarations
    (``_get_flow_specs`` reads it on every class of the model); the two
    selections add the flows' codes and wire formats, owned by the addon
    (uninstalling it deletes its flows and sets their formats back to
    canonical JSON)."""
    declared = declaration_lib.declare(entries)
    codes = declaration_lib.code_selection(declared)
    formats = declaration_lib.format_selection(declared)
    return (
        declared,
        fields.Selection(
            selection_add=codes, ondelete=dict.fromkeys(dict(codes), "cascade")
        ),
        fields.Selection(
            selection_add=formats, ondelete=dict.fromkeys(dict(formats), "set default")
        ),
    )


def drain_pending(cr, identity_key):
    """True when the drain of this queue_job identity key (due now) has not
    started yet: what queue_job's lookup of a job's identity key finds, in
    one indexed query instead of an ORM search."""
    cr.execute(
        """
        SELECT 1 FROM queue_job
         WHERE identity_key = %s
           AND state IN ('wait_dependencies', 'pending', 'enqueued')
         LIMIT 1
        """,
        [identity_key],
    )
    return bool(cr.fetchone())


def drain_after_commit(cr, flow_ids):
    """Once ``cr`` has committed, enqueue a drain for each of ``flow_ids`` that
    has due messages no drain will see.

    Why after the commit: Odoo's transactions are REPEATABLE READ. A drain reads
    its batch in the snapshot it takes when it starts, so a message committed
    after that is invisible to it; and the transaction that stored the message
    may have seen that drain still pending (its snapshot is older than the
    drain's start) and relied on it. Only a transaction that begins after the
    commit sees both the message and the drains' true state."""
    pending = cr.postcommit.data.get(RECHECK_KEY)
    if pending is None:
        pending = cr.postcommit.data[RECHECK_KEY] = set()
        # The cursor's own registry, not Registry(dbname): that one waits for
        # the registry lock, which Odoo's test runner holds in the main thread
        # while a test's worker threads drain (a hang, not an error).
        registry = cr.transaction.registry if cr.transaction else Registry(cr.dbname)
        cr.postcommit.add(lambda: _recheck_drains(registry, pending))
    pending.update(flow_ids)


def channel_capacity(channel):
    """Jobs of ``channel`` the queue_job runner runs at once, from its
    configuration: the smallest capacity on the channel's path among the
    configured channels (a channel not configured runs in its parent);
    between 1 and MAX_DRAIN_SLOTS."""
    config = os.environ.get("ODOO_QUEUE_JOB_CHANNELS") or tools.config.misc.get(
        "queue_job", {}
    ).get("channels", "root:1")
    capacities = {}
    for entry in ChannelManager.parse_simple_config(config):
        name = entry["name"]
        if name != "root" and not name.startswith("root."):
            name = f"root.{name}"
        capacities[name] = entry["capacity"]
    parts = (channel or "root").split(".")
    if parts[0] != "root":
        parts.insert(0, "root")
    path = [".".join(parts[: n + 1]) for n in range(len(parts))]
    configured = [capacities[name] for name in path if name in capacities]
    capacity = min(configured) if configured else 1
    return max(1, min(capacity, MAX_DRAIN_SLOTS))


@contextmanager
def own_transaction(registry, uid=SUPERUSER_ID, context=None):
    """An environment on a cursor of its own, committed on exit, built on the
    registry in hand: an Environment would look the registry up by name,
    under a lock Odoo holds while it loads (a drain run in a thread during
    Odoo's own test run waited for ever)."""
    with registry.cursor() as cr:
        cr.transaction = api.Transaction(registry)
        yield api.Environment(cr, uid, context or {})


def _recheck_drains(registry, flow_ids):
    try:
        with own_transaction(registry) as env:
            # READ COMMITTED: the due check's row locks skip the messages a
            # running drain holds, without serialization errors.
            env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            env["mfg.flow"].browse(sorted(flow_ids)).exists()._mfg_drain_if_due()
    except Exception:
        # The caller's work is committed already; the dispatch cron is the
        # safety net for what this look could not schedule.
        _logger.exception("mfg: could not look for messages left after a commit")


class MfgFlow(models.Model):
    _name = "mfg.flow"
    _description = "Integration Flow"
    _order = "connector_id, sequence, id"
    # The base's flows; each domain addon adds its own with ``flow_fields``.
    # Declared once in core/flows.py: ``_get_flow_specs`` reads them all.
    _mfg_flows = declaration_lib.declare(base_flows.FLOWS)

    connector_id = fields.Many2one(
        "mfg.connector",
        required=True,
        ondelete="cascade",
        index=True,
        mfg_template=False,
    )
    company_id = fields.Many2one(
        related="connector_id.company_id", store=True, index=True, mfg_template=False
    )
    code = fields.Selection(
        selection=declaration_lib.code_selection(_mfg_flows),
        required=True,
        mfg_template=True,
    )
    payload_format = fields.Selection(
        [
            ("json", "Canonical JSON"),
            *declaration_lib.format_selection(_mfg_flows),
        ],
        string="Wire format",
        default="json",
        required=True,
        help="What the external system sends or receives on this flow. "
        "Inbound flows with an XML format still accept canonical JSON.",
        mfg_template=True,
    )
    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, mfg_template=True
    )
    sequence = fields.Integer(default=10, mfg_template=True)
    active = fields.Boolean(default=True, mfg_template=True)
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")],
        compute="_compute_direction",
        store=True,
        mfg_template=False,
    )
    mode = fields.Selection(
        [("realtime", "Real-time"), ("batch", "Batch")],
        default="realtime",
        required=True,
        mfg_template=True,
    )
    interval_minutes = fields.Integer(
        default=15, help="Batch flows run this often.", mfg_template=True
    )
    batch_size = fields.Integer(
        default=200, help="Messages one job handles at most.", mfg_template=True
    )
    channel = fields.Char(
        default="root.mfg",
        required=True,
        help="queue_job channel: as many drains of this flow run at once as "
        "its capacity allows. Ordering never depends on it: the engine applies "
        "the messages of one ordering key one at a time, in sequence.",
        mfg_template=True,
    )
    latency_target_seconds = fields.Integer(default=60, mfg_template=True)
    gap_timeout_minutes = fields.Integer(
        default=30,
        help="A gap in an ordering key older than this becomes an exception.",
        mfg_template=True,
    )
    responsible_user_id = fields.Many2one(
        "res.users",
        help="Gets this flow's exception activities (else the connector's).",
        mfg_template=True,
    )
    mapping_ids = fields.One2many(
        "mfg.field.mapping", "flow_id", string="Field mappings"
    )
    last_run_at = fields.Datetime(readonly=True, copy=False, mfg_template=False)
    # Generic upsert settings
    target_model_id = fields.Many2one(
        "ir.model",
        ondelete="cascade",
        help="generic.record.upsert writes records of this model.",
        mfg_template=True,
    )
    allowed_field_ids = fields.Many2many(
        "ir.model.fields",
        domain="[('model_id', '=', target_model_id), ('store', '=', True)]",
        help="Fields a generic upsert may write; any other key is refused.",
        mfg_template=True,
    )

    _sql_constraints = [
        (
            "connector_code_uniq",
            "unique(connector_id, code)",
            "A connector has one flow per code.",
        ),
    ]

    @api.depends("code")
    def _compute_name(self):
        labels = dict(self._fields["code"]._description_selection(self.env))
        for flow in self:
            flow.name = labels.get(flow.code, flow.code)

    @api.depends("code")
    def _compute_direction(self):
        specs = self._get_flow_specs()
        for flow in self:
            spec = specs.get(flow.code)
            flow.direction = spec.direction if spec else "inbound"

    @api.constrains("code")
    def _check_code_has_spec(self):
        specs = self._get_flow_specs()
        for flow in self:
            if flow.code not in specs:
                raise ValidationError(
                    self.env._("Flow %s has no specification.", flow.code)
                )

    @api.constrains("code", "payload_format")
    def _check_payload_format(self):
        for flow in self:
            if flow.payload_format == "json" or flow.code not in (
                flow._get_flow_specs()
            ):
                continue
            if not flow._get_spec().wire_format(flow.payload_format):
                raise ValidationError(
                    self.env._(
                        "Flow %(flow)s cannot speak %(format)s.",
                        flow=flow.code,
                        format=flow.payload_format,
                    )
                )

    def _mfg_responsible(self, record=None):
        """Who gets this flow's exceptions: see mfg.connector._mfg_responsible."""
        self.ensure_one()
        return self.connector_id._mfg_responsible(self, record=record)

    @api.model_create_multi
    def create(self, vals_list):
        specs = self._get_flow_specs()
        for vals in vals_list:
            spec = specs.get(vals.get("code"))
            if spec and spec.channel and not vals.get("channel"):
                # The declaration's queue channel (MES events: root.mfg.ordered)
                # unless the flow names one.
                vals["channel"] = spec.channel
        return super().create(vals_list)

    # ---------------------------------------------------------- declarations
    def _get_flow_specs(self):
        """{flow code: core.flow_declaration.Flow} of the installed addons: the
        ``_mfg_flows`` of every class of this model (``flow_fields``), read
        once per set of classes."""
        cls = type(self)
        cached = cls.__dict__.get("_mfg_flow_specs")
        # Keyed by the class's MRO: while several addons install in one run,
        # Odoo rebuilds the registry's class in place (new bases, same class),
        # so a cache without the key kept the flows of the addons loaded so far
        # and the next addon's demo flows had "no specification".
        if cached is None or cached[0] != cls.__mro__:
            specs = declaration_lib.merge(
                klass.__dict__["_mfg_flows"]
                for klass in reversed(cls.__mro__)
                if "_mfg_flows" in klass.__dict__
            )
            cached = cls._mfg_flow_specs = (cls.__mro__, specs)
        return cached[1]

    def _get_spec(self):
        """The declaration (``Flow``) of this flow's code."""
        self.ensure_one()
        return self._get_flow_specs()[self.code]

    # -------------------------------------------------------------- contract
    @api.model
    def _mfg_parse_wire(
        self, flow_code, content_type, data, wire_format=None, xsd_dir=None, notes=None
    ):
        """The body as a dict, read by its format's parser: json for JSON, the
        wire format's parser (``_format_spec``) or the flow's ``xml_parser``
        for XML. Every format then goes through the same mapping step
        (``_map_inbound``) and contract. ``notes`` (a list)
        receives what a wire format's parser did not read.
        Raises ValueError (or SyntaxError) when the body cannot be read."""
        spec = self._get_flow_specs()[flow_code]
        wire = spec.wire_format(wire_format)
        if content_type == "application/xml":
            if wire and wire.parser:
                payload, ignored = xmldoc.parse_with_format(data, wire, xsd_dir)
                if notes is not None:
                    notes.extend(ignored)
                return payload
            if spec.xml_parser is None:
                raise ValueError(f"flow {flow_code} takes no XML")
            return spec.xml_parser(data)
        payload = json.loads(data)
        if wire and wire.json_parser:
            # A system's own JSON shape (OData entities...): its parser gives
            # the canonical dict, as an XML format's does.
            return wire.json_parser(payload)
        return payload

    def _validate_canonical(self, payload):
        """Raise schema_lib.SchemaError when the payload breaks the contract."""
        self.ensure_one()
        return schema_lib.validate(payload, self._get_spec().schema_dir, self.code)

    def _mapping_rules(self, reverse=False):
        return [
            m._as_rule(reverse=reverse) for m in self.mapping_ids.sorted("sequence")
        ]

    def _map_inbound(self, payload):
        """External payload → canonical (identity without mapping rows)."""
        self.ensure_one()
        connector = self.connector_id

        def lookup(model, external_id):
            return connector._mfg_resolve(model, external_id).id if model else False

        return mapping_lib.apply_rules(payload, self._mapping_rules(), lookup=lookup)

    def _map_outbound(self, payload):
        """Canonical payload → external (identity without mapping rows)."""
        self.ensure_one()
        return mapping_lib.apply_rules(payload, self._mapping_rules(reverse=True))

    # ---------------------------------------------------------- wire formats
    # A connector chooses per flow the format its system speaks
    # (docs/ENGINE_API.md, "Wire formats"); canonical JSON is the default. The
    # flow's spec declares the formats it can speak; everything after the
    # parser (mapping, schema, ordering, handler) is the same for every format.
    def _format_spec(self):
        """This flow's WireFormat, or None for canonical JSON."""
        self.ensure_one()
        return self._get_spec().wire_format(self.payload_format)

    def _wrap_envelope(self, body, content_type, message):
        """(body, content type, extra headers): the connector's CloudEvents
        envelope around what the flow renders, or the body as it is."""
        self.ensure_one()
        mode = self.connector_id.cloudevents_mode
        if mode not in ("binary", "structured"):
            return body, content_type, {}
        attrs = cloudevents.attributes(
            self.code,
            f"/odoo/{self.env.cr.dbname}/connectors/{self.connector_id.code}",
            message.idempotency_key,
            fields.Datetime.to_string(
                message.create_date or fields.Datetime.now()
            ).replace(" ", "T")
            + "Z",
            content_type,
        )
        wrap = cloudevents.binary if mode == "binary" else cloudevents.structured
        return wrap(attrs, body, content_type)

    def _render_outbound(self, payload, message):
        """Mapped outbound payload -> (body bytes, content type) of the format."""
        spec = self._format_spec()
        if spec is None:
            body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
            return body, JSON_MEDIA_TYPE
        envelope = {
            "document_id": message.idempotency_key,
            "created_at": fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sender": self.connector_id.company_id.name or "Odoo",
            "receiver": self.connector_id.code,
        }
        root = spec.renderer(payload, envelope)
        xsd_dir = self.connector_id.xsd_dir
        if xsd_dir and spec.xsd:
            # A document the official schema refuses is not sent: the message
            # fails with the schema's reason instead.
            try:
                xmldoc.validate_xsd(root, xsd_dir, spec.xsd(root))
            except xmldoc.XmlDocumentError as err:
                raise MfgValidationError(
                    str(err), record=message._get_business_record()
                ) from err
        return xmldoc.serialize(root), XML_MEDIA_TYPE

    # ------------------------------------------------------------- queueing
    @api.model
    def _mfg_active_flows(self, flow_code, company=None):
        """Active flows of active connectors for ``flow_code`` (in ``company``)."""
        domain = [
            ("code", "=", flow_code),
            ("active", "=", True),
            ("connector_id.state", "=", "active"),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        return self.sudo().search(domain)

    def _drain_identity_key(self, eta=None, slot=0):
        """One pending drain per flow and slot; a delayed one (a retry) has its
        own key so that it never holds back the drain of messages that are
        due now."""
        self.ensure_one()
        key = f"mfg.flow._mfg_drain:{self.id}"
        if slot:
            key += f"#{slot}"
        if eta and eta > fields.Datetime.now():
            key += f"@{fields.Datetime.to_string(eta)}"
        return key

    def _mfg_ordered_siblings(self):
        """The other flows whose keyed messages (ordering key and sequence)
        this flow's drain applies with its own: the connector's other active
        realtime inbound flows. Keys and sequences are the connector's (an
        MO's shop-floor events span five MES flows): drained flow by flow, a
        successor met before its predecessor was parked, released by the
        other flow's drain and drained once more."""
        self.ensure_one()
        if not (self.direction == "inbound" and self.mode == "realtime"):
            return self.browse()
        return self.sudo().search(
            [
                ("connector_id", "=", self.connector_id.id),
                ("direction", "=", "inbound"),
                ("mode", "=", "realtime"),
                ("id", "!=", self.id),
            ]
        )

    def _mfg_drain_slots(self):
        """How many drains of this flow may run at once: the capacity of its
        queue_job channel in the job runner's configuration (a channel not
        configured runs in its parent's), at least one."""
        self.ensure_one()
        return channel_capacity(self.channel)

    def _schedule_drain(self, eta=None, slots=(0,), conflicts=0):
        """Make sure one drain job is pending for each flow and slot (never one
        per message)."""
        for flow in self:
            if flow.mode == "batch" and eta is None:
                continue
            if eta is None and slots == (0,) and flow._mfg_drain_pending():
                # The drain found may start before this transaction commits.
                drain_after_commit(self.env.cr, flow.ids)
                continue
            # The job runs as the connector's technical user (least privilege),
            # in the connector's company only; the engine's own bookkeeping
            # inside it uses sudo where needed.
            runner = flow.sudo().connector_id._mfg_as_technical_user(flow)
            for slot in slots:
                job = runner.with_delay(
                    channel=flow.channel,
                    eta=eta,
                    identity_key=flow._drain_identity_key(eta, slot),
                    description=f"Process {flow.code} messages of "
                    f"{flow.connector_id.code}",
                )._mfg_drain(slot, conflicts)
                if isinstance(job, models.BaseModel):
                    # queue_job kept the pending drain it found in this
                    # transaction's snapshot; it may start before we commit.
                    drain_after_commit(self.env.cr, flow.ids)

    def _mfg_drain_pending(self):
        """True when a drain of this flow (due now) has not started yet."""
        self.ensure_one()
        self.env["queue.job"].flush_model(["identity_key", "state"])
        return drain_pending(self.env.cr, self._drain_identity_key())

    def _mfg_drain_if_due(self):
        """Enqueue a drain where due messages wait that no drain holds or will
        read (run in a transaction that began after the messages' commit)."""
        Message = self.env["mfg.sync.message"]
        for flow in self:
            # The pending drain first: one indexed query, and mostly the answer
            # (the flow's and connector's rows are read only without one).
            if flow._mfg_drain_pending():
                continue
            if not (
                flow.active
                and flow.mode == "realtime"
                and flow.connector_id.state == "active"
            ):
                continue
            if not Message._mfg_due_exists(flow):
                continue
            flow._schedule_drain()

    def _mfg_drain(self, slot=0, conflicts=0):
        """Job: process a batch of due messages of this flow. A full batch
        chains the next one and opens the flow's other slots: a burst is
        drained by as many jobs as the channel runs at once, each claiming
        messages of ordering keys no other holds; a drain that finds nothing
        ends (an idle flow holds no worker). ``conflicts``: drains in a row
        a concurrency conflict stopped before they moved anything."""
        self.ensure_one()
        if self.connector_id.state != "active":
            # A paused (or neutralized) connector keeps its messages queued.
            return "connector not active"
        if self.endpoint_state == "disabled":
            # Its messages wait, kept and in order, for the endpoint's re-enabling.
            return "endpoint disabled"
        limit = self.batch_size
        if self.direction == "outbound":
            budget = self.connector_id._outbound_budget()
            if budget == 0:
                # Throttled: try again when the minute's budget is back.
                self._schedule_drain(eta=fields.Datetime.now() + timedelta(seconds=60))
                return "throttled"
            limit = min(limit, budget) if budget is not None else limit
        Message = self.env["mfg.sync.message"]
        slots = self._mfg_drain_slots()
        others = [s for s in range(slots) if s != slot]
        messages, claimed, more = Message._mfg_claim_due(self, limit, slots=slots)
        if more and others:
            self._mfg_open_other_slots(others)
        streak = messages._mfg_process(claimed, limit, conflicts)
        if self.mode == "batch":
            # Only batch flows need it (their interval); writing the flow row
            # from every concurrent drain made jobs collide on it.
            self.sudo().last_run_at = fields.Datetime.now()
        if more:
            # More are waiting: the next batch in a new job (not one huge
            # transaction), and the other slots join in.
            self._schedule_drain(eta=fields.Datetime.now(), slots=[slot, *others])
        elif streak is not None:
            # A concurrent commit stopped the batch: the rest at once, in a
            # new transaction (this one's snapshot cannot apply it).
            self._schedule_drain(
                eta=fields.Datetime.now(), slots=[slot], conflicts=streak
            )
        elif self.mode == "realtime":
            # Messages committed while this drain ran are not in its snapshot,
            # and those of keys it skipped wait for their holder: look again
            # once it has committed (issue 12, item 7).
            drain_after_commit(self.env.cr, self.ids)
        return f"{len(messages)} message(s) processed"

    def _mfg_open_other_slots(self, others):
        """This drain took a full batch: the flow's ``others`` slots start
        now, beside it, on the messages it left (enqueued in a transaction of
        their own, committed at once; enqueued in this drain's, they would
        start only once it ends, and a burst's first batch was drained
        alone)."""
        with own_transaction(self.env.registry, self.env.uid, self.env.context) as env:
            self.with_env(env)._schedule_drain(eta=fields.Datetime.now(), slots=others)

    @api.model
    def _cron_dispatch(self):
        """Safety net and batch scheduler: enqueue drains where due messages wait,
        release parked messages whose gap is filled, raise expired gaps."""
        now = fields.Datetime.now()
        self.env["mfg.sync.message"]._mfg_release_parked()
        self.env["mfg.sync.message"]._mfg_expire_gaps()
        self.env["mfg.sync.message"].flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT flow_id FROM mfg_sync_message
             WHERE state = 'queued'
               AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
            """,
            [now],
        )
        due = self.browse([row[0] for row in self.env.cr.fetchall()])
        for flow in due.filtered(
            lambda f: (
                f.active
                and f.connector_id.state == "active"
                and f.endpoint_state == "enabled"
            )
        ):
            if (
                flow.mode == "batch"
                and flow.last_run_at
                and (flow.last_run_at + timedelta(minutes=flow.interval_minutes) > now)
            ):
                continue
            flow._schedule_drain(eta=now)
