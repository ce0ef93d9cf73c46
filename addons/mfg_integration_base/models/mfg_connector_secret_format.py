# mfg.connector, split: the signing-secret format rule and its rewrite of old secrets
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Signing secrets are Standard Webhooks secrets: base64 of 24-64 bytes,
optionally prefixed ``whsec_``, decoded before use (issue 12, item 6).

Secrets stored before this rule were used as raw bytes unless prefixed. On
install/update each such secret is rewritten as ``whsec_`` + base64 of those
same bytes: the HMAC key does not change, so every sender that worked keeps
working; the connector's chatter says so, and that a sender following the
specification needs the new form (or a new secret)."""

import base64
import logging

from odoo import api, models
from odoo.exceptions import ValidationError

from ..core import crypto, signatures
from .mfg_connector import secrets_box

_logger = logging.getLogger(__name__)

# (encrypted column, applies only when the connector signs its outbound calls)
SIGNING_COLUMNS = (
    ("inbound_secret_enc", False),
    ("inbound_secret_previous_enc", False),
    ("outbound_secret_enc", True),
)


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    def _mfg_check_signing_secret(self, secret):
        """The secret to store (surrounding blanks dropped), or a clear error."""
        secret = (secret or "").strip()
        try:
            signatures.check_secret(secret)
        except signatures.SecretFormatError as err:
            raise ValidationError(
                self.env._("Connector %(name)s: %(error)s.", name=self.name, error=err)
            ) from err
        return secret

    @api.constrains("auth_type")
    def _check_outbound_signing_secret(self):
        for connector in self.filtered(lambda c: c.auth_type == "signature"):
            secret = connector._get_secret("outbound_secret")
            if secret:
                connector._mfg_check_signing_secret(secret)

    def init(self):
        result = super().init()
        self._mfg_upgrade_raw_secrets()
        return result

    def _mfg_upgrade_raw_secrets(self):
        """Rewrite secrets stored in the old raw form (see the module doc)."""
        self.flush_model()
        cr = self.env.cr
        cr.execute(
            "SELECT id, name, auth_type, inbound_secret_enc, "
            "inbound_secret_previous_enc, outbound_secret_enc FROM mfg_connector "
            "WHERE COALESCE(inbound_secret_enc, inbound_secret_previous_enc, "
            "outbound_secret_enc) IS NOT NULL"
        )
        rows = cr.dictfetchall()
        if not rows:
            return
        try:
            box = secrets_box()
        except crypto.SecretKeyError as err:
            _logger.error("Connector secrets not checked: %s", err)
            return
        for row in rows:
            changed = {}
            for column, outbound_only in SIGNING_COLUMNS:
                if not row[column] or (
                    outbound_only and row["auth_type"] != "signature"
                ):
                    continue
                try:
                    plain = crypto.decrypt(box, row[column])
                except crypto.SecretKeyError as err:
                    _logger.error("Connector %s: %s", row["id"], err)
                    continue
                if plain.startswith(signatures.SECRET_PREFIX):
                    continue
                raw = base64.b64encode(plain.encode("utf-8")).decode("ascii")
                changed[column] = crypto.encrypt(box, signatures.SECRET_PREFIX + raw)
            if changed:
                self._mfg_record_secret_upgrade(row["id"], changed)

    def _mfg_record_secret_upgrade(self, connector_id, changed):
        connector = self.browse(connector_id).sudo()
        connector.write(changed)
        connector._mfg_note(
            self.env._(
                "Signing secrets are now read as Standard Webhooks secrets (base64, "
                "optionally whsec_). This connector's secret was used as raw bytes: "
                "it is stored again as whsec_ + base64 of the same bytes, so its "
                "signatures do not change. Give a sender that follows the "
                "specification that form, or set a new secret."
            )
        )
        _logger.info(
            "Connector %s: signing secret rewritten in the whsec_ form", connector_id
        )
