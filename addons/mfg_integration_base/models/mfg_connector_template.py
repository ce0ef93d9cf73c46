# mfg.connector, split: templates (export/import), one concern across four models
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Connector templates: a connector's settings, flows, mappings and value maps
as a JSON file, to set up the same integration at another site.

What a template carries is declared on each field, where the field is defined
(in the base or in a domain addon), with the field parameter ``mfg_template``:

- ``True``: carried, whatever the connector's kind;
- a kind (``"mes"``) or a tuple of kinds: carried for connectors of that kind;
- ``"ask"``: the import wizard asks for it (code, name, company, users of the
  connector, base URL, site);
- ``False``: never carried (secrets and credentials, health, state).

A stored field of a connector, flow or mapping that declares nothing fails the
test ``test_connector_template``: a new setting cannot be forgotten again.
Records are carried by a name that holds across databases (users by login,
models by their technical name); one that the importing database lacks is
left empty and named in the wizard's preview.

Event subscriptions travel in a top-level ``subscriptions`` list, by names that
hold across databases (model and field technical names), and are created after
the connector, as the person importing: the fields they may not read are
refused as in the form (a feed's settings are flow fields, carried as the
others)."""

import base64
import datetime
import json

from odoo import api, fields, models
from odoo.exceptions import UserError

TEMPLATE_FORMAT = "mfg.connector.template/2"
LEGACY_FORMATS = ("mfg.connector.template/1",)
ASK = "ask"
# The field of a record's model that names it in a template.
NATURAL_KEYS = {"res.users": "login", "ir.model": "model", "ir.model.fields": "name"}
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


class MfgTemplateMixin(models.AbstractModel):
    """Reads and writes the fields a template carries (see the module doc)."""

    _name = "mfg.template.mixin"
    _description = "Fields carried by connector templates"

    def _valid_field_parameter(self, field, name):
        return name == "mfg_template" or super()._valid_field_parameter(field, name)

    @api.model
    def _template_field_names(self, kind=None):
        """Stored fields this model's templates carry, for a connector ``kind``."""
        names = []
        for name, field in self._fields.items():
            declared = getattr(field, "mfg_template", None)
            if isinstance(declared, str) and declared != ASK:
                declared = (declared,)
            if declared is True or (isinstance(declared, tuple) and kind in declared):
                names.append(name)
        return names

    def _template_dump(self, kind=None):
        """{field: value} of the carried fields; records by their natural key."""
        self.ensure_one()
        values = {}
        for name in self._template_field_names(kind):
            field, value = self._fields[name], self[name]
            if field.type == "many2one":
                values[name] = self._template_key(field, value) if value else False
            elif field.type == "many2many":
                values[name] = [self._template_key(field, record) for record in value]
            elif isinstance(value, datetime.date):
                values[name] = fields.Datetime.to_string(value)
            else:
                values[name] = value
        return values

    @api.model
    def _template_key(self, field, record):
        key = NATURAL_KEYS.get(field.comodel_name)
        if not key:
            # not an f-string inside _(): the term extractor of Odoo's .pot export
            # evaluates string arguments and would drop this file's terms
            field_path = f"{self._name}.{field.name}"
            raise UserError(
                self.env._(
                    "Field %(field)s cannot travel in a template (declare it "
                    "mfg_template='ask' or False).",
                    field=field_path,
                )
            )
        return record[key]

    @api.model
    def _template_load(self, values, kind=None, missing=None):
        """Write values of the carried fields from a template dict; a record the
        database lacks is left empty and added to ``missing``."""
        vals = {}
        for name in self._template_field_names(kind):
            if name not in values:
                continue
            field, value = self._fields[name], values[name]
            if field.type == "many2one":
                vals[name] = (
                    self._template_find(field, [value], vals, missing).id
                    if value
                    else False
                )
            elif field.type == "many2many":
                found = self._template_find(field, value or [], vals, missing)
                vals[name] = [fields.Command.set(found.ids)]
            else:
                vals[name] = value
        return vals

    @api.model
    def _template_find(self, field, keys, vals, missing):
        """Records of ``field``'s model named by ``keys``."""
        comodel = self.env[field.comodel_name].sudo()
        domain = [(NATURAL_KEYS[field.comodel_name], "in", keys)]
        domain += self._template_find_domain(field, vals)
        found = comodel.search(domain)
        lacking = set(keys) - set(found.mapped(NATURAL_KEYS[field.comodel_name]))
        if lacking and missing is not None:
            missing.extend(f"{field.string}: {key}" for key in sorted(lacking))
        return found.with_env(self.env)

    @api.model
    def _template_find_domain(self, field, vals):
        """Extra domain to find a record by its key (hook: keys that are unique
        only within another record, such as a field name within its model)."""
        return []


class MfgFieldMapping(models.Model):
    _name = "mfg.field.mapping"
    _inherit = ["mfg.field.mapping", "mfg.template.mixin"]

    def _template_dump(self, kind=None):
        values = super()._template_dump(kind)
        values["value_map"] = [
            [v.external_value, v.canonical_value] for v in self.value_map_ids
        ]
        return values

    @api.model
    def _template_load(self, values, kind=None, missing=None):
        vals = super()._template_load(values, kind, missing)
        vals["value_map_ids"] = [
            fields.Command.create({"external_value": e, "canonical_value": c})
            for e, c in values.get("value_map") or ()
        ]
        return vals


class MfgFlow(models.Model):
    _name = "mfg.flow"
    _inherit = ["mfg.flow", "mfg.template.mixin"]

    def _template_dump(self, kind=None):
        values = super()._template_dump(kind)
        values["mappings"] = [
            mapping._template_dump(kind)
            for mapping in self.mapping_ids.sorted(lambda m: (m.sequence, m.id))
        ]
        return values

    @api.model
    def _template_load(self, values, kind=None, missing=None):
        vals = super()._template_load(values, kind, missing)
        mappings = self.env["mfg.field.mapping"]
        vals["mapping_ids"] = [
            fields.Command.create(mappings._template_load(row, kind, missing))
            for row in values.get("mappings") or ()
        ]
        return vals

    @api.model
    def _template_find_domain(self, field, vals):
        if field.name == "allowed_field_ids":
            # Field names are unique within the flow's target model only.
            model = self.env["ir.model"].browse(vals.get("target_model_id"))
            return [("model_id", "=", model.id)]
        return super()._template_find_domain(field, vals)


class MfgConnector(models.Model):
    _name = "mfg.connector"
    _inherit = ["mfg.connector", "mfg.template.mixin"]

    def _template_dict(self):
        """The connector as a template: what its fields declare, its flows with
        their mappings and value maps, its event subscriptions."""
        self.ensure_one()
        kind = self.kind
        flows = self.flow_ids.with_context(active_test=False).sorted(
            lambda f: (f.sequence, f.id)
        )
        subscriptions = (
            self.env["mfg.event.subscription"]
            .with_context(active_test=False)
            .search([("connector_id", "=", self.id)])
        )
        return {
            "format": TEMPLATE_FORMAT,
            "code": self.code,
            "connector": self._template_dump(kind),
            # What the wizard asks, shown as the first site's answer.
            "first_site": {"base_url": self.base_url or False},
            "flows": [flow._template_dump(kind) for flow in flows],
            "subscriptions": [s._template_row() for s in subscriptions],
        }

    @api.model
    def _template_upgrade(self, template):
        """A template of an earlier format, in the current one."""
        if template.get("format") in LEGACY_FORMATS:
            template = dict(template, format=TEMPLATE_FORMAT)
            template["flows"] = [
                {
                    **flow,
                    "target_model_id": flow.get("target_model") or False,
                    "allowed_field_ids": flow.get("allowed_fields") or [],
                }
                for flow in template.get("flows", [])
            ]
        if template.get("format") != TEMPLATE_FORMAT:
            raise UserError(
                self.env._(
                    "This file is not a connector template (%s).", TEMPLATE_FORMAT
                )
            )
        return template

    @api.model
    def _template_check_flows(self, template):
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

    @api.model
    def _template_prepare_vals(self, template, asked, missing=None):
        """Values of the new connector: the template's, then what was asked."""
        template = self._template_upgrade(template)
        self._template_check_flows(template)
        kind = template["connector"].get("kind")
        vals = self._template_load(template["connector"], kind, missing)
        flows = self.env["mfg.flow"]
        vals["flow_ids"] = [
            fields.Command.create(flows._template_load(flow, kind, missing))
            for flow in template.get("flows", [])
        ]
        vals.update(asked)
        vals["state"] = "draft"
        return vals

    @api.model
    def _create_from_template(
        self,
        template,
        code,
        name,
        company,
        technical_user=None,
        responsible=None,
        asked=None,
    ):
        """Create a draft connector from a template dict; returns it. ``asked``:
        values of the other fields the import wizard asks (base URL, site)."""
        values = {
            "code": code,
            "name": name,
            "company_id": company.id,
            "technical_user_id": technical_user.id if technical_user else False,
            "responsible_user_id": responsible.id if responsible else False,
            **(asked or {}),
        }
        connector = self.create(self._template_prepare_vals(template, values))
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

    # -------------------------------------------------------------- actions
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
