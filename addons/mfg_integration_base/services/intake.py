# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a webhook request goes through before it becomes a queued message.

Order of checks (DESIGN.md, "Inbound webhooks"): connector and flow (404),
size (413), content type (415), signature (401), duplicate (200), body (400),
contract (422), then store + enqueue in the request's transaction (202).
"""

import json
import logging

import psycopg2

from odoo import fields

from ..core import hashing, signatures
from ..core.schemas import SchemaError

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
    def __init__(self, env, httprequest, connector_code, flow_code):
        # Lookups of the connector and its secrets need sudo (auth="none");
        # the message itself is written as the connector's technical user.
        self.su_env = env(su=True)
        self.httprequest = httprequest
        self.connector_code = connector_code
        self.flow_code = flow_code
        self.connector = None
        self.flow = None
        self.body = None

    # ------------------------------------------------------------- checks
    def _find_connector(self):
        connector = self.su_env["mfg.connector"].search(
            [("code", "=", self.connector_code), ("state", "=", "active")], limit=1
        )
        if not connector:
            raise IntakeError(404, "not_found", NOT_FOUND)
        self.connector = connector
        return connector

    def _find_flow(self):
        flow = self.connector.flow_ids.filtered(
            lambda f: f.code == self.flow_code and f.active and f.direction == "inbound"
        )[:1]
        if not flow:
            raise IntakeError(404, "not_found", NOT_FOUND)
        self.flow = flow
        return flow

    def _read_body(self):
        limit = self.connector.max_payload_size or 1048576
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

    def _verify_signature(self, body):
        headers = self.httprequest.headers
        secrets = self.connector._get_inbound_secrets()
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
                tolerance=self.connector.signature_tolerance,
            )
        except signatures.SignatureError as err:
            raise IntakeError(
                401, "unauthorized", f"Signature rejected: {err}."
            ) from err
        return headers.get("webhook-id")

    def _parse(self, body, content_type, flow):
        spec = flow._get_spec()
        if content_type == "application/xml":
            try:
                payload = spec["xml_parser"](body)
            except (ValueError, SyntaxError) as err:
                raise IntakeError(400, "malformed_xml", f"XML rejected: {err}") from err
        else:
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError) as err:
                raise IntakeError(
                    400, "malformed_json", f"Body is not valid JSON: {err}"
                ) from err
        return self._check_payload(payload, flow)

    def _check_payload(self, payload, flow):
        if not isinstance(payload, dict):
            raise IntakeError(
                400,
                "not_an_object",
                "The payload must be a JSON object.",
                [{"path": "$", "message": f"got {type(payload).__name__}"}],
            )
        if not flow.mapping_ids:
            # Identity flows speak the canonical format: check the contract now.
            try:
                flow._validate_canonical(payload)
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
            [self.connector.id, key],
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

    def _message_model(self, technical=True):
        env = self.su_env
        if technical and self.connector and self.connector.technical_user_id:
            env = env(user=self.connector.technical_user_id.id, su=False)
            env = env(
                context=dict(
                    env.context, allowed_company_ids=[self.connector.company_id.id]
                )
            )
        return env["mfg.sync.message"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )

    def _base_vals(self, key, raw, content_type):
        headers = self.httprequest.headers
        return {
            "direction": "inbound",
            "connector_id": self.connector.id if self.connector else False,
            "connector_code_received": self.connector_code,
            "flow_id": self.flow.id if self.flow else False,
            "flow_code": self.flow_code,
            "idempotency_key": key,
            "correlation_id": headers.get("x-correlation-id") or key,
            "content_type": content_type,
            "payload_raw": raw,
            "headers": self._sanitized_headers(),
        }

    def _store(self, key, body, content_type, payload):
        vals = self._base_vals(key, body.decode("utf-8", "replace"), content_type)
        vals["state"] = "queued"
        if content_type == "application/xml":
            vals["payload_canonical"] = hashing.canonical_json(payload)
        if isinstance(payload.get("ordering_key"), str) and isinstance(
            payload.get("sequence"), int
        ):
            vals.update(
                {
                    "ordering_key": payload["ordering_key"],
                    "sequence": payload["sequence"],
                }
            )
        try:
            with self.su_env.cr.savepoint(flush=False):
                message = self._message_model().create(vals)
                message.flush_recordset()
        except psycopg2.errors.UniqueViolation:
            # A concurrent request with the same webhook-id won the race.
            return None
        return message

    def _duplicate_answer(self, key, raw, content_type, existing):
        vals = self._base_vals(key, raw, content_type)
        vals.update({"state": "duplicate", "http_status": 200})
        self._message_model(technical=False).create(vals)
        return 200, {
            "message_id": existing[0],
            "status": existing[1],
            "duplicate": True,
        }

    def log_rejection(self, err, key=None, raw=None):
        """Every refused request is kept as a rejected message."""
        headers = self.httprequest.headers
        if raw is None and err.status != 413 and self.body is not None:
            raw = self.body[:RAW_LOG_LIMIT].decode("utf-8", "replace")
        vals = self._base_vals(
            key or headers.get("webhook-id"), raw, self.httprequest.mimetype
        )
        vals.update(
            {
                "state": "rejected",
                "http_status": err.status,
                "error_kind": "validation",
                "error_text": str(err),
                "error_details": json.dumps(err.details) if err.details else False,
                "processed_at": fields.Datetime.now(),
            }
        )
        message = self._message_model(technical=False).create(vals)
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
        self._find_connector()
        flow = self._find_flow()
        body = self._read_body()
        content_type = self._content_type(
            allow_xml=bool(flow._get_spec().get("xml_parser")) and not allow_batch
        )
        key = self._verify_signature(body)
        self._check_rate_limit()
        return flow, body, content_type, key

    def _check_rate_limit(self):
        wait = self.connector._inbound_rate_exceeded()
        if wait:
            raise IntakeError(
                429,
                "rate_limited",
                f"More than {self.connector.inbound_rate_limit} requests in a minute; "
                f"retry in {wait} s. Nothing was stored for this request.",
                headers={"Retry-After": str(wait)},
            )

    def receive(self):
        flow, body, content_type, key = self._prepare()
        existing = self._existing(key)
        if existing:
            return self._duplicate_answer(
                key, body.decode("utf-8", "replace"), content_type, existing
            )
        payload = self._parse(body, content_type, flow)
        message = self._store(key, body, content_type, payload)
        if message is None:
            existing = self._existing(key)
            return self._duplicate_answer(
                key, body.decode("utf-8", "replace"), content_type, existing
            )
        flow._schedule_drain()
        return 202, {"message_id": message.id, "status": "queued"}

    def receive_batch(self):
        flow, body, content_type, key = self._prepare(allow_batch=True)
        try:
            items = json.loads(body)
        except (ValueError, UnicodeDecodeError) as err:
            raise IntakeError(
                400, "malformed_json", f"Body is not valid JSON: {err}"
            ) from err
        if not isinstance(items, list) or not items:
            raise IntakeError(
                400, "not_an_array", "A batch body is a non-empty JSON array."
            )
        results, accepted = [], 0
        for index, item in enumerate(items):
            item_key = f"{key}:{index}"
            raw = json.dumps(item)
            existing = self._existing(item_key)
            if existing:
                self._duplicate_answer(item_key, raw, content_type, existing)
                results.append(
                    {"index": index, "status": "duplicate", "message_id": existing[0]}
                )
                continue
            try:
                payload = self._check_payload(item, flow)
            except IntakeError as err:
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
            message = self._store(item_key, raw.encode(), content_type, payload)
            if message is None:
                results.append({"index": index, "status": "duplicate"})
                continue
            accepted += 1
            results.append(
                {"index": index, "status": "queued", "message_id": message.id}
            )
        if accepted:
            flow._schedule_drain()
        return 207, {
            "accepted": accepted,
            "rejected": len(items) - accepted,
            "results": results,
        }

    def status(self, webhook_id):
        self._find_connector()
        self.body = b""
        self._verify_signature(b"")
        message = self.su_env["mfg.sync.message"].search(
            [
                ("connector_id", "=", self.connector.id),
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
