# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo polls an OData-style PLM (a real HTTP server on 127.0.0.1): pages,
throttling and a failing page never skip nor repeat a part."""

from datetime import timedelta
from urllib.parse import unquote

from odoo import fields
from odoo.tests import tagged

from ..core import flows as plm_flows
from .common import PlmCommon
from .odata_server import ODataPlm

API_KEY = "plm-api-key-for-tests"


def _parts():
    """Seven parts; three share one modification time across a page boundary."""
    times = [
        "2026-01-05T08:00:00Z",
        "2026-01-05T08:05:00Z",
        "2026-01-05T08:10:00Z",
        "2026-01-05T08:10:00Z",
        "2026-01-05T08:10:00Z",
        "2026-01-05T09:00:00Z",
        "2026-01-05T09:30:00Z",
    ]
    return [
        {
            "@odata.etag": f'W/"{index}"',
            "ID": f"OR:wt.part.WTPart:{100 + index}",
            "Number": f"PULL-{index}",
            "Name": f"Pulled part {index}",
            "Revision": "A",
            "DefaultUnit": "Units",
            "State": "RELEASED",
            "ModifiedOn": when,
        }
        for index, when in enumerate(times, start=1)
    ]


@tagged("post_install", "-at_install")
class TestPlmPull(PlmCommon):
    def _pull_connector(self, url):
        connector = self._mfg_create_connector(
            "plmpull",
            kind="plm",
            flows=["plm.item.released"],
            tech_groups=("mrp.group_mrp_manager",),
            base_url=url,
            auth_type="api_key",
            outbound_secret=API_KEY,
            connect_timeout=2.0,
            read_timeout=2.0,
            plm_auto_approve=True,
        )
        flow = connector.flow_ids
        flow.write(
            {
                "transport": "pull",
                "payload_format": plm_flows.ODATA,
                "pull_path": "/odata/Parts",
                "pull_page_size": 2,
                "pull_page_limit": 2,
                "interval_minutes": 15,
            }
        )
        return connector, flow

    def _messages(self, connector):
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search([("connector_id", "=", connector.id)], order="id")
        )

    def _due_again(self, flow):
        """The interval (and any Retry-After) has passed."""
        flow.sudo().write(
            {
                "pull_last_run_at": fields.Datetime.now() - timedelta(hours=1),
                "pull_next_at": False,
            }
        )

    def test_paged_throttled_failing_pull_stores_each_part_once(self):
        parts = _parts()
        with ODataPlm(parts, api_key=API_KEY) as plm:
            connector, flow = self._pull_connector(plm.url)
            # run 1: page 1 (parts 1-2) then 429 on page 2
            plm.script = {2: (429, {"Retry-After": "120"})}
            flow._mfg_pull()
            self.assertEqual(len(self._messages(connector)), 2)
            self.assertIn("429", flow.pull_last_error)
            wait = (flow.pull_next_at - fields.Datetime.now()).total_seconds()
            self.assertTrue(100 < wait <= 120, wait)
            # the cron respects Retry-After and the interval
            self.env["mfg.flow"]._cron_pull()
            self.assertFalse(
                self.env["queue.job"].search(
                    [("identity_key", "=", f"mfg.flow._mfg_pull:{flow.id}")]
                )
            )
            # run 2: pages 2-3 (parts 3-6: three share 08:10 across pages)
            self._due_again(flow)
            plm.script = {}
            flow._mfg_pull()
            self.assertEqual(len(self._messages(connector)), 6)
            self.assertFalse(flow.pull_last_error)
            # run 3: the page after the cursor fails with 500: nothing stored,
            # cursor kept; run 4 takes it
            self._due_again(flow)
            cursor = flow.pull_cursor
            plm.script = {len(plm.requests) + 1: (500, {})}
            flow._mfg_pull()
            self.assertEqual(len(self._messages(connector)), 6)
            self.assertEqual(flow.pull_cursor, cursor)
            self.assertIn("500", flow.pull_last_error)
            self._due_again(flow)
            flow._mfg_pull()
            # a run that finds nothing new stores nothing
            self._due_again(flow)
            flow._mfg_pull()
        messages = self._messages(connector)
        self.assertEqual(
            messages.mapped("idempotency_key"),
            [f"pull:{p['ID']}@{p['ModifiedOn']}" for p in parts],
        )
        # every request carried the connector's API key, and asked after the cursor
        self.assertTrue(
            all(r["headers"].get("X-API-Key") == API_KEY for r in plm.requests)
        )
        self.assertIn(
            "ModifiedOn eq 2026-01-05T09:30:00Z and ID gt 'OR:wt.part.WTPart:107'",
            unquote(plm.requests[-1]["path"]),
        )
        # downstream is the webhook's: each part becomes a product
        self._mfg_process(connector)
        messages.invalidate_recordset()
        self.assertEqual(
            set(messages.mapped("state")), {"done"}, messages.mapped("error_text")
        )
        products = self.env["product.template"].search(
            [("default_code", "like", "PULL-")], order="default_code"
        )
        self.assertEqual(
            [(p.default_code, p.name, p.plm_revision) for p in products],
            [(f"PULL-{i}", f"Pulled part {i}", "A") for i in range(1, 8)],
        )

    def test_a_part_modified_again_is_pulled_again_once(self):
        parts = _parts()[:2]
        with ODataPlm(parts, api_key=API_KEY) as plm:
            connector, flow = self._pull_connector(plm.url)
            flow._mfg_pull()
            parts[0].update(
                {
                    "Name": "Renamed part",
                    "Revision": "B",
                    "ModifiedOn": "2026-01-06T10:00:00Z",
                }
            )
            self._due_again(flow)
            flow._mfg_pull()
            # the same version served twice (a cursor reset) is a duplicate
            flow.sudo().pull_cursor = False
            self._due_again(flow)
            flow._mfg_pull()
        self.assertEqual(len(self._messages(connector)), 3)
        self._mfg_process(connector)
        product = self.env["product.template"].search([("default_code", "=", "PULL-1")])
        self.assertEqual((product.name, product.plm_revision), ("Renamed part", "B"))

    def test_a_next_link_to_another_host_is_not_followed(self):
        with ODataPlm(_parts(), api_key=API_KEY) as plm:
            connector, flow = self._pull_connector(plm.url)
            plm.url = "http://127.0.0.2:9"  # the server now links elsewhere
            flow._mfg_pull()
            self.assertEqual(len(plm.requests), 1)
        self.assertEqual(len(self._messages(connector)), 2)
        self.assertIn("not on the connector's address", flow.pull_last_error)

    def test_an_unreadable_page_stores_nothing_and_says_why(self):
        parts = _parts()[:3]
        del parts[1]["ModifiedOn"]
        with ODataPlm(parts, api_key=API_KEY) as plm:
            connector, flow = self._pull_connector(plm.url)
            plm.entities = parts
            flow._mfg_pull()
        self.assertFalse(self._messages(connector))
        self.assertIn("has no ModifiedOn", flow.pull_last_error)
