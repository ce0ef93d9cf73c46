# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core.mapping import TRANSFORMS


class MfgFieldMapping(models.Model):
    _name = "mfg.field.mapping"
    _description = "Integration Field Mapping"
    _order = "flow_id, sequence, id"

    flow_id = fields.Many2one(
        "mfg.flow", required=True, ondelete="cascade", index=True, mfg_template=False
    )
    company_id = fields.Many2one(
        related="flow_id.company_id", store=True, mfg_template=False
    )
    sequence = fields.Integer(default=10, mfg_template=True)
    source_path = fields.Char(
        help="Dotted path in the incoming payload; name[] walks a list. For an "
        "outbound flow: the path in the canonical payload.",
        mfg_template=True,
    )
    target_path = fields.Char(
        help="Dotted path in the result; not used by a drop row, which removes "
        "its source path.",
        mfg_template=True,
    )
    transform = fields.Selection(
        [(t, t.replace("_", " ").title()) for t in TRANSFORMS],
        default="direct",
        required=True,
        mfg_template=True,
    )
    value_map_ids = fields.One2many("mfg.value.map", "mapping_id", string="Value map")
    constant_value = fields.Char(
        help="JSON value written by a constant transform.", mfg_template=True
    )
    default_value = fields.Char(
        help="JSON value used when the source is missing.", mfg_template=True
    )
    required = fields.Boolean(mfg_template=True)
    datetime_format = fields.Char(
        help="strptime format; empty means ISO 8601.", mfg_template=True
    )
    timezone = fields.Char(
        default="UTC", help="Time zone of naive date/times.", mfg_template=True
    )
    lookup_model = fields.Char(
        help="Model whose external id a lookup resolves.", mfg_template=True
    )

    @api.constrains("transform", "source_path", "target_path")
    def _check_paths(self):
        for mapping in self:
            if mapping.transform == "drop" and not mapping.source_path:
                raise ValidationError(
                    self.env._("A drop row needs the source path it removes.")
                )
            if mapping.transform != "drop" and not mapping.target_path:
                raise ValidationError(self.env._("A mapping row needs a target path."))

    @api.constrains("constant_value", "default_value")
    def _check_json_values(self):
        for mapping in self:
            for value in (mapping.constant_value, mapping.default_value):
                if value:
                    try:
                        json.loads(value)
                    except ValueError as err:
                        raise ValidationError(
                            self.env._("%(value)s is not valid JSON.", value=value)
                        ) from err

    def _as_rule(self, reverse=False):
        """The rule dict of core.mapping; ``reverse`` maps canonical → external."""
        self.ensure_one()
        pairs = [(v.external_value, v.canonical_value) for v in self.value_map_ids]
        table = {c: e for e, c in pairs} if reverse else dict(pairs)
        return {
            "source": self.source_path,
            "target": self.target_path,
            "transform": self.transform,
            "value_map": table,
            "constant": json.loads(self.constant_value)
            if self.constant_value
            else None,
            "default": json.loads(self.default_value) if self.default_value else None,
            "required": self.required,
            "datetime_format": self.datetime_format,
            "timezone": self.timezone,
            "lookup_model": self.lookup_model,
        }
