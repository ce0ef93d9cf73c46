# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An MES connector set up for a second plant from the first one's template:
MES settings and flow settings come along, the site and base URL are asked."""

import json

from .common import MesCommon


class TestMesTemplate(MesCommon):
    def test_second_plant_gets_the_mes_settings_and_its_own_site(self):
        plant2 = self.env["res.company"].create({"name": "Plant 2 (MES)"})
        warehouse2 = self.env["stock.warehouse"].search(
            [("company_id", "=", plant2.id)], limit=1
        )
        self.connector.write(
            {
                "base_url": "https://mes.plant-1.example",
                "mes_warehouse_id": self.warehouse.id,
                "mes_release_trigger": "manual",
                "mes_auto_done": True,
                "mes_create_finished_lots": True,
                "mes_backorder_policy": "close",
            }
        )
        self.connector.flow_ids[:1].reconcile_tolerance = 0.5
        template = self.connector._template_dict()
        self.assertFalse(
            [
                k
                for k in template["connector"]
                if k.startswith(("scheduler_", "quality_"))
            ]
        )
        wizard = self.env["mfg.connector.template.import"].create(
            {
                "template_json": json.dumps(template),
                "code": "mes-plant2",
                "name": "MES plant 2",
                "company_id": plant2.id,
                "base_url": "https://mes.plant-2.example",
                "mes_warehouse_id": warehouse2.id,
            }
        )
        self.assertEqual(wizard.template_kind, "mes")
        self.assertIn("https://mes.plant-1.example", wizard.preview)
        copy = self.env["mfg.connector"].browse(wizard.action_import()["res_id"])
        self.assertEqual(
            (
                copy.mes_release_trigger,
                copy.mes_auto_done,
                copy.mes_create_finished_lots,
                copy.mes_backorder_policy,
            ),
            ("manual", True, True, "close"),
        )
        self.assertEqual(copy.flow_ids[:1].reconcile_tolerance, 0.5)
        self.assertEqual(
            (copy.base_url, copy.mes_warehouse_id, copy.company_id),
            ("https://mes.plant-2.example", warehouse2, plant2),
        )
