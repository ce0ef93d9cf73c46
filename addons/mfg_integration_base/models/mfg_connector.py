# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import os
import re
import uuid
from datetime import timedelta

import requests

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from ..core import crypto, hashing
from ..exceptions import MfgError

_logger = logging.getLogger(__name__)

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")


def secrets_box():
    """The Fernet box of the secrets key: config file first, then environment."""
    key = tools.config.get("mfg_secrets_key") or os.environ.get("MFG_SECRETS_KEY")
    return crypto.make_box(key)


class MfgConnector(models.Model):
    _name = "mfg.connector"
    _description = "Integration Connector"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, tracking=True, mfg_template="ask")
    code = fields.Char(
        required=True,
        copy=False,
        tracking=True,
        help="URL-safe code used in webhook URLs: /mfg/v1/<code>/<flow>.",
        mfg_template="ask",
    )
    sequence = fields.Integer(default=10, mfg_template=True)
    active = fields.Boolean(default=True, mfg_template=True)
    kind = fields.Selection(
        selection=[("generic", "Generic")],
        required=True,
        default="generic",
        mfg_template=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        mfg_template="ask",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("paused", "Paused")],
        default="draft",
        required=True,
        tracking=True,
        mfg_template=False,
    )
    base_url = fields.Char(
        string="Base URL",
        help="Outbound messages are POSTed to <base URL>/<flow code>.",
        mfg_template="ask",
    )
    auth_type = fields.Selection(
        [
            ("none", "None"),
            ("api_key", "API key header"),
            ("bearer", "Bearer token"),
            ("basic", "Basic"),
            ("signature", "Standard Webhooks signature"),
        ],
        default="signature",
        required=True,
        mfg_template=True,
    )
    api_key_header = fields.Char(default="X-API-Key", mfg_template=True)
    username = fields.Char(
        help="User name for basic authentication.", mfg_template=False
    )
    # Secrets: ciphertext stored, readable by nobody (sudo reads them in the
    # few places that need them); the plain fields are write-only.
    # groups="." : no user at all, administrators included, reads, groups,
    # searches or exports the ciphertext; only the engine's sudo does.
    outbound_secret_enc = fields.Char(groups=".", copy=False, mfg_template=False)
    inbound_secret_enc = fields.Char(groups=".", copy=False, mfg_template=False)
    inbound_secret_previous_enc = fields.Char(
        groups=".", copy=False, mfg_template=False
    )
    inbound_secret_previous_until = fields.Datetime(
        copy=False,
        readonly=True,
        help="The previous signing secret is accepted until then.",
        mfg_template=False,
    )
    outbound_secret = fields.Char(
        compute="_compute_secrets",
        inverse="_inverse_outbound_secret",
        help="API key, token, password or signing secret for outbound calls. "
        "Write-only.",
    )
    inbound_secret = fields.Char(
        compute="_compute_secrets",
        inverse="_inverse_inbound_secret",
        help="Secret that signs inbound webhooks (Standard Webhooks). Write-only; "
        "setting a new one keeps the previous one valid for the rotation grace.",
    )
    outbound_secret_set = fields.Boolean(compute="_compute_secret_set")
    inbound_secret_set = fields.Boolean(compute="_compute_secret_set")
    connect_timeout = fields.Float(default=5.0, mfg_template=True)
    read_timeout = fields.Float(default=30.0, mfg_template=True)
    max_attempts = fields.Integer(default=8, mfg_template=True)
    backoff_base = fields.Integer(
        default=10, help="Seconds before the first retry.", mfg_template=True
    )
    backoff_cap = fields.Integer(
        default=3600, help="Longest wait between retries (s).", mfg_template=True
    )
    max_payload_size = fields.Integer(
        default=lambda self: self._default_max_payload_size(),
        help="Largest accepted webhook body, in bytes.",
        mfg_template=True,
    )
    signature_tolerance = fields.Integer(
        default=lambda self: self._default_signature_tolerance(),
        help="Accepted clock skew of webhook-timestamp, in seconds.",
        mfg_template=True,
    )
    technical_user_id = fields.Many2one(
        "res.users",
        help="Inbound work runs as this user: give it only the rights its flows need.",
        mfg_template="ask",
    )
    responsible_user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self._mfg_default_responsible(),
        help="Gets exception activities when the flow names nobody else.",
        mfg_template="ask",
    )
    cloudevents_mode = fields.Selection(
        [
            ("none", "None"),
            ("binary", "CloudEvents 1.0, binary mode (ce-* headers)"),
            ("structured", "CloudEvents 1.0, structured mode (one JSON event)"),
        ],
        string="Outbound envelope",
        default="none",
        required=True,
        help="Wrap outbound messages as CloudEvents, for event brokers and "
        "low-code tools; the Standard Webhooks signature covers what is sent.",
        mfg_template=True,
    )

    xsd_dir = fields.Char(
        string="Folder of official XSDs",
        groups="base.group_system",
        help="Server folder holding the official schemas of the XML formats this "
        "connector speaks (for instance MESA's B2MML V0700 'Schema' folder, or "
        "QIF 3.0's 'xsd' folder). When set, every XML document received or sent "
        "is validated against them; the suite does not ship them.",
        mfg_template=True,
    )
    flow_ids = fields.One2many("mfg.flow", "connector_id")
    # Health is derived from the messages (models/mfg_connector_dashboard.py):
    # jobs finishing together never write one shared row per connector. Only
    # connection checks (Test connection, snapshot pulls) are stored here.
    last_success_at = fields.Datetime(
        compute="_compute_health",
        help="Last message processed, or last connection check that succeeded.",
    )
    last_error_at = fields.Datetime(compute="_compute_health")
    last_error = fields.Text(compute="_compute_health")
    consecutive_failures = fields.Integer(
        string="Failures since last success",
        compute="_compute_health",
        help="Failed attempts of the messages still failing (failed, dead or "
        "waiting for a retry) since the last success, plus a failed connection "
        "check.",
    )
    check_success_at = fields.Datetime(
        string="Last check OK", readonly=True, copy=False, mfg_template=False
    )
    check_error_at = fields.Datetime(
        string="Last check failed", readonly=True, copy=False, mfg_template=False
    )
    check_error = fields.Text(readonly=True, copy=False, mfg_template=False)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The connector code must be unique."),
    ]

    def _default_max_payload_size(self):
        icp = self.env["ir.config_parameter"].sudo()
        return int(icp.get_param("mfg_integration_base.max_payload_size", 1048576))

    def _default_signature_tolerance(self):
        icp = self.env["ir.config_parameter"].sudo()
        return int(icp.get_param("mfg_integration_base.signature_tolerance", 300))

    @api.model
    def _mfg_default_responsible(self):
        """The default responsible of the integration settings (or no user)."""
        icp = self.env["ir.config_parameter"].sudo()
        user_id = int(
            icp.get_param("mfg_integration_base.default_responsible_id", 0) or 0
        )
        return self.env["res.users"].browse(user_id).exists()

    def _mfg_responsible(self, flow=None, record=None, role_user=None):
        """Who gets an exception of this connector, the one rule of the suite
        (readme CONFIGURE, "Who gets an exception"): the person ``record`` (the
        business record the exception is about) names, its ``user_id`` (an
        MO's responsible, a purchase's buyer); else ``role_user``, whom an
        addon's settings name for this kind of exception (the quality
        connector's rework planner); else the flow's responsible, the
        connector's, the settings' default responsible, the administrator.
        ``self``: one connector, or none (a record made in Odoo, not by a flow)."""
        if len(self) > 1:
            self.ensure_one()  # raises: one connector or none
        return (
            self._mfg_record_person(record)
            or role_user
            or (flow.responsible_user_id if flow else self.env["res.users"])
            or self.responsible_user_id
            or self._mfg_default_responsible()
            or self.env.ref("base.user_admin")
        )

    @api.model
    def _mfg_record_person(self, record):
        """The user a business record names as its own (its ``user_id``), if any."""
        field = record._fields.get("user_id") if record else None
        if len(record or ()) != 1 or not field or field.comodel_name != "res.users":
            return self.env["res.users"]
        return record.sudo().user_id

    @api.depends_context("uid")
    def _compute_secrets(self):
        for connector in self:
            connector.outbound_secret = False
            connector.inbound_secret = False

    def _compute_secret_set(self):
        for connector, sudo in zip(self, self.sudo(), strict=True):
            connector.outbound_secret_set = bool(sudo.outbound_secret_enc)
            connector.inbound_secret_set = bool(sudo.inbound_secret_enc)

    def _mfg_secrets_box(self):
        """The secrets box, or a clear error naming the setting to fix."""
        try:
            return secrets_box()
        except crypto.SecretKeyError as err:
            raise UserError(
                self.env._(
                    "Connector secrets cannot be stored or read: %(reason)s. "
                    "An administrator sets the mfg_secrets_key option in the Odoo "
                    "configuration file (or MFG_SECRETS_KEY in the environment) "
                    "and restarts Odoo.",
                    reason=err,
                )
            ) from err

    def _inverse_outbound_secret(self):
        box = self._mfg_secrets_box()
        for connector in self.filtered("outbound_secret"):
            secret = connector.outbound_secret
            if connector.auth_type == "signature":
                secret = connector._mfg_check_signing_secret(secret)
            connector.sudo().outbound_secret_enc = crypto.encrypt(box, secret)

    def _inverse_inbound_secret(self):
        box = self._mfg_secrets_box()
        grace = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("mfg_integration_base.rotation_grace_hours", 24)
        )
        for connector in self.filtered("inbound_secret"):
            sudo = connector.sudo()
            secret = connector._mfg_check_signing_secret(connector.inbound_secret)
            vals = {"inbound_secret_enc": crypto.encrypt(box, secret)}
            if sudo.inbound_secret_enc:
                vals["inbound_secret_previous_enc"] = sudo.inbound_secret_enc
                vals["inbound_secret_previous_until"] = (
                    fields.Datetime.now() + timedelta(hours=grace)
                )
            sudo.write(vals)

    @api.constrains("code")
    def _check_code(self):
        for connector in self:
            if not CODE_RE.match(connector.code or ""):
                raise ValidationError(
                    self.env._(
                        "Connector code %(code)s must be 2-63 lowercase letters, "
                        "digits, '-' or '_' (it is part of the webhook URL).",
                        code=connector.code,
                    )
                )

    @api.constrains("state", "technical_user_id")
    def _check_technical_user(self):
        for connector in self:
            if connector.state == "active" and not connector.technical_user_id:
                raise ValidationError(
                    self.env._(
                        "Connector %(name)s needs a technical user before it is "
                        "active: inbound work runs as that user.",
                        name=connector.name,
                    )
                )

    def _register_hook(self):
        # A clear error at start when secrets are stored but no key can read them.
        super()._register_hook()
        self.env.cr.execute(
            "SELECT 1 FROM mfg_connector WHERE outbound_secret_enc IS NOT NULL "
            "OR inbound_secret_enc IS NOT NULL LIMIT 1"
        )
        if self.env.cr.fetchone():
            try:
                secrets_box()
            except crypto.SecretKeyError as err:
                _logger.error(
                    "Integration connectors cannot use their secrets: %s", err
                )

    # ---------------------------------------------------------------- secrets
    def _get_secret(self, name):
        """Plain secret for internal use only; never returned to a client."""
        self.ensure_one()
        token = self.sudo()[f"{name}_enc"]
        if not token:
            return False
        box = self._mfg_secrets_box()
        try:
            return crypto.decrypt(box, token)
        except crypto.SecretKeyError as err:
            raise UserError(str(err)) from err

    def _get_inbound_secrets(self):
        """Current signing secret, plus the previous one during its grace."""
        self.ensure_one()
        secrets = [self._get_secret("inbound_secret")]
        sudo = self.sudo()
        if sudo.inbound_secret_previous_enc and (
            sudo.inbound_secret_previous_until
            and sudo.inbound_secret_previous_until > fields.Datetime.now()
        ):
            secrets.append(self._get_secret("inbound_secret_previous"))
        return [s for s in secrets if s]

    # ------------------------------------------------------------ engine user
    def _mfg_as_technical_user(self, records):
        """``records`` as the engine works on them for this connector: as its
        technical user (sudo when it has none, e.g. an outbound-only connector),
        with the connector's company as the only selected company. Jobs,
        handlers and replays never keep the caller's company selection: a
        planner with two plants selected would pass on companies the technical
        user does not have ("Access to unauthorized or invalid companies")."""
        self.ensure_one()
        connector = self.sudo()
        records = records.with_context(allowed_company_ids=connector.company_id.ids)
        user = connector.technical_user_id
        return records.with_user(user) if user else records.sudo()

    # ---------------------------------------------------------------- actions
    def action_activate(self):
        self.write({"state": "active"})

    def action_pause(self):
        self.write({"state": "paused"})

    def action_test_connection(self):
        """Reach the base URL with the connector's auth; record the outcome."""
        self.ensure_one()
        if not self.base_url:
            raise UserError(self.env._("Set a base URL before testing the connection."))
        try:
            response = requests.get(
                self.base_url,
                headers=self._build_auth_headers(b""),
                auth=self._build_basic_auth(),
                timeout=(self.connect_timeout, self.read_timeout),
            )
        except requests.RequestException as err:
            self._record_failure(
                self.env._("Connection failed: %s", type(err).__name__)
            )
            return self._notify(
                self.env._("Connection failed: %s", type(err).__name__), "danger"
            )
        if response.status_code >= 500 or response.status_code in (401, 403):
            self._record_failure(self.env._("HTTP %s", response.status_code))
            return self._notify(
                self.env._("The system answered HTTP %s.", response.status_code),
                "danger",
            )
        self._record_success()
        return self._notify(
            self.env._("Connection OK (HTTP %s).", response.status_code), "success"
        )

    def _notify(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.name,
                "message": message,
                "type": kind,
                "sticky": False,
            },
        }

    # ----------------------------------------------------------------- health
    def _record_success(self):
        """A connection check (Test connection, snapshot pull) succeeded.
        Message outcomes are not recorded here: they are read from the
        messages."""
        self.sudo().write({"check_success_at": fields.Datetime.now()})

    def _record_failure(self, error):
        """A connection check failed."""
        self.sudo().write(
            {"check_error_at": fields.Datetime.now(), "check_error": error}
        )

    # --------------------------------------------------------------- outbound
    def _build_basic_auth(self):
        if self.auth_type == "basic":
            return (self.username or "", self._get_secret("outbound_secret") or "")
        return None

    def _build_auth_headers(self, body, msg_id=None):
        """Auth headers of an outbound request; a hook another addon may extend."""
        from ..core import signatures

        secret = (
            self._get_secret("outbound_secret") if self.auth_type != "none" else False
        )
        if not secret or self.auth_type == "basic":
            return {}
        if self.auth_type == "api_key":
            return {self.api_key_header or "X-API-Key": secret}
        if self.auth_type == "bearer":
            return {"Authorization": f"Bearer {secret}"}
        try:
            return signatures.sign_headers(secret, msg_id or uuid.uuid4().hex, body)
        except signatures.SecretFormatError as err:
            # A secret stored before secrets were checked on save.
            raise MfgError(
                self.env._(
                    "Connector %(name)s cannot sign: %(error)s. Set a new outbound "
                    "secret.",
                    name=self.name,
                    error=err,
                )
            ) from err

    def _emit(
        self,
        flow_code,
        payload,
        record=None,
        ordering_key=None,
        idempotency_key=None,
        sequence=None,
        validate=True,
        schedule_drain=True,
    ):
        """Write an outbound message in the caller's transaction (outbox) and
        enqueue its send. Returns the message. With an ``ordering_key`` and a
        ``sequence``, the engine sends the messages of one key in sequence.
        ``validate=False``: the engine built the payload itself (no schema check);
        ``schedule_drain=False``: the caller schedules the flow's drain once for
        all the messages it writes (``flow._schedule_drain()``)."""
        self.ensure_one()
        flow = self.flow_ids.filtered(lambda f: f.code == flow_code and f.active)[:1]
        if not flow:
            raise UserError(
                self.env._(
                    "Connector %(name)s has no active flow %(flow)s.",
                    name=self.name,
                    flow=flow_code,
                )
            )
        event = {
            "payload": payload,
            "record": record,
            "ordering_key": ordering_key,
            "idempotency_key": idempotency_key,
            "sequence": sequence,
        }
        return self._emit_many(flow, [event], validate, schedule_drain)

    def _emit_many(self, flow, events, validate=True, schedule_drain=True):
        """``_emit`` of many messages through ``flow`` (an active flow of this
        connector, already found by the caller) in one INSERT. ``events``: dicts
        of ``_emit``'s arguments (payload, and optionally record, ordering_key,
        idempotency_key, sequence). Returns the messages, in order."""
        self.ensure_one()
        vals_list = []
        for event in events:
            payload = dict(event["payload"])
            payload.setdefault("schema_version", "1.0")
            if validate:
                flow._validate_canonical(payload)
            record = event.get("record")
            vals_list.append(
                {
                    "idempotency_key": event.get("idempotency_key") or uuid.uuid4().hex,
                    "ordering_key": event.get("ordering_key"),
                    "sequence": event.get("sequence"),
                    "payload_canonical": hashing.canonical_json(payload),
                    "res_model": record._name if record else None,
                    "res_id": record.id if record else None,
                }
            )
        messages = (
            self.env["mfg.sync.message"].sudo()._mfg_store_outbound(flow, vals_list)
        )
        if schedule_drain:
            flow._schedule_drain()
        return messages

    # ----------------------------------------------------------- external ids
    def _mfg_find_binding(self, model, external_id):
        """The mfg.external.id of ``external_id`` for ``model`` in this connector."""
        self.ensure_one()
        return (
            self.env["mfg.external.id"]
            .sudo()
            .search(
                [
                    ("connector_id", "=", self.id),
                    ("model", "=", model),
                    ("external_id", "=", str(external_id)),
                ],
                limit=1,
            )
        )

    def _mfg_resolve(self, model, external_id, binding=None):
        """The Odoo record bound to ``external_id`` in this connector, or empty."""
        binding = (
            binding
            if binding is not None
            else self._mfg_find_binding(model, external_id)
        )
        if not binding:
            return self.env[model]
        return self.env[model].browse(binding.res_id).exists()

    def _mfg_binding(self, record):
        self.ensure_one()
        return (
            self.env["mfg.external.id"]
            .sudo()
            .search(
                [
                    ("connector_id", "=", self.id),
                    ("model", "=", record._name),
                    ("res_id", "=", record.id),
                ],
                limit=1,
            )
        )

    def _mfg_external_id(self, record):
        return self._mfg_binding(record).external_id or False

    def _mfg_bind(self, record, external_id, revision=None, payload=None, binding=None):
        """Bind ``record`` to ``external_id`` (create or update the binding);
        pass the ``binding`` already found to save a lookup."""
        record.ensure_one()
        if binding is None:
            binding = self._mfg_find_binding(record._name, external_id)
        vals = {"res_id": record.id, "last_sync_at": fields.Datetime.now()}
        if revision is not None:
            vals["external_revision"] = revision
        if payload is not None:
            vals["payload_hash"] = hashing.payload_hash(payload)
        if binding:
            binding.write(vals)
            return binding
        vals.update(
            {
                "connector_id": self.id,
                "model": record._name,
                "external_id": str(external_id),
            }
        )
        return self.env["mfg.external.id"].sudo().create(vals)

    def _mfg_payload_unchanged(self, model, external_id, payload, binding=None):
        if binding is None:
            binding = self._mfg_find_binding(model, external_id)
        return bool(binding) and binding.payload_hash == hashing.payload_hash(payload)
