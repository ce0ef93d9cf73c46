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
            if not (wizard.template_file or wizard.template_json):
                wizard.preview = False
                continue
            try:
                template = wizard._template()
            except UserError as err:
                wizard.preview = Markup("<p class='text-danger'>%s</p>") % str(err)
                continue
            rows = Markup("").join(
                Markup("<li>%s: %s, %s mapping row(s)</li>")
                % (flow["code"], flow.get("mode"), len(flow.get("mappings", [])))
                for flow in template.get("flows", [])
            )
            wizard.preview = Markup(
                "<p>Creates connector <b>%s</b> (%s) in %s, in draft, "
                "without secrets:</p><ul>%s</ul>"
            ) % (
                escape(wizard.code or "?"),
                escape(template.get("connector", {}).get("kind", "?")),
                escape(wizard.company_id.name or "?"),
                rows,
            )

    def action_import(self):
        self.ensure_one()
        connector = self.env["mfg.connector"]._create_from_template(
            self._template(),
            self.code,
            self.name,
            self.company_id,
            technical_user=self.technical_user_id,
            responsible=self.responsible_user_id,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mfg.connector",
            "res_id": connector.id,
            "view_mode": "form",
        }
