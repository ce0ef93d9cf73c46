# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the PLM connector tests: a PLM connector, work centers ASM and
TST, a pump PUMP-100 with its BOM revision A in effect, and release payloads."""

import copy

from odoo.tests import new_test_user

from odoo.addons.mfg_integration_base.tests.common import MfgCommon, MfgHttpCommon

PLM_FLOWS = ["plm.item.released", "plm.bom.released", "plm.change.released"]


class PlmTestMixin:
    @classmethod
    def _plm_setup(cls):
        cls.connector = cls._mfg_create_connector(
            "plm1", kind="plm", flows=PLM_FLOWS, tech_groups=("mrp.group_mrp_manager",)
        )
        cls.approver = new_test_user(
            cls.env,
            login="eng_approver",
            groups="base.group_user,plm_connector.plm_connector_group_approver,mrp.group_mrp_manager",
        )
        cls.planner = new_test_user(
            cls.env, login="planner", groups="base.group_user,mrp.group_mrp_user"
        )
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.wc_asm = cls.env["mrp.workcenter"].create(
            {"name": "Assembly", "code": "T-ASM"}
        )
        cls.wc_tst = cls.env["mrp.workcenter"].create(
            {"name": "Test bench", "code": "T-TST"}
        )
        products = cls.env["product.product"].create(
            [
                {"name": name, "default_code": code, "is_storable": True}
                for code, name in (
                    ("PUMP-100", "Pump"),
                    ("HOUSING-10", "Housing"),
                    ("IMPELLER-20", "Impeller"),
                    ("SCREW-M6", "Screw M6"),
                    ("SEAL-7", "Old seal"),
                    ("GASKET-5", "Gasket"),
                )
            ]
        )
        cls.pump, cls.housing, cls.impeller, cls.screw, cls.seal, cls.gasket = products
        # Bound to their part numbers, as a PLM connector in use has them: the
        # binding wins over a product of the demo data with the same reference.
        for product in products:
            cls.connector._mfg_bind(product.product_tmpl_id, product.default_code)
        cls.pump.product_tmpl_id.plm_revision = "A"
        cls.bom_a = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.pump.product_tmpl_id.id,
                "code": "PUMP-100 rev. A",
                "plm_revision": "A",
                "operation_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Assemble",
                            "workcenter_id": cls.wc_asm.id,
                            "sequence": 10,
                            "plm_ref": "OP10",
                            "time_cycle_manual": 10.0,
                        },
                    ),
                ],
                "bom_line_ids": [
                    (0, 0, {"product_id": cls.housing.id, "product_qty": 1}),
                    (0, 0, {"product_id": cls.impeller.id, "product_qty": 1}),
                    (0, 0, {"product_id": cls.screw.id, "product_qty": 6}),
                    (0, 0, {"product_id": cls.seal.id, "product_qty": 1}),
                ],
            }
        )

    # ------------------------------------------------------------ payloads
    BOM_B = {
        "schema_version": "1.0",
        "part_number": "PUMP-100",
        "revision": "B",
        "change_number": "ECO-0042",
        "supersedes_revision": "A",
        "lines": [
            {
                "component": "HOUSING-10",
                "quantity": 1,
                "unit": "Units",
                "find_number": "10",
                "operation_ref": "OP10",
            },
            {
                "component": "IMPELLER-20",
                "quantity": 1,
                "unit": "Units",
                "find_number": "20",
            },
            {
                "component": "SCREW-M6",
                "quantity": 8,
                "unit": "Units",
                "find_number": "30",
                "operation_ref": "OP10",
            },
            {
                "component": "GASKET-5",
                "quantity": 2,
                "unit": "Units",
                "find_number": "40",
            },
        ],
        "operations": [
            {
                "ref": "OP10",
                "sequence": 10,
                "workcenter_code": "T-ASM",
                "name": "Assemble",
                "setup_time": 15,
                "run_time": 12.5,
                "instructions": "Fit the gasket first.",
            },
            {
                "ref": "OP20",
                "sequence": 20,
                "workcenter_code": "T-TST",
                "name": "Pressure test",
                "setup_time": 5,
                "run_time": 4,
            },
        ],
    }

    def _bom_payload(self, **values):
        payload = copy.deepcopy(self.BOM_B)
        payload.update(values)
        return payload

    def _item_payload(self, **values):
        payload = {
            "schema_version": "1.0",
            "part_number": "VALVE-30",
            "revision": "A",
            "name": "Check valve",
            "description": "Spring check valve, brass.",
            "unit": "Units",
            "product_type": "storable",
            "lifecycle_state": "released",
            "weight": 0.35,
            "manufacturers": [{"name": "ACME Valves", "part_number": "AV-30"}],
            "attributes": [{"name": "material", "value": "brass"}],
        }
        payload.update(values)
        return payload

    def _change_payload(self, **values):
        payload = {
            "schema_version": "1.0",
            "change_number": "ECO-0042",
            "title": "Stronger screws, new gasket",
            "reason": "Leaks in the field",
            "priority": "high",
            "affected_items": [
                {"part_number": "PUMP-100", "from_revision": "A", "to_revision": "B"}
            ],
            "disposition": {"wip": "use_as_is", "stock": "rework"},
        }
        payload.update(values)
        return payload

    # ------------------------------------------------------------- helpers
    def _plm_release(self, flow_code, payload):
        """Store a release as the webhook does, run the queue; the message."""
        message = self._mfg_receive(self.connector, flow_code, payload)
        self._mfg_process(self.connector)
        return message

    def _change_of(self, message):
        self.assertEqual(message.res_model, "mfg.plm.change", message.error_text)
        return self.env["mfg.plm.change"].browse(message.res_id)

    def _boms_of(self, product, active=True):
        return (
            self.env["mrp.bom"]
            .with_context(active_test=False)
            .search(
                [
                    ("product_tmpl_id", "=", product.product_tmpl_id.id),
                    ("active", "=", active),
                ]
            )
        )

    def _bom_lines(self, bom):
        return {
            (line.product_id.default_code, line.product_qty)
            for line in bom.bom_line_ids
        }

    def _assert_bom_a_untouched(self):
        self.assertTrue(self.bom_a.active)
        self.assertEqual(self._boms_of(self.pump), self.bom_a)
        self.assertEqual(
            self._bom_lines(self.bom_a),
            {("HOUSING-10", 1), ("IMPELLER-20", 1), ("SCREW-M6", 6), ("SEAL-7", 1)},
        )
        self.assertEqual(self.pump.product_tmpl_id.plm_revision, "A")


class PlmCommon(PlmTestMixin, MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._plm_setup()


class PlmHttpCommon(PlmTestMixin, MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._plm_setup()
