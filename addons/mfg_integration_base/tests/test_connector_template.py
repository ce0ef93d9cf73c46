# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Connector templates: every setting declares whether a template carries it,
and a round trip (export, then the import wizard) gives an identical connector,
field by field, for every kind of connector installed, but for secrets and the
fields the wizard asks for."""

import json

from psycopg2 import IntegrityError

from odoo import models
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import MfgCommon

TEMPLATE_MODELS = ("mfg.connector", "mfg.flow", "mfg.field.mapping")
NOT_SETTINGS = {"one2many"}
NOT_SETTING_FIELDS = {"message_main_attachment_id", "activity_date_deadline"}


def carried_for(field, kind):
    declared = getattr(field, "mfg_template", None)
    if isinstance(declared, str) and declared != "ask":
        declared = (declared,)
    return declared is True or (isinstance(declared, tuple) and kind in declared)


@tagged("post_install", "-at_install")
class TestConnectorTemplate(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = [
            new_test_user(cls.env, login=f"template_user_{i}", groups="base.group_user")
            for i in range(3)
        ]

    # ------------------------------------------------------------ helpers
    def _candidates(self, record, name):
        """Values other than the record's own, most telling first; None when
        the field cannot take another one (a flow's code, the connector's kind:
        what the round trip is about)."""
        field, value = record._fields[name], record[name]
        if (record._name, name) in (("mfg.flow", "code"), ("mfg.connector", "kind")):
            return None
        if record._name == "mfg.flow" and name == "payload_format":
            return [fmt.code for fmt in record._get_spec().formats] or None
        if name in ("constant_value", "default_value"):
            return ['"x"', "1"]
        if name == "retry_schedule":
            return ["0, 5s, 1m, 1h"]
        if name == "feed_domain":
            return ["[('id', '>', 0)]"]
        if name == "feed_field_paths":
            return ["name\nemail"]
        if field.type == "boolean":
            return [not value]
        if field.type == "integer":
            return [value + 7, value + 1]
        if field.type == "float":
            return [value + 0.5, value + 1]
        if field.type == "selection":
            values = [v for v, _label in field._description_selection(self.env)]
            return [v for v in reversed(values) if v != value]
        if field.type in ("char", "text"):
            if name == "channel":
                return ["root.mfg.ordered"]
            return [f"{name}-{record._name}-{record.id}", f"/tmp/{name}"]
        if field.type == "many2one" and field.comodel_name == "res.users":
            return [u.id for u in self.users if u != value]
        if field.type == "many2one" and field.comodel_name == "ir.model":
            return [self.env.ref("base.model_res_partner").id]
        if field.type == "many2many" and field.comodel_name == "ir.model.fields":
            names = self.env["ir.model.fields"].search(
                [("model", "=", "res.partner"), ("name", "in", ("name", "email"))]
            )
            return [[(6, 0, names.ids)]]
        return []

    def _set_all(self, record, names, exercised):
        """Give every field a value other than its default where the record's
        rules allow one; ``exercised`` collects the fields that took one."""
        for name in names:
            candidates = self._candidates(record, name)
            if candidates is None:
                exercised.add(f"{record._name}.{name}")
                continue
            for value in candidates:
                try:
                    with self.env.cr.savepoint():
                        record.write({name: value})
                        record.flush_recordset()
                except (ValidationError, UserError, IntegrityError):
                    continue
                exercised.add(f"{record._name}.{name}")
                break

    def _comparable(self, record, name):
        value = record[name]
        if isinstance(value, models.BaseModel):
            return sorted(value.ids)
        return value

    def _assert_same(self, original, copy, names, what):
        for name in names:
            self.assertEqual(
                self._comparable(copy, name),
                self._comparable(original, name),
                f"{what}: {original._name}.{name} did not survive the template",
            )

    # -------------------------------------------------------------- tests
    def test_every_setting_declares_whether_templates_carry_it(self):
        """A new field must say: carried (True or its kinds), asked by the
        import wizard ('ask'), or not carried (False)."""
        undeclared = []
        for model in TEMPLATE_MODELS:
            for name, field in self.env[model]._fields.items():
                if (
                    not field.store
                    or field.type in NOT_SETTINGS
                    or name in models.MAGIC_COLUMNS
                    or name in NOT_SETTING_FIELDS
                    or name.startswith(("message_", "activity_", "website_message"))
                ):
                    continue
                if getattr(field, "mfg_template", None) is None:
                    undeclared.append(f"{model}.{name}")
        self.assertFalse(
            undeclared,
            "Declare mfg_template=True, a connector kind, 'ask' or False on these "
            "fields (mfg_connector_template.py tells what each means)",
        )

    def test_round_trip_gives_an_identical_connector_for_every_kind(self):
        connector_model = self.env["mfg.connector"]
        kinds = [
            k
            for k, _l in connector_model._fields["kind"]._description_selection(
                self.env
            )
        ]
        codes = [
            c
            for c, _l in self.env["mfg.flow"]
            ._fields["code"]
            ._description_selection(self.env)
        ]
        for kind in kinds:
            with self.subTest(kind=kind):
                self._check_round_trip(kind, codes)

    def _check_round_trip(self, kind, codes):
        connector = self._mfg_create_connector(
            f"tpl-{kind}", kind=kind, base_url=f"https://{kind}.site-1"
        )
        Connector, Flow = self.env["mfg.connector"], self.env["mfg.flow"]
        Mapping = self.env["mfg.field.mapping"]
        # Every flow there is; those that need a model (feeds) get partners.
        Flow.create(
            [
                {
                    "connector_id": connector.id,
                    "code": code,
                    "target_model_id": self.env.ref("base.model_res_partner").id,
                    "feed_field_paths": "name",
                }
                for code in codes
            ]
        )
        exercised = set()
        self._set_all(connector, Connector._template_field_names(kind), exercised)
        for flow in connector.flow_ids:
            self._set_all(flow, Flow._template_field_names(kind), exercised)
            mapping = Mapping.create(
                {
                    "flow_id": flow.id,
                    "source_path": "a",
                    "target_path": "b",
                    "transform": "value_map",
                    "value_map_ids": [
                        (0, 0, {"external_value": "EA", "canonical_value": "Units"})
                    ],
                }
            )
            self._set_all(mapping, Mapping._template_field_names(kind), exercised)
        carried = {
            f"{model}.{name}"
            for model in TEMPLATE_MODELS
            for name in self.env[model]._template_field_names(kind)
        }
        self.assertFalse(
            sorted(carried - exercised),
            "the test could give these no other value on any record",
        )
        connector.outbound_secret = "never-in-a-template"
        template = json.dumps(connector._template_dict())
        self.assertNotIn("never-in-a-template", template)
        for name, field in Connector._fields.items():
            if name not in json.loads(template)["connector"]:
                continue
            self.assertTrue(carried_for(field, kind), f"{kind} template carries {name}")

        wizard = self.env["mfg.connector.template.import"].create(
            {
                "template_json": template,
                "code": f"tpl-{kind}-2",
                "name": f"{kind} site 2",
                "technical_user_id": self.users[0].id,
                "responsible_user_id": self.users[1].id,
                "base_url": f"https://{kind}.site-2",
            }
        )
        copy = Connector.browse(wizard.action_import()["res_id"])
        self.assertEqual(
            (copy.code, copy.state, copy.base_url, copy.technical_user_id),
            (f"tpl-{kind}-2", "draft", f"https://{kind}.site-2", self.users[0]),
        )
        self.assertFalse(copy.outbound_secret_set or copy.inbound_secret_set)
        self._assert_same(connector, copy, Connector._template_field_names(kind), kind)
        self.assertEqual(
            copy.flow_ids.mapped("code"), connector.flow_ids.mapped("code")
        )
        for flow, flow_copy in zip(connector.flow_ids, copy.flow_ids, strict=True):
            what = f"{kind} {flow.code}"
            self._assert_same(flow, flow_copy, Flow._template_field_names(kind), what)
            for mapping, mapping_copy in zip(
                flow.mapping_ids, flow_copy.mapping_ids, strict=True
            ):
                self._assert_same(
                    mapping, mapping_copy, Mapping._template_field_names(kind), what
                )
                self.assertEqual(
                    mapping_copy.value_map_ids.mapped("external_value"), ["EA"]
                )
