# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Connector templates carry event subscriptions (a feed's settings are flow
fields, carried as the others: see mfg_connector_template.py).

Subscriptions travel in a top-level ``subscriptions`` list, by names that hold
across databases (model and field technical names), and are created after the
connector, as the person importing: the fields they may not read are refused as
in the form."""

from odoo import models
from odoo.exceptions import UserError

SUBSCRIPTION_TEMPLATE_FIELDS = (
    "name",
    "sequence",
    "active",
    "trigger",
    "filter_domain",
    "state_value",
    "field_paths",
    "ordering_key_path",
    "event_code",
)
# Template key -> subscription field holding a field of the subscribed model.
SUBSCRIPTION_FIELD_KEYS = {
    "state_field": "state_field_id",
    "external_id_field": "external_id_field_id",
}


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    def _template_dict(self):
        template = super()._template_dict()
        subscriptions = (
            self.env["mfg.event.subscription"]
            .with_context(active_test=False)
            .search([("connector_id", "=", self.id)])
        )
        template["subscriptions"] = [s._template_row() for s in subscriptions]
        return template

    def _create_from_template(self, template, code, name, company, *args, **kwargs):
        connector = super()._create_from_template(
            template, code, name, company, *args, **kwargs
        )
        connector._template_load_events(template)
        return connector

    def _template_load_events(self, template):
        self.ensure_one()
        flows = {f.code: f for f in self.flow_ids.with_context(active_test=False)}
        subscriptions = self.env["mfg.event.subscription"]
        for row in template.get("subscriptions", []):
            flow = flows.get(row.get("flow") or "generic.event")
            if not flow:
                raise UserError(
                    self.env._(
                        "Subscription %(name)s sends through flow %(flow)s, which "
                        "the template does not have.",
                        name=row.get("name"),
                        flow=row.get("flow"),
                    )
                )
            subscriptions.create(subscriptions._template_vals(row, flow))


class MfgEventSubscription(models.Model):
    _inherit = "mfg.event.subscription"

    def _template_row(self):
        self.ensure_one()
        row = {name: self[name] for name in SUBSCRIPTION_TEMPLATE_FIELDS}
        row["flow"] = self.flow_id.code
        row["model"] = self.model_id.model
        row["watched_fields"] = self.watched_field_ids.mapped("name")
        for key, field_name in SUBSCRIPTION_FIELD_KEYS.items():
            row[key] = self[field_name].name or False
        return row

    def _template_vals(self, row, flow):
        """Values of a subscription from a template row; a model or field this
        database lacks is a clear error (install its addon first)."""
        model = row.get("model")
        if not model or model not in self.env:
            raise UserError(
                self.env._(
                    "Subscription %(name)s needs model %(model)s: install its "
                    "addon first.",
                    name=row.get("name"),
                    model=model,
                )
            )
        vals = {k: v for k, v in row.items() if k in SUBSCRIPTION_TEMPLATE_FIELDS}
        vals.update(
            {"flow_id": flow.id, "model_id": self.env["ir.model"]._get_id(model)}
        )
        Fields = self.env["ir.model.fields"]
        for key, field_name in SUBSCRIPTION_FIELD_KEYS.items():
            if row.get(key):
                vals[field_name] = Fields._get(model, row[key]).id
        if row.get("watched_fields"):
            vals["watched_field_ids"] = [
                (6, 0, [Fields._get(model, name).id for name in row["watched_fields"]])
            ]
        return vals
