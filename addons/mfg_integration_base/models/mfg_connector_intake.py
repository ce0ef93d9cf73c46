# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the webhook intake needs to know of a connector and flow, cached per
worker. The intake pays for queries, not for Python: reading the connector,
its flows and their mappings on every request was most of its cost
(bench/README.md). Any write that changes these values clears the cache, and
Odoo's cache signaling clears it in the other workers too."""

from collections import namedtuple

from odoo import api, models, tools

from ..services import rate_limit, rejections

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
# Writes of these fields change nothing the intake reads: keep the cache.
CONNECTOR_VOLATILE = {"check_success_at", "check_error_at", "check_error"}
FLOW_VOLATILE = {"last_run_at", "alert_state", "alert_reasons", "alert_since"}


class IntakeCacheMixin(models.AbstractModel):
    """Clears the intake cache when a record that feeds it changes."""

    _name = "mfg.intake.cache.mixin"
    _description = "Clears the webhook intake cache on change"
    _intake_volatile_fields = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if set(vals) - self._intake_volatile_fields:
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result


class MfgConnector(models.Model):
    _name = "mfg.connector"
    _inherit = ["mfg.connector", "mfg.intake.cache.mixin"]  # noqa: RUF012
    _intake_volatile_fields = frozenset(CONNECTOR_VOLATILE)

    def init(self):
        res = super().init()
        # Engine bookkeeping outside the ORM: one row per connector (rate
        # limit) and per connector, reason and day (refused requests).
        rate_limit.create_table(self.env.cr)
        rejections.create_table(self.env.cr)
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
            allow_xml=bool(flow._get_spec().get("xml_parser") or flow._format_spec()),
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
    _inherit = ["mfg.flow", "mfg.intake.cache.mixin"]  # noqa: RUF012
    _intake_volatile_fields = frozenset(FLOW_VOLATILE)


class MfgFieldMapping(models.Model):
    _name = "mfg.field.mapping"
    _inherit = ["mfg.field.mapping", "mfg.intake.cache.mixin"]  # noqa: RUF012
