# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Proposal 1: what the intake needs of a connector and its flow, read once per
worker (ormcache), invalidated on every change of a connector, flow or mapping
(registry cache signaling reaches the other workers on their next request)."""

from odoo import api, models, tools

from odoo.addons.queue_job.job import Job, identity_exact


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    @api.model
    @tools.ormcache("connector_code", "flow_code")
    def _bench_intake_config(self, connector_code, flow_code):
        """Plain values (never records) of an active connector and inbound flow,
        or None. Secrets stay encrypted in the cache."""
        connector = self.sudo().search(
            [("code", "=", connector_code), ("state", "=", "active")], limit=1
        )
        flow = connector.flow_ids.filtered(
            lambda f: f.code == flow_code and f.active and f.direction == "inbound"
        )[:1]
        if not flow:
            return None
        spec = flow._get_spec()
        user = connector.technical_user_id
        runner = flow.with_user(user) if user else flow.sudo()
        # the identity of the drain job, computed as queue_job computes it
        identity = Job(runner._mfg_drain, identity_key=identity_exact).identity_key
        return {
            "connector_id": connector.id,
            "company_id": connector.company_id.id,
            "technical_user_id": user.id or False,
            "max_payload_size": connector.max_payload_size or 1048576,
            "signature_tolerance": connector.signature_tolerance,
            "secret_enc": connector.inbound_secret_enc or False,
            "previous_enc": connector.inbound_secret_previous_enc or False,
            "previous_until": connector.inbound_secret_previous_until or False,
            "flow_id": flow.id,
            "mode": flow.mode,
            "has_mapping": bool(flow.mapping_ids),
            "xml": bool(spec.get("xml_parser")),
            "schema_dir": spec["schema_dir"],
            "drain_identity_key": identity,
        }

    def _bench_clear_intake_cache(self):
        self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._bench_clear_intake_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        # health bookkeeping (last_success_at...) does not change the intake
        if set(vals) - {
            "last_success_at",
            "last_error_at",
            "last_error",
            "consecutive_failures",
        }:
            self._bench_clear_intake_cache()
        return result

    def unlink(self):
        self._bench_clear_intake_cache()
        return super().unlink()


class _ClearOnChange(models.AbstractModel):
    _name = "mfg.bench.clear.intake.cache"
    _description = "Clears the intake cache when a flow or a mapping changes"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if set(vals) - {"last_run_at"}:
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()


class MfgFlow(models.Model):
    _name = "mfg.flow"
    _inherit = ["mfg.flow", "mfg.bench.clear.intake.cache"]


class MfgFieldMapping(models.Model):
    _name = "mfg.field.mapping"
    _inherit = ["mfg.field.mapping", "mfg.bench.clear.intake.cache"]
