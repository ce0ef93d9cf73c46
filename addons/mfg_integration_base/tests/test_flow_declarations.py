# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A flow's declaration (core/flows.py of its addon) is all the engine needs:
the code and wire-format selections, the spec, the handler it calls, the
ordering flag and the default channel come from it (ENGINE_API.md §1)."""

import dataclasses
import inspect
from types import MappingProxyType

from odoo.addons.mfg_integration_base.core import flows as base_flows

from .common import MfgCommon
from .test_processing import upsert


class TestFlowDeclarations(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Flow = cls.env["mfg.flow"]
        cls.specs = cls.Flow._get_flow_specs()

    def test_every_installed_declaration_is_a_selection_value_and_back(self):
        codes = dict(self.Flow._fields["code"]._description_selection(self.env))
        self.assertEqual(set(codes), set(self.specs))
        for code, spec in self.specs.items():
            self.assertEqual(codes[code], spec.label)
        # the base's own flows are there whatever else is installed
        self.assertLessEqual({entry["code"] for entry in base_flows.FLOWS}, set(codes))
        formats = dict(
            self.Flow._fields["payload_format"]._description_selection(self.env)
        )
        declared = {
            fmt.code: fmt.label for spec in self.specs.values() for fmt in spec.formats
        }
        self.assertEqual(formats, {"json": "Canonical JSON", **declared})

    def test_every_inbound_declaration_names_a_handler_of_its_model(self):
        inbound = [spec for spec in self.specs.values() if spec.direction == "inbound"]
        self.assertTrue(inbound)
        for spec in inbound:
            self.assertIn(spec.model, self.env, spec.code)
            handler = getattr(self.env[spec.model], spec.handler, None)
            self.assertTrue(callable(handler), f"{spec.code}: {spec.handler}")
            self.assertEqual(
                list(inspect.signature(handler).parameters),
                ["message", "payload"],
                f"{spec.code}: {spec.model}.{spec.handler}(message, payload)",
            )

    def test_a_flow_reads_its_declaration(self):
        connector = self._mfg_create_connector("decl1")
        # a flow of every installed code (a batch feed needs its model)
        partner = self.env.ref("base.model_res_partner")
        flows = self.Flow.create(
            [
                {"connector_id": connector.id, "code": code}
                | (
                    {"target_model_id": partner.id, "feed_field_paths": "name"}
                    if code == "generic.feed"
                    else {}
                )
                for code in self.specs
            ]
        )
        self.assertEqual(set(flows.mapped("code")), set(self.specs))
        for flow in flows:
            spec = self.specs[flow.code]
            self.assertIs(flow._get_spec(), spec)
            self.assertEqual(flow.direction, spec.direction)
            # the declared channel, else the engine's default one
            self.assertEqual(flow.channel, spec.channel or "root.mfg", flow.code)
            self.assertEqual(flow.name, spec.label)

    def test_the_declared_handler_applies_the_message_as_the_technical_user(self):
        connector = self._mfg_partner_upsert_connector("decl2")
        calls = []
        receive = type(self.env["mfg.external.id"])._mfg_receive_upsert

        def spy(model, message, payload):
            calls.append((model._name, model.env.user, message, payload))
            return receive(model, message, payload)

        self.patch(type(self.env["mfg.external.id"]), "_mfg_receive_upsert", spy)
        message = self._mfg_receive(
            connector, "generic.record.upsert", upsert("D1", name="Declared")
        )
        self._mfg_process(connector)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.record_ref.name, "Declared")
        [(model, user, handed, payload)] = calls
        self.assertEqual(model, "mfg.external.id")
        self.assertEqual(user, connector.technical_user_id)
        self.assertEqual((handed, handed.env.user), (message, user))
        self.assertEqual(payload["external_id"], "D1")

    def test_an_ordered_declaration_gives_new_flows_its_channel(self):
        # The upsert declared as an ordered flow with its own channel, as a
        # domain addon would declare it: nothing else changes.
        ordered = dict(self.specs)
        ordered["generic.record.upsert"] = dataclasses.replace(
            self.specs["generic.record.upsert"],
            ordered=True,
            channel="root.mfg.ordered",
        )
        FlowClass = type(self.Flow)
        self.patch(
            FlowClass, "_mfg_flow_specs", (FlowClass.__mro__, MappingProxyType(ordered))
        )
        connector = self._mfg_create_connector("decl3")
        flow, named = self.Flow.create(
            [
                {"connector_id": connector.id, "code": "generic.record.upsert"},
                {
                    "connector_id": self._mfg_create_connector("decl4").id,
                    "code": "generic.record.upsert",
                    "channel": "root.mfg",
                },
            ]
        )
        self.assertTrue(flow._get_spec().ordered)
        self.assertEqual(flow.channel, "root.mfg.ordered")
        self.assertEqual(named.channel, "root.mfg", "a channel given is kept")

    def test_a_flow_added_while_addons_install_is_found(self):
        # Installing several addons in one run, Odoo rebuilds the registry's
        # class of mfg.flow in place as each one loads (``_build_model`` gives it
        # new bases). Flows read before a later addon loads must not hide that
        # addon's flows: its demo data's flows had "no specification".
        FlowClass = type(self.Flow)
        self.assertIn("generic.record.upsert", self.Flow._get_flow_specs())
        late = dataclasses.replace(
            self.specs["generic.record.upsert"], code="test.late.addon", label="Late"
        )
        LateAddon = type(
            "LateAddonFlow", (), {"_mfg_flows": MappingProxyType({late.code: late})}
        )
        bases = FlowClass.__bases__
        FlowClass.__bases__ = (LateAddon, *bases)
        self.addCleanup(setattr, FlowClass, "__bases__", bases)
        self.assertEqual(self.Flow._get_flow_specs()["test.late.addon"], late)
