# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..core.mapping import naive_utc
from ..exceptions import MfgValidationError

RELATIONAL_TYPES = (
    "many2one",
    "one2many",
    "many2many",
    "reference",
    "many2one_reference",
)


class MfgExternalId(models.Model):
    _name = "mfg.external.id"
    _description = "External Id Binding"
    _order = "connector_id, model, external_id"
    _rec_name = "external_id"

    connector_id = fields.Many2one("mfg.connector", required=True, ondelete="cascade")
    company_id = fields.Many2one(
        related="connector_id.company_id", store=True, index=True
    )
    model = fields.Char(required=True)
    res_id = fields.Integer(required=True)
    external_id = fields.Char(required=True)
    external_revision = fields.Char()
    payload_hash = fields.Char()
    last_sync_at = fields.Datetime()
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        compute="_compute_record_ref",
        string="Record",
    )

    _sql_constraints = [
        (
            "binding_uniq",
            "unique(connector_id, model, external_id)",
            "An external id is bound once per connector and model.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS mfg_external_id_record_idx "
            "ON mfg_external_id (connector_id, model, res_id)"
        )

    @api.model
    def _selection_record_ref(self):
        return [(m.model, m.name) for m in self.env["ir.model"].sudo().search([])]

    @api.depends("model", "res_id")
    def _compute_record_ref(self):
        for binding in self:
            if binding.model in self.env and binding.res_id:
                binding.record_ref = f"{binding.model},{binding.res_id}"
            else:
                binding.record_ref = False

    @api.model
    def _mfg_receive_upsert(self, message, payload):
        """Handler of generic.record.upsert: create or update a record of the
        flow's target model, bound to the sender's external id; an unchanged
        payload is a no-op."""
        # The flow's settings point at ir.model rows the technical user may
        # not read: read them as sudo, write the record as the technical user.
        flow, connector = message.flow_id.sudo(), message.connector_id
        if not flow.target_model_id:
            raise MfgValidationError(
                self.env._("Flow %s has no target model configured.", flow.code)
            )
        model = flow.target_model_id.model
        allowed = {
            f.name for f in flow.allowed_field_ids if f.ttype not in RELATIONAL_TYPES
        }
        refused = sorted(set(payload["values"]) - allowed)
        if refused:
            raise MfgValidationError(
                self.env._(
                    "values.%(field)s: not a field this flow may write "
                    "(allowed: %(allowed)s)",
                    field=refused[0],
                    allowed=", ".join(sorted(allowed)) or "-",
                )
            )
        values = self._mfg_upsert_values(model, payload["values"])
        external_id = payload["external_id"]
        binding = connector._mfg_find_binding(model, external_id)
        record = connector._mfg_resolve(model, external_id, binding).with_env(self.env)
        if record and connector._mfg_payload_unchanged(
            model, external_id, payload, binding
        ):
            return record
        if record:
            record.write(values)
        else:
            record = self.env[model].create(values)
        connector._mfg_bind(
            record,
            external_id,
            revision=payload.get("revision"),
            payload=payload,
            binding=binding,
        )
        return record

    @api.model
    def _mfg_upsert_values(self, model, values):
        """The payload's values as the ORM takes them. A date/time arrives as JSON
        text in ISO 8601 (``2026-12-03T06:30:00Z``, as the mapping's datetime
        transform writes it); Odoo reads only its own ``2026-12-03 06:30:00``."""
        model_fields = self.env[model]._fields
        values = dict(values)
        for name, value in values.items():
            text = value if isinstance(value, str) else None
            if model_fields[name].type != "datetime" or not text:
                continue
            try:
                values[name] = naive_utc(text)
            except ValueError as err:
                raise MfgValidationError(
                    self.env._(
                        "values.%(field)s: %(value)r is not a date and time in ISO "
                        "8601 (e.g. 2026-12-03T06:30:00Z)",
                        field=name,
                        value=value,
                    )
                ) from err
        return values
