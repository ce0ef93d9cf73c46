# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Operating a connector across sites: rate limits, environment, templates."""

import base64
import json
from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

TEMPLATE_FORMAT = "mfg.connector.template/1"
# Connector settings a template carries; never secrets, users or health.
TEMPLATE_CONNECTOR_FIELDS = (
    "name",
    "kind",
    "base_url",
    "auth_type",
    "api_key_header",
    "connect_timeout",
    "read_timeout",
    "max_attempts",
    "backoff_base",
    "backoff_cap",
    "max_payload_size",
    "signature_tolerance",
    "inbound_rate_limit",
    "outbound_rate_limit",
)
TEMPLATE_FLOW_FIELDS = (
    "code",
    "name",
    "sequence",
    "active",
    "mode",
    "interval_minutes",
    "batch_size",
    "channel",
    "latency_target_seconds",
    "gap_timeout_minutes",
    "alert_failure_rate",
    "alert_backlog_age_minutes",
    "alert_dead_letters",
    "alert_latency",
    "escalation_delay_minutes",
)
TEMPLATE_MAPPING_FIELDS = (
    "sequence",
    "source_path",
    "target_path",
    "transform",
    "constant_value",
    "default_value",
    "required",
    "datetime_format",
    "timezone",
    "lookup_model",
)


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    inbound_rate_limit = fields.Integer(
        string="Inbound limit (requests/min)",
        default=0,
        help="Webhook requests accepted per minute; above it Odoo answers 429 with "
        "Retry-After. 0: no limit.",
    )
    outbound_rate_limit = fields.Integer(
        string="Outbound throttle (sends/min)",
        default=0,
        help="Outbound sends per minute; the rest wait for the next minute. "
        "0: no limit.",
    )
    environment = fields.Selection(
        [
            ("production", "Production"),
            ("test", "Test"),
            ("neutralized", "Neutralized copy"),
        ],
        default="production",
        required=True,
        tracking=True,
        help="A neutralized database copy pauses every connector and drops outbound "
        "credentials, so a test copy never talks to a real plant.",
    )

    # ---------------------------------------------------------- rate limits
    def _outbound_budget(self):
        """How many sends this connector may still make in the current minute."""
        self.ensure_one()
        if not self.outbound_rate_limit:
            return None
        self.env["mfg.sync.message"].flush_model()
        self.env.cr.execute(
            """
            SELECT COUNT(*) FROM mfg_sync_message
             WHERE connector_id = %s AND direction = 'outbound' AND processed_at >= %s
            """,
            [self.id, fields.Datetime.now() - timedelta(minutes=1)],
        )
        return max(0, self.outbound_rate_limit - self.env.cr.fetchone()[0])

    # ------------------------------------------------------------ templates
    def _template_dict(self):
        """The connector as a template: flows, mappings, value maps, settings.
        Never secrets, users, company or health."""
        self.ensure_one()
        flows = []
        for flow in self.flow_ids.with_context(active_test=False):
            mappings = []
            for mapping in flow.mapping_ids:
                row = {f: mapping[f] for f in TEMPLATE_MAPPING_FIELDS}
                row["value_map"] = [
                    [v.external_value, v.canonical_value] for v in mapping.value_map_ids
                ]
                mappings.append(row)
            row = {f: flow[f] for f in TEMPLATE_FLOW_FIELDS}
            row["mappings"] = mappings
            row["target_model"] = flow.target_model_id.model or False
            row["allowed_fields"] = flow.allowed_field_ids.mapped("name")
            flows.append(row)
        connector = {f: self[f] for f in TEMPLATE_CONNECTOR_FIELDS}
        connector.update(self._template_extra_values())
        return {
            "format": TEMPLATE_FORMAT,
            "code": self.code,
            "connector": connector,
            "flows": flows,
        }

    def _template_extra_values(self):
        """Hook: domain addons add their connector settings to templates."""
        return {}

    def action_export_template(self):
        self.ensure_one()
        data = json.dumps(self._template_dict(), indent=2, sort_keys=True).encode()
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"connector-{self.code}.json",
                "datas": base64.b64encode(data),
                "mimetype": "application/json",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_duplicate_for_site(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mfg.connector.template.import",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_template_json": json.dumps(self._template_dict()),
                "default_code": f"{self.code}-2",
                "default_name": f"{self.name} (copy)",
            },
        }

    def _template_flow_target(self, flow):
        """Target model and allowed fields of a generic flow, by name."""
        if not flow.get("target_model"):
            return {}
        model = self.env["ir.model"]._get(flow["target_model"])
        fields_ = self.env["ir.model.fields"].search(
            [
                ("model", "=", flow["target_model"]),
                ("name", "in", flow.get("allowed_fields", [])),
            ]
        )
        return {"target_model_id": model.id, "allowed_field_ids": [(6, 0, fields_.ids)]}

    def _create_from_template(
        self, template, code, name, company, technical_user=None, responsible=None
    ):
        """Create a draft connector from a template dict; returns it."""
        if template.get("format") != TEMPLATE_FORMAT:
            raise UserError(
                self.env._(
                    "This file is not a connector template (%s).", TEMPLATE_FORMAT
                )
            )
        known_flows = dict(
            self.env["mfg.flow"]._fields["code"]._description_selection(self.env)
        )
        unknown = [
            f["code"] for f in template.get("flows", []) if f["code"] not in known_flows
        ]
        if unknown:
            raise UserError(
                self.env._(
                    "The template has flows this database does not know: %s. "
                    "Install their addon first.",
                    ", ".join(unknown),
                )
            )
        vals = {k: v for k, v in template["connector"].items() if k in self._fields}
        vals.update(
            {
                "code": code,
                "name": name,
                "company_id": company.id,
                "state": "draft",
                "technical_user_id": technical_user.id if technical_user else False,
                "responsible_user_id": responsible.id if responsible else False,
                "flow_ids": [
                    (
                        0,
                        0,
                        {
                            **{
                                k: v
                                for k, v in flow.items()
                                if k in TEMPLATE_FLOW_FIELDS
                            },
                            **self._template_flow_target(flow),
                            "mapping_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        **{
                                            k: v
                                            for k, v in m.items()
                                            if k != "value_map"
                                        },
                                        "value_map_ids": [
                                            (
                                                0,
                                                0,
                                                {
                                                    "external_value": e,
                                                    "canonical_value": c,
                                                },
                                            )
                                            for e, c in m["value_map"]
                                        ],
                                    },
                                )
                                for m in flow.get("mappings", [])
                            ],
                        },
                    )
                    for flow in template.get("flows", [])
                ],
            }
        )
        return self.create(vals)
