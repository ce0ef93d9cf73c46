# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from freezegun import freeze_time

from odoo.tools.misc import file_path

from .common import PlmCommon


class TestPlmItemAndChange(PlmCommon):
    def test_item_release_creates_the_product_with_its_plm_data(self):
        self.connector.plm_auto_approve = True
        message = self._plm_release("plm.item.released", self._item_payload())
        self.assertEqual(message.state, "done", message.error_text)
        change = self._change_of(message)
        self.assertEqual(change.state, "applied")
        valve = change.product_tmpl_id
        self.assertEqual(valve.name, "Check valve")
        self.assertEqual(valve.default_code, "VALVE-30")
        self.assertEqual(valve.plm_part_number, "VALVE-30")
        self.assertEqual(valve.plm_revision, "A")
        self.assertEqual(valve.plm_lifecycle_state, "released")
        self.assertEqual(valve.uom_id, self.unit)
        self.assertTrue(valve.is_storable)
        self.assertAlmostEqual(valve.weight, 0.35)
        self.assertEqual(
            [
                (m.manufacturer_name, m.manufacturer_part_number)
                for m in valve.plm_manufacturer_part_ids
            ],
            [("ACME Valves", "AV-30")],
        )
        self.assertEqual(valve.plm_attributes, "material: brass")
        self.assertEqual(self.connector._mfg_external_id(valve), "VALVE-30")

    def test_item_release_needs_approval_without_auto_approve(self):
        change = self._change_of(
            self._plm_release("plm.item.released", self._item_payload())
        )
        self.assertEqual(change.state, "to_approve")
        self.assertFalse(
            self.env["product.template"].search([("default_code", "=", "VALVE-30")])
        )
        change.with_user(self.approver).action_approve()
        change.with_user(self.approver).action_apply()
        self.assertEqual(change.product_tmpl_id.plm_revision, "A")

    def test_newer_item_revision_updates_the_product(self):
        self.connector.plm_auto_approve = True
        self._plm_release("plm.item.released", self._item_payload())
        change = self._change_of(
            self._plm_release(
                "plm.item.released",
                self._item_payload(
                    revision="B",
                    name="Check valve, steel",
                    lifecycle_state="prototype",
                    manufacturers=[],
                ),
            )
        )
        self.assertEqual(change.state, "applied")
        valve = change.product_tmpl_id
        self.assertEqual(valve.name, "Check valve, steel")
        self.assertEqual(valve.plm_revision, "B")
        self.assertFalse(valve.plm_manufacturer_part_ids)
        self.assertEqual(
            self.env["product.template"].search_count(
                [("default_code", "=", "VALVE-30")]
            ),
            1,
        )

    def test_change_order_approval_covers_its_releases(self):
        eco = self._change_of(
            self._plm_release("plm.change.released", self._change_payload())
        )
        self.assertEqual(eco.state, "to_approve")
        self.assertEqual(eco.release_type, "change")
        self.assertEqual(eco.disposition_wip, "use_as_is")
        self.assertEqual(eco.item_ids.product_tmpl_id, self.pump.product_tmpl_id)
        bom_change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        self.assertEqual(bom_change.parent_id, eco)
        self.assertEqual(bom_change.state, "to_approve")
        eco.with_user(self.approver).action_approve()
        self.assertEqual(bom_change.state, "approved")
        mo = self.env["mrp.production"].create(
            {
                "product_id": self.pump.id,
                "bom_id": self.bom_a.id,
                "user_id": self.planner.id,
            }
        )
        eco.with_user(self.approver).action_apply()
        self.assertEqual(eco.state, "applied")
        self.assertEqual(bom_change.state, "applied")
        self.assertFalse(self.bom_a.active)
        self.assertIn("Use as is", mo.activity_ids.note)
        self.assertIn("Stronger screws", self.pump.product_tmpl_id.message_ids[0].body)

    def test_release_after_approved_change_order_is_approved_with_it(self):
        eco = self._change_of(
            self._plm_release("plm.change.released", self._change_payload())
        )
        eco.with_user(self.approver).action_approve()
        bom_change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        # Approved with its change order, and due: applied on receipt.
        self.assertEqual(bom_change.approved_by_id, self.connector.technical_user_id)
        self.assertEqual(bom_change.state, "applied")
        self.assertEqual(self._boms_of(self.pump).plm_revision, "B")

    def test_change_order_on_unknown_item_fails_validation(self):
        eco = self._change_of(
            self._plm_release(
                "plm.change.released",
                self._change_payload(
                    affected_items=[{"part_number": "NOPE-1", "to_revision": "C"}]
                ),
            )
        )
        self.assertEqual(eco.state, "received")
        self.assertEqual(eco.problem_ids.code, "unknown_part")
        self.assertIn("NOPE-1", eco.problem_ids.message)

    def test_rejected_change_is_never_applied(self):
        change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        change.with_user(self.approver).action_reject()
        self.assertEqual(change.state, "rejected")
        self.env["mfg.plm.change"]._cron_apply_due()
        self._assert_bom_a_untouched()

    @freeze_time("2026-12-02")
    def test_upload_wizard_feeds_the_xml_through_the_engine(self):
        self.connector.plm_auto_approve = True
        with open(
            file_path("plm_connector/core/samples/plm_item_release_sample.xml"), "rb"
        ) as f:
            data = f.read()
        wizard = (
            self.env["mfg.plm.xml.import.wizard"]
            .with_user(self.approver)
            .create(
                {"connector_id": self.connector.id, "xml_file": base64.b64encode(data)}
            )
        )
        wizard.action_import()
        message = wizard.message_id
        self.assertEqual(message.content_type, "application/xml")
        self.assertEqual(message.state, "queued")
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        housing = self._change_of(message).product_tmpl_id
        self.assertEqual(housing, self.housing.product_tmpl_id)
        self.assertEqual(housing.plm_revision, "C")
        self.assertEqual(housing.name, "Pump housing")

    def test_units_come_through_the_flow_value_map(self):
        """A PLM speaking its own format: mapping rows, the unit by value map."""
        self.connector.plm_auto_approve = True
        flow = self._mfg_flow(self.connector, "plm.item.released")
        mappings = self.env["mfg.field.mapping"]
        for sequence, (source, target) in enumerate(
            (("partNo", "part_number"), ("rev", "revision"), ("title", "name")), start=1
        ):
            mappings.create(
                {
                    "flow_id": flow.id,
                    "sequence": sequence,
                    "source_path": source,
                    "target_path": target,
                }
            )
        mappings.create(
            {
                "flow_id": flow.id,
                "sequence": 10,
                "source_path": "uom",
                "target_path": "unit",
                "transform": "uom",
                "value_map_ids": [
                    (0, 0, {"external_value": "EA", "canonical_value": "Units"}),
                    (0, 0, {"external_value": "DZ", "canonical_value": "Dozens"}),
                ],
            }
        )
        message = self._plm_release(
            "plm.item.released",
            {
                "schema_version": "1.0",
                "partNo": "BOLT-9",
                "rev": "A",
                "title": "Bolt",
                "uom": "DZ",
            },
        )
        self.assertEqual(message.state, "done", message.error_text)
        bolt = self._change_of(message).product_tmpl_id
        self.assertEqual(bolt.uom_id, self.env.ref("uom.product_uom_dozen"))
        self.assertEqual(bolt.plm_part_number, "BOLT-9")

    def test_rejecting_a_change_order_rejects_its_waiting_releases(self):
        eco = self._change_of(
            self._plm_release("plm.change.released", self._change_payload())
        )
        bom_change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        eco.with_user(self.approver).action_reject()
        self.assertEqual(eco.state, "rejected")
        self.assertEqual(bom_change.state, "rejected")
        self.env["mfg.plm.change"]._cron_apply_due()
        self._assert_bom_a_untouched()
