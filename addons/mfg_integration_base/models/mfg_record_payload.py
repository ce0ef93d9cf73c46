# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The values of records sent by event subscriptions and batch feeds."""

import ast

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from ..core import record_paths

# Models whose events would feed the engine's own outbox back into itself.
ENGINE_MODEL_PREFIXES = ("mfg.", "queue.job", "ir.", "bus.", "mail.", "res.users")
REFUSED_TYPES = ("binary",)


class MfgRecordPayload(models.AbstractModel):
    _name = "mfg.record.payload"
    _description = "Integration record payload"

    @api.model
    def _mfg_check_model(self, model_name):
        """Refuse models that cannot be subscribed to (the engine's own, technical
        ones, transient and abstract models)."""
        model = self.env.get(model_name)
        if (
            model is None
            or model._transient
            or model._abstract
            or model_name.startswith(ENGINE_MODEL_PREFIXES)
        ):
            raise ValidationError(
                self.env._(
                    "Model %s cannot be sent: choose a business model (the engine's "
                    "own, technical, transient and abstract models are refused).",
                    model_name,
                )
            )

    @api.model
    def _mfg_check_paths(self, model_name, paths, user):
        """Every path must name fields that ``user`` may read: the model's access
        rights along the path and each field's groups. A subscription never sends
        what the person who configured it could not see."""
        env = self.env(user=user, su=False)
        for path in paths:
            model = env[model_name]
            parts = path.split(".")
            for index, name in enumerate(parts):
                field = model._fields.get(name)
                if field is None:
                    raise ValidationError(
                        self.env._(
                            "%(path)s: %(model)s has no field %(field)s.",
                            path=path,
                            model=model._name,
                            field=name,
                        )
                    )
                if not model.browse().has_access("read") or not field.is_accessible(
                    env
                ):
                    raise ValidationError(
                        self.env._(
                            "%(path)s: %(user)s may not read %(model)s.%(field)s, so "
                            "no subscription or feed of theirs may send it.",
                            path=path,
                            user=user.name,
                            model=model._name,
                            field=name,
                        )
                    )
                if field.type in REFUSED_TYPES:
                    raise ValidationError(
                        self.env._("%s: binary fields are not sent.", path)
                    )
                last = index == len(parts) - 1
                if not last:
                    if not field.relational:
                        raise ValidationError(
                            self.env._(
                                "%(path)s: %(field)s is not a relation, it has no "
                                "sub-fields.",
                                path=path,
                                field=name,
                            )
                        )
                    model = env[field.comodel_name]

    @api.model
    def _mfg_record_values(self, records, tree):
        """[{id, path values...}] of ``records``, in order. ``records`` must be read
        with the rights the caller decided on (see the callers)."""
        return [self._mfg_one_record(record, tree) for record in records]

    def _mfg_one_record(self, record, tree):
        values = {"id": record.id}
        for name, subtree in tree.items():
            field = record._fields[name]
            value = record[name]
            if field.relational and subtree:
                if field.type == "many2one":
                    values[name] = (
                        self._mfg_one_record(value, subtree) if value else None
                    )
                else:
                    values[name] = [self._mfg_one_record(r, subtree) for r in value]
            else:
                values[name] = self._mfg_plain_value(field, value)
        return values

    @api.model
    def _mfg_plain_value(self, field, value):
        """A JSON value for one field: ids for relations, ISO text for dates,
        ``None`` for Odoo's ``False`` on anything but a boolean."""
        if field.type == "many2one":
            return value.id or None
        if field.type in ("one2many", "many2many"):
            return value.ids
        if field.type == "boolean":
            return bool(value)
        if value is False or value is None:
            return None
        if field.type == "datetime":
            return fields.Datetime.to_string(value).replace(" ", "T") + "Z"
        if field.type == "date":
            return fields.Date.to_string(value)
        if field.type == "reference":
            return f"{value._name},{value.id}" if value else None
        if field.type == "many2one_reference":
            return value
        return value

    @api.model
    def _mfg_company_domain(self, model_name, company):
        """Only the records of ``company`` (and shared ones) when the model has a
        company: a connector never sends another company's records."""
        model = self.env[model_name]
        if "company_id" in model._fields and model._fields["company_id"].store:
            return [("company_id", "in", [company.id, False])]
        return []

    @api.model
    def _mfg_literal_domain(self, model_name, text, label):
        """The domain written in ``text``: parsed as a literal (nothing is
        evaluated: no code, no context variables), checked on the model."""
        try:
            domain = ast.literal_eval((text or "[]").strip())
            domain = expression.normalize_domain(domain)
            self.env[model_name].sudo()._where_calc(domain)
        except (ValueError, SyntaxError, TypeError, KeyError, AssertionError) as err:
            raise ValidationError(
                self.env._(
                    "%(label)s: the domain %(domain)s is not a valid literal domain "
                    "on %(model)s (%(error)s).",
                    label=label,
                    domain=text,
                    model=model_name,
                    error=err,
                )
            ) from err
        return [] if domain == expression.TRUE_DOMAIN else domain

    @api.model
    def _mfg_paths_of(self, text):
        try:
            return record_paths.parse_paths(text)
        except record_paths.PathError as err:
            raise ValidationError(str(err)) from err
