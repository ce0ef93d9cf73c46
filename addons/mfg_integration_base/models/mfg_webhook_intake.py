# mfg.connector, split: the webhook intake (WebhookIntake and its per-worker cache)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The webhook intake, in one place: what a request goes through between the
controller (controllers/webhook.py) and a queued message with its drain job.

WebhookIntake runs the checks, stores the message and enqueues the flow's
drain; the connector and flow settings it reads come from a per-worker cache
(``mfg.connector._mfg_intake_config``, at the end of this file) that any write
of those settings clears.

Order of checks (readme/USAGE.md, "Sending to Odoo"): connector and flow (404),
size (413), signature (401), rate limit (429), content type (415), duplicate
(200), body (400), contract (422), then store + enqueue in the request's
transaction (202). Refusals before the signature is checked, and 429s, store
no message (services/rejections.py counts them).
"""

import codecs
import json
import logging
from collections import namedtuple

from psycopg2 import sql

from odoo import api, fields, models, tools

from ..core import crypto, ordering, payload_guard, signatures, xmldoc
from ..core import errors as errors_lib
from ..core import schemas as schema_lib
from ..core.schemas import SchemaError
from ..services import ordering_keys, rate_limit, rejections
from .mfg_connector import secrets_box
from .mfg_flow import drain_after_commit, drain_pending
from .mfg_sync_message import message_name

_logger = logging.getLogger(__name__)

KEPT_HEADERS = (
    "content-type",
    "content-length",
    "user-agent",
    "webhook-id",
    "webhook-timestamp",
    "x-correlation-id",
)
MASKED_HEADERS = ("webhook-signature", "authorization", "x-api-key")
RAW_LOG_LIMIT = 65536
NOT_FOUND = "No active connector and flow at this address."

IntakeConfig = namedtuple(
    "IntakeConfig",
    [
        "connector_id",
        "company_id",
        "technical_user_id",
        "max_payload_size",
        "signature_tolerance",
        "inbound_rate_limit",
        "inbound_secret_enc",
        "inbound_secret_previous_enc",
        "inbound_secret_previous_until",
        "flow_id",
        "flow_mode",
        "has_mappings",
        "allow_xml",
        "drain_identity_key",
        "payload_format",
        "xsd_dir",
    ],
)


class IntakeError(Exception):
    def __init__(
        self, status, error, message, details=None, message_id=None, headers=None
    ):
        super().__init__(message)
        self.headers = headers or {}
        self.status = status
        self.error = error
        self.details = details or []
        self.message_id = message_id

    def as_body(self):
        body = {"error": self.error, "message": str(self)}
        if self.details:
            body["details"] = self.details
        if self.message_id:
            body["message_id"] = self.message_id
        return body


class WebhookIntake:
    """One webhook request. Connector and flow settings come from a per-worker
    cache (``mfg.connector._mfg_intake_config``); the message is stored with a
    single INSERT whose conflict on the idempotency index means "duplicate"."""

    def __init__(self, env, httprequest, connector_code, flow_code):
        # Reads of connector settings and secrets need sudo (auth="none").
        self.su_env = env(su=True)
        self.httprequest = httprequest
        self.connector_code = connector_code
        self.flow_code = flow_code
        self.config = None
        self.body = None
        self.authenticated = False

    # ------------------------------------------------------------- checks
    def _find_config(self):
        connectors = self.su_env["mfg.connector"]
        # Only known routes reach the per-route cache: random URLs would
        # churn the shared ormcache with misses.
        if (self.connector_code, self.flow_code) not in connectors._mfg_intake_routes():
            raise IntakeError(404, "not_found", NOT_FOUND)
        config = connectors._mfg_intake_config(self.connector_code, self.flow_code)
        if config is None:
            raise IntakeError(404, "not_found", NOT_FOUND)
        self.config = config
        return config

    def _read_body(self):
        limit = self.config.max_payload_size
        length = self.httprequest.content_length
        if length is not None and length > limit:
            raise IntakeError(413, "payload_too_large", f"Body is over {limit} bytes.")
        # content_length was checked first; a chunked body is bounded by
        # Odoo's own max_content_length, then by the connector's limit here.
        body = self.httprequest.get_data(cache=True)
        if len(body) > limit:
            raise IntakeError(413, "payload_too_large", f"Body is over {limit} bytes.")
        self.body = body
        return body

    def _content_type(self, allow_xml):
        mimetype = (self.httprequest.mimetype or "").lower()
        if mimetype == "application/json" or mimetype.endswith("+json"):
            return "application/json"
        if allow_xml and mimetype in ("application/xml", "text/xml"):
            return "application/xml"
        accepted = "application/json" + (" or application/xml" if allow_xml else "")
        raise IntakeError(
            415,
            "unsupported_media_type",
            f"Content-Type must be {accepted}, not {mimetype or 'empty'}.",
        )

    def _secrets(self, config):
        """Current signing secret, plus the previous one during its grace, as
        HMAC keys (Standard Webhooks: base64, with or without ``whsec_``)."""
        box = secrets_box()
        tokens = [config.inbound_secret_enc]
        until = config.inbound_secret_previous_until
        if (
            config.inbound_secret_previous_enc
            and until
            and until > fields.Datetime.now()
        ):
            tokens.append(config.inbound_secret_previous_enc)
        return [
            signatures.secret_bytes(crypto.decrypt(box, token))
            for token in tokens
            if token
        ]

    def _verify_signature(self, body, config):
        headers = self.httprequest.headers
        try:
            secrets = self._secrets(config)
        except crypto.SecretKeyError as err:
            raise IntakeError(401, "unauthorized", str(err)) from err
        except signatures.SecretFormatError as err:
            # Refused on save since issue 12; an older one is not usable.
            _logger.warning(
                "mfg connector %s: its signing secret is not usable: %s",
                self.connector_code,
                err,
            )
            raise IntakeError(
                401,
                "unauthorized",
                "The connector's signing secret is not a Standard Webhooks secret: "
                "its administrator must set a new one.",
            ) from err
        if not secrets:
            raise IntakeError(
                401, "unauthorized", "The connector has no signing secret."
            )
        try:
            signatures.verify(
                secrets,
                headers.get("webhook-id"),
                headers.get("webhook-timestamp"),
                headers.get("webhook-signature"),
                body,
                tolerance=config.signature_tolerance,
            )
        except signatures.SignatureError as err:
            raise IntakeError(
                401, "unauthorized", f"Signature rejected: {err}."
            ) from err
        return headers.get("webhook-id")

    def _check_rate_limit(self):
        """Take a token before the request writes anything; the bucket lives
        on a cursor of its own, committed at once (services/rate_limit.py)."""
        limit = self.config.inbound_rate_limit
        if not limit:
            return
        registry = self.su_env.registry
        with registry.cursor() as cr:
            # Test mode hands out the test transaction's cursor (serialized).
            wait = rate_limit.take(
                cr,
                self.config.connector_id,
                limit,
                own_transaction=not registry.in_test_mode(),
            )
        if wait:
            raise IntakeError(
                429,
                "rate_limited",
                f"More than {limit} requests in a minute; retry in {wait} s. "
                "Nothing was stored for this request: send it again.",
                headers={"Retry-After": str(wait)},
            )

    def _charset(self):
        return payload_guard.charset_of(self.httprequest.headers.get("Content-Type"))

    def _json_text(self, body):
        """The JSON body as text, decoded with its declared charset."""
        try:
            return payload_guard.decode(body, self._charset())
        except payload_guard.PayloadProblem as err:
            raise self._problem(err, "malformed_json") from err

    def _loads(self, text):
        try:
            return payload_guard.loads(text)
        except payload_guard.PayloadProblem as err:
            raise self._problem(err, "malformed_json") from err
        except ValueError as err:
            raise IntakeError(
                400, "malformed_json", f"Body is not valid JSON: {err}"
            ) from err

    @staticmethod
    def _problem(err, error_400):
        error = {400: error_400, 415: "unsupported_media_type"}.get(
            err.status, "invalid_value"
        )
        return IntakeError(
            err.status,
            error,
            str(err),
            [{"path": err.path, "message": err.message}],
        )

    def _parse(self, body, content_type):
        """The format's parser, as the job will run it before mapping."""
        if content_type != "application/xml":
            return self._check_payload(self._loads(self._json_text(body)))
        flows = self.su_env["mfg.flow"]
        try:
            payload = flows._mfg_parse_wire(
                self.flow_code,
                content_type,
                body,
                wire_format=self.config.payload_format,
                xsd_dir=self.config.xsd_dir,
            )
        except xmldoc.XmlDocumentError as err:
            # Safety rules, XSD or the format's mapping: 400 with the reason.
            raise IntakeError(
                400, "malformed_xml", f"XML rejected: {err}", err.details
            ) from err
        except (ValueError, SyntaxError, OverflowError) as err:
            # OverflowError: an attribute such as sequence="inf" made an int.
            raise IntakeError(400, "malformed_xml", f"XML rejected: {err}") from err
        return self._check_payload(payload)

    def _check_payload(self, payload):
        if not isinstance(payload, dict):
            raise IntakeError(
                400,
                "not_an_object",
                "The payload must be a JSON object.",
                [{"path": "$", "message": f"got {type(payload).__name__}"}],
            )
        try:
            payload_guard.check(payload)
        except payload_guard.PayloadProblem as err:
            raise self._problem(err, "malformed_json") from err
        key = payload.get("ordering_key")
        if isinstance(key, str) and len(key) > ordering.KEY_MAX_LENGTH:
            raise IntakeError(
                422,
                "schema_violation",
                f"ordering_key is longer than {ordering.KEY_MAX_LENGTH} characters.",
                [{"path": "ordering_key", "message": f"{len(key)} characters"}],
            )
        if not self.config.has_mappings:
            # Identity flows speak the canonical format: check the contract now.
            spec = self.su_env["mfg.flow"]._get_flow_specs()[self.flow_code]
            try:
                schema_lib.validate(payload, spec.schema_dir, self.flow_code)
            except SchemaError as err:
                raise IntakeError(
                    422, "schema_violation", str(err), err.errors
                ) from err
        return payload

    # -------------------------------------------------------------- store
    def _existing(self, key):
        cr = self.su_env.cr
        cr.execute(
            """
            SELECT id, state FROM mfg_sync_message
             WHERE connector_id = %s AND direction = 'inbound' AND idempotency_key = %s
               AND state NOT IN ('rejected', 'duplicate')
             LIMIT 1
            """,
            [self.config.connector_id, key],
        )
        return cr.fetchone()

    def _sanitized_headers(self):
        kept = {}
        for name, value in self.httprequest.headers.items():
            lower = name.lower()
            if lower in KEPT_HEADERS:
                kept[lower] = value
            elif lower in MASKED_HEADERS:
                kept[lower] = "***"
        return json.dumps(kept)

    def _base_vals(self, key, raw, content_type):
        headers = self.httprequest.headers
        config = self.config
        return {
            "direction": "inbound",
            "connector_id": config.connector_id if config else None,
            "connector_code_received": self.connector_code,
            "flow_id": config.flow_id if config else None,
            "flow_code": self.flow_code,
            "idempotency_key": key,
            "correlation_id": headers.get("x-correlation-id") or key,
            "content_type": content_type,
            "payload_raw": raw,
            "headers": self._sanitized_headers(),
        }

    def _store(self, key, raw, content_type, payload):
        """One INSERT; None when the idempotency index says it is a duplicate.

        Raw SQL on purpose: the ORM create of a mail.thread model costs a
        savepoint, a follow-up UPDATE for stored computed fields and chatter
        bookkeeping, per webhook. The row is the engine's own bookkeeping;
        create_uid records the connector's technical user."""
        vals = self._base_vals(key, raw, content_type)
        vals.update(
            {
                "state": "queued",
                "company_id": self.config.company_id,
                "name": message_name("inbound", self.flow_code, key),
                "attempts": 0,
                "create_uid": self.config.technical_user_id or None,
                "write_uid": self.config.technical_user_id or None,
            }
        )
        if isinstance(payload.get("ordering_key"), str) and isinstance(
            payload.get("sequence"), int
        ):
            vals.update(
                {
                    "ordering_key": payload["ordering_key"],
                    "sequence": payload["sequence"],
                }
            )
        columns = sql.SQL(", ").join(sql.Identifier(name) for name in vals)
        placeholders = sql.SQL(", ").join(sql.Placeholder() * len(vals))
        query = sql.SQL(
            """
            INSERT INTO mfg_sync_message ({columns}, create_date, write_date)
            VALUES ({placeholders}, now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (connector_id, direction, idempotency_key)
                WHERE state NOT IN ('rejected', 'duplicate')
            DO NOTHING
            RETURNING id
            """
        ).format(columns=columns, placeholders=placeholders)
        cr = self.su_env.cr
        cr.execute(query, list(vals.values()))
        row = cr.fetchone()
        return row[0] if row else None

    def _enqueue_drain(self):
        """Enqueue the flow's drain job unless one is pending already."""
        config = self.config
        if config.flow_mode == "batch":
            return
        # The flow's cached identity key: no read of the flow per request.
        cr = self.su_env.cr
        if not drain_pending(cr, config.drain_identity_key):
            self.su_env["mfg.flow"].browse(config.flow_id)._schedule_drain()
        else:
            # That drain may start and read its batch before this request
            # commits: look again once it has (issue 12, item 7).
            drain_after_commit(cr, [config.flow_id])

    def _duplicate_answer(self, key, raw, content_type, existing):
        vals = self._base_vals(key, payload_guard.storable(raw), content_type)
        vals.update({"state": "duplicate", "http_status": 200})
        self._log_message(vals)
        return 200, {
            "message_id": existing[0],
            "status": existing[1],
            "duplicate": True,
        }

    def _log_message(self, vals):
        """Rejected and duplicate requests are kept too (rare: the ORM is fine)."""
        return (
            self.su_env["mfg.sync.message"]
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
            )
            .create(vals)
        )

    def refuse(self, err):
        """Keep a refused request: a rejected message when it was signed (an
        authenticated sender deserves its evidence), else only a count and a
        log line: unauthenticated traffic and rate-limited requests cost no
        stored row."""
        if self.authenticated and err.status != 429:
            return self.log_rejection(err)
        rejections.count(
            self.su_env.registry,
            self.config.connector_id if self.config else None,
            err.error,
            self.connector_code,
            self.flow_code,
            err.status,
        )
        return None

    def log_rejection(self, err, key=None, raw=None):
        """A refused signed request is kept as a rejected message."""
        headers = self.httprequest.headers
        if raw is None and err.status != 413 and self.body is not None:
            raw = self.body[:RAW_LOG_LIMIT].decode(self._safe_charset(), "replace")
        raw = payload_guard.storable(raw)
        vals = self._base_vals(
            key or headers.get("webhook-id"), raw, self.httprequest.mimetype
        )
        vals.update(
            {
                "state": "rejected",
                "http_status": err.status,
                "error_kind": "validation",
                "error_text": errors_lib.safe_text(str(err)),
                "error_details": json.dumps(err.details) if err.details else False,
                "processed_at": fields.Datetime.now(),
            }
        )
        message = self._log_message(vals)
        _logger.info(
            "mfg webhook %s/%s rejected with %s: %s",
            self.connector_code,
            self.flow_code,
            err.status,
            err.error,
        )
        return message

    # ------------------------------------------------------------ answers
    def _prepare(self, allow_batch=False):
        config = self._find_config()
        body = self._read_body()
        key = self._verify_signature(body, config)
        self.authenticated = True
        self._check_rate_limit()
        content_type = self._content_type(
            allow_xml=config.allow_xml and not allow_batch
        )
        return body, content_type, key

    def receive(self):
        body, content_type, key = self._prepare()
        if content_type == "application/xml":
            raw = payload_guard.storable(xmldoc.as_text(body))
        else:
            raw = payload_guard.storable(body.decode(self._safe_charset(), "replace"))
        try:
            payload = self._parse(body, content_type)
        except IntakeError:
            # A resent request answers as the first one did, whatever its body.
            existing = self._existing(key)
            if existing:
                return self._duplicate_answer(key, raw, content_type, existing)
            raise
        message_id = self._store(key, raw, content_type, payload)
        if message_id is None:
            return self._duplicate_answer(key, raw, content_type, self._existing(key))
        self._enqueue_drain()
        return 202, {"message_id": message_id, "status": "queued"}

    def _safe_charset(self):
        """The declared charset when Python knows it, for the raw text kept."""
        charset = self._charset() or "utf-8"
        try:
            return codecs.lookup(charset).name
        except LookupError:
            return "utf-8"

    def receive_batch(self):
        body, content_type, key = self._prepare(allow_batch=True)
        items = self._loads(self._json_text(body))
        if not isinstance(items, list) or not items:
            raise IntakeError(
                400, "not_an_array", "A batch body is a non-empty JSON array."
            )
        results, accepted, duplicates = [], 0, 0
        for index, item in enumerate(items):
            item_key = f"{key}:{index}"
            raw = json.dumps(item)
            try:
                payload = self._check_payload(item)
            except IntakeError as err:
                existing = self._existing(item_key)
                if existing:
                    self._duplicate_answer(item_key, raw, content_type, existing)
                    duplicates += 1
                    results.append(
                        {
                            "index": index,
                            "status": "duplicate",
                            "message_id": existing[0],
                        }
                    )
                    continue
                rejected = self.log_rejection(err, key=item_key, raw=raw)
                results.append(
                    {
                        "index": index,
                        "status": "rejected",
                        "message_id": rejected.id,
                        **err.as_body(),
                    }
                )
                continue
            message_id = self._store(item_key, raw, content_type, payload)
            if message_id is None:
                existing = self._existing(item_key)
                self._duplicate_answer(item_key, raw, content_type, existing)
                duplicates += 1
                results.append(
                    {"index": index, "status": "duplicate", "message_id": existing[0]}
                )
                continue
            accepted += 1
            results.append(
                {"index": index, "status": "queued", "message_id": message_id}
            )
        if accepted:
            self._enqueue_drain()
        rejected = len(items) - accepted - duplicates
        # Every item invalid: the request as a whole failed its contract.
        status = 422 if rejected == len(items) else 207
        return status, {
            "accepted": accepted,
            "duplicates": duplicates,
            "rejected": rejected,
            "results": results,
        }

    def status(self, webhook_id):
        connector = self.su_env["mfg.connector"].search(
            [("code", "=", self.connector_code), ("state", "=", "active")], limit=1
        )
        if not connector:
            raise IntakeError(404, "not_found", NOT_FOUND)
        self.body = b""
        config = connector._mfg_status_config()
        self._verify_signature(b"", config)
        message = self.su_env["mfg.sync.message"].search(
            [
                ("connector_id", "=", connector.id),
                ("direction", "=", "inbound"),
                ("idempotency_key", "=", webhook_id),
                ("state", "not in", ("duplicate",)),
            ],
            order="id desc",
            limit=1,
        )
        if not message:
            raise IntakeError(404, "not_found", "No message with this webhook-id.")
        return 200, {
            "message_id": message.id,
            "status": message.state,
            "error_kind": message.error_kind or None,
            "error": message.error_text or None,
            "processed_at": fields.Datetime.to_string(message.processed_at)
            if message.processed_at
            else None,
        }


# ------------------------------------------------------- per-worker cache
# The intake pays for queries, not for Python: reading the connector, its
# flows and their mappings on every request was most of its cost
# (bench/README.md). Any write that changes these values clears the cache,
# and Odoo's cache signaling clears it in the other workers too.

# Writes of these fields change nothing the intake reads: keep the cache.
CONNECTOR_VOLATILE = {"check_success_at", "check_error_at", "check_error"}
FLOW_VOLATILE = {"last_run_at", "alert_state", "alert_reasons", "alert_since"}


class MfgConnector(models.Model):
    _name = "mfg.connector"
    _inherit = ["mfg.connector", "mfg.registry.cache.mixin"]
    _cache_volatile_fields = frozenset(CONNECTOR_VOLATILE)

    def init(self):
        res = super().init()
        # Engine bookkeeping outside the ORM: one row per connector (rate
        # limit), per connector, reason and day (refused requests), and per
        # connector and ordering key (who may apply its messages).
        rate_limit.create_table(self.env.cr)
        rejections.create_table(self.env.cr)
        ordering_keys.create_table(self.env.cr)
        return res

    @api.model
    @tools.ormcache()
    def _mfg_intake_routes(self):
        """{(connector code, flow code)} of the active inbound routes: one
        cache entry, whatever URLs strangers try."""
        flows = (
            self.env["mfg.flow"]
            .sudo()
            .search(
                [
                    ("active", "=", True),
                    ("direction", "=", "inbound"),
                    ("connector_id.state", "=", "active"),
                ]
            )
        )
        return frozenset((flow.connector_id.code, flow.code) for flow in flows)

    @api.model
    @tools.ormcache("connector_code", "flow_code")
    def _mfg_intake_config(self, connector_code, flow_code):
        """IntakeConfig of an active connector's active inbound flow, or None.
        Holds the secrets encrypted only: they are decrypted per request."""
        connector = self.sudo().search(
            [("code", "=", connector_code), ("state", "=", "active")], limit=1
        )
        flow = connector.flow_ids.filtered(
            lambda f: f.code == flow_code and f.active and f.direction == "inbound"
        )[:1]
        if not flow:
            return None
        return IntakeConfig(
            connector_id=connector.id,
            company_id=connector.company_id.id,
            technical_user_id=connector.technical_user_id.id,
            max_payload_size=connector.max_payload_size or 1048576,
            signature_tolerance=connector.signature_tolerance,
            inbound_rate_limit=connector.inbound_rate_limit,
            inbound_secret_enc=connector.inbound_secret_enc,
            inbound_secret_previous_enc=connector.inbound_secret_previous_enc,
            inbound_secret_previous_until=connector.inbound_secret_previous_until,
            flow_id=flow.id,
            flow_mode=flow.mode,
            has_mappings=bool(flow.mapping_ids),
            allow_xml=bool(flow._get_spec().xml_parser or flow._format_spec()),
            drain_identity_key=flow._drain_identity_key(),
            payload_format=flow.payload_format,
            xsd_dir=connector.xsd_dir or None,
        )

    def _mfg_status_config(self):
        """The signature settings of this connector, for the status endpoint."""
        self.ensure_one()
        connector = self.sudo()
        return IntakeConfig(
            connector_id=connector.id,
            company_id=connector.company_id.id,
            technical_user_id=connector.technical_user_id.id,
            max_payload_size=connector.max_payload_size,
            signature_tolerance=connector.signature_tolerance,
            inbound_rate_limit=0,
            inbound_secret_enc=connector.inbound_secret_enc,
            inbound_secret_previous_enc=connector.inbound_secret_previous_enc,
            inbound_secret_previous_until=connector.inbound_secret_previous_until,
            flow_id=None,
            flow_mode=None,
            has_mappings=False,
            allow_xml=False,
            drain_identity_key=None,
            payload_format=None,
            xsd_dir=None,
        )


class MfgFlow(models.Model):
    _name = "mfg.flow"
    _inherit = ["mfg.flow", "mfg.registry.cache.mixin"]
    _cache_volatile_fields = frozenset(FLOW_VOLATILE)


class MfgFieldMapping(models.Model):
    _name = "mfg.field.mapping"
    _inherit = ["mfg.field.mapping", "mfg.registry.cache.mixin"]
