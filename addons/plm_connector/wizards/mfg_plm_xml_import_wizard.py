# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.mfg_integration_base.core.mapping import MappingError
from odoo.addons.mfg_integration_base.core.schemas import SchemaError

from ..core import xml_release


class MfgPlmXmlImportWizard(models.TransientModel):
    _name = "mfg.plm.xml.import.wizard"
    _description = "Upload a PLM XML release"

    connector_id = fields.Many2one(
        "mfg.connector",
        required=True,
        domain="[('kind', '=', 'plm'), ('state', '=', 'active')]",
        default=lambda self: self._default_connector_id(),
    )
    xml_file = fields.Binary(string="PLM XML file", required=True)
    xml_filename = fields.Char()
    message_id = fields.Many2one("mfg.sync.message", readonly=True)

    @api.model
    def _default_connector_id(self):
        return self.env["mfg.connector"].search(
            [("kind", "=", "plm"), ("state", "=", "active")], limit=1
        )

    def _parse(self, data):
        try:
            return xml_release.parse_release(data)
        except xml_release.PlmXmlError as err:
            raise UserError(self.env._("XML rejected: %s", err)) from err

    def _prepare_message_vals(self, flow, data):
        # The upload is keyed by the file's content: the same file twice is
        # refused as a duplicate, like a webhook sent twice.
        key = "upload-" + hashlib.sha256(data).hexdigest()[:40]
        return {
            "direction": "inbound",
            "connector_id": flow.connector_id.id,
            "connector_code_received": flow.connector_id.code,
            "flow_id": flow.id,
            "flow_code": flow.code,
            "idempotency_key": key,
            "correlation_id": key,
            "content_type": "application/xml",
            "payload_raw": data.decode("utf-8", "replace"),
            "state": "queued",
        }

    def action_import(self):
        """Store the file as the webhook stores an XML body, then let the
        engine's job process it; returns the message."""
        self.ensure_one()
        connector = self.connector_id
        data = base64.b64decode(self.xml_file or b"")
        flow_code, payload = self._parse(data)
        flow = connector.flow_ids.filtered(lambda f: f.code == flow_code and f.active)
        if not flow:
            raise UserError(
                self.env._(
                    "Connector %(connector)s has no active flow %(flow)s.",
                    connector=connector.name,
                    flow=flow_code,
                )
            )
        try:
            # The flow's mapping step, as the job runs it on the stored file.
            flow._validate_canonical(flow._map_inbound(payload))
        except (SchemaError, MappingError) as err:
            raise UserError(
                self.env._("The release breaks its contract: %s", err)
            ) from err
        vals = self._prepare_message_vals(flow, data)
        # Stored as the connector's technical user, in its company only, exactly
        # like the webhook (the engine creates messages in sudo: users cannot).
        messages = (
            connector._mfg_as_technical_user(self.env["mfg.sync.message"])
            .sudo()
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
            )
        )
        try:
            with self.env.cr.savepoint():
                message = messages.create(vals)
                message.flush_recordset()
        except psycopg2.errors.UniqueViolation as err:
            raise UserError(
                self.env._(
                    "This file was already uploaded to connector %s.", connector.name
                )
            ) from err
        flow._schedule_drain()
        self.message_id = message.id
        return {
            "type": "ir.actions.act_window",
            "res_model": "mfg.sync.message",
            "res_id": message.id,
            "view_mode": "form",
            "target": "current",
        }
