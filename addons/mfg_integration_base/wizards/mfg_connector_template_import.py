# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError


class MfgConnectorTemplateImport(models.TransientModel):
    _name = "mfg.connector.template.import"
    _description = "Import a connector template for another site"

    template_file = fields.Binary(string="Template file (JSON)")
    template_json = fields.Text()
    code = fields.Char(
        required=True, help="Code of the new connector (part of its URLs)."
    )
    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    technical_user_id = fields.Many2one("res.users")
    responsible_user_id = fields.Many2one("res.users")
    base_url = fields.Char(
        string="Base URL",
        help="Where this site's system receives outbound messages; the template's "
        "site had its own (shown below).",
    )
    template_kind = fields.Char(compute="_compute_preview")
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    def _template(self):
        self.ensure_one()
        raw = (
            base64.b64decode(self.template_file)
            if self.template_file
            else self.template_json
        )
        if not raw:
            raise UserError(self.env._("Upload a template file first."))
        try:
            return json.loads(raw)
        except ValueError as err:
            raise UserError(
                self.env._("The template is not valid JSON: %s", err)
            ) from err

    @api.depends("template_file", "template_json", "code", "company_id")
    def _compute_preview(self):
        for wizard in self:
            wizard.template_kind = False
            if not (wizard.template_file or wizard.template_json):
                wizard.preview = False
                continue
            try:
                template = wizard._template()
                missing = []
                self.env["mfg.connector"]._template_prepare_vals(template, {}, missing)
            except UserError as err:
                wizard.preview = Markup("<p class='text-danger'>%s</p>") % str(err)
                continue
            kind = template.get("connector", {}).get("kind")
            wizard.template_kind = kind
            rows = Markup("").join(
                Markup("<li>%s: %s, %s mapping row(s)</li>")
                % (flow["code"], flow.get("mode"), len(flow.get("mappings", [])))
                for flow in template.get("flows", [])
            )
            first_url = (template.get("first_site") or {}).get("base_url")
            notes = Markup("").join(
                Markup("<li>%s</li>") % note
                for note in (
                    [self.env._("The first site's base URL: %s", first_url)]
                    if first_url
                    else []
                )
                + [
                    self.env._("Not found here, left empty: %s", lacking)
                    for lacking in missing
                ]
            )
            wizard.preview = Markup(
                "<p>Creates connector <b>%s</b> (%s) in %s, in draft, "
                "without secrets:</p><ul>%s</ul><ul>%s</ul>"
            ) % (
                escape(wizard.code or "?"),
                escape(kind or "?"),
                escape(wizard.company_id.name or "?"),
                rows,
                notes,
            )

    def _prepare_asked_values(self):
        """What the wizard asks besides code, name, company and users (domain
        addons add their site fields with ``_inherit``)."""
        self.ensure_one()
        return {"base_url": self.base_url or False}

    def action_import(self):
        self.ensure_one()
        connector = self.env["mfg.connector"]._create_from_template(
            self._template(),
            self.code,
            self.name,
            self.company_id,
            technical_user=self.technical_user_id,
            responsible=self.responsible_user_id,
            asked=self._prepare_asked_values(),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mfg.connector",
            "res_id": connector.id,
            "view_mode": "form",
        }
