# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The MES flows end to end: signed webhooks through Odoo's HTTP server, then
the queue, then stock and work orders."""

import uuid

from odoo.tests import tagged

from ..core import flows as mes_flows
from .common import MesHttpCommon
from .mes_streams import order_stream, shuffled_with_duplicates


@tagged("post_install", "-at_install")
class TestMesWebhook(MesHttpCommon):
    def setUp(self):
        super().setUp()
        self.connector.mes_auto_done = True
        self.mo = self._mes_create_mo()

    def _post_all(self, events):
        """POST each event; an event sent twice keeps its webhook id half of the
        time (a sender's retry) and gets a new one otherwise (a re-sent event)."""
        seen = {}
        statuses = []
        for index, (flow_code, payload) in enumerate(events):
            key = (flow_code, payload["sequence"])
            webhook_id = seen.get(key) if index % 2 else None
            webhook_id = webhook_id or uuid.uuid4().hex
            seen[key] = webhook_id
            response = self._mfg_post(
                self.connector, flow_code, payload, webhook_id=webhook_id
            )
            statuses.append(response.status_code)
        return statuses

    def _messages(self):
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("connector_id", "=", self.connector.id),
                    ("direction", "=", "inbound"),
                ]
            )
        )

    def test_order_executed_through_the_webhook(self):
        events = order_stream(self.mo.name)
        statuses = self._post_all(events)
        self.assertEqual(statuses, [202] * len(events))
        self._mfg_process(self.connector)
        messages = self._messages()
        self.assertEqual(
            set(messages.mapped("state")), {"done"}, messages.mapped("error_text")
        )
        self.assertEqual((self.mo.state, self.mo.mes_release_state), ("done", "done"))
        self.assertEqual(self.mo.qty_produced, 5.0)
        quants = self._mes_quants()
        self.assertEqual(quants[("FG-TABLE", "TABLE-1", self.stock.complete_name)], 5)
        # 3 + 2 boards by lot from the shelf; 22 screws consumed, 2 scrapped
        self.assertEqual(quants[("C-BOARD", "BOARD-1", self.shelf.complete_name)], 27)
        self.assertEqual(quants[("C-BOARD", "BOARD-2", self.shelf.complete_name)], 28)
        self.assertEqual(quants[("C-SCREW", "", self.stock.complete_name)], 176)
        cutting, assembly = self.mo.workorder_ids.sorted("sequence")
        # Cutting ran 08:00-08:20 and 08:30-08:50: 40 min for 30 expected
        self.assertEqual((cutting.duration, cutting.state), (40.0, "done"))
        self.assertEqual(
            sorted((t.loss_type, t.duration) for t in cutting.time_ids),
            [("performance", 10.0), ("productive", 10.0), ("productive", 20.0)],
        )
        self.assertEqual((assembly.duration, assembly.state), (70.0, "done"))
        self.assertIn("over-consumption", " ".join(self.mo.message_ids.mapped("body")))

    def test_shuffled_duplicated_stream_through_the_webhook_ends_like_the_ordered_one(
        self,
    ):
        events = order_stream(self.mo.name)
        with self.env.cr.savepoint() as savepoint:
            self._post_all(events)
            self._mfg_process(self.connector)
            self.assertEqual(set(self._messages().mapped("state")), {"done"})
            expected = self._mes_snapshot(self.mo)
            savepoint.rollback()
        self.env.invalidate_all()
        self.assertEqual(self.mo.state, "confirmed")
        stream = shuffled_with_duplicates(events, seed=11, duplicates=6)
        statuses = self._post_all(stream)
        # a retry with the same webhook id is answered 200, a re-sent event 202
        self.assertIn(200, statuses)
        self.assertGreater(statuses.count(202), len(events))
        self.assertEqual(statuses.count(202) + statuses.count(200), len(stream))
        self._mfg_process(self.connector)
        states = self._messages().mapped("state")
        self.assertEqual(states.count("done"), len(events))
        # both kinds of copy are logged as duplicates and change nothing
        self.assertEqual(states.count("duplicate"), len(stream) - len(events))
        self.assertEqual(self._mes_snapshot(self.mo), expected)

    def test_payload_breaking_the_contract_is_rejected_at_the_door(self):
        payload = self._mes_payload(self.mo, 1, product="C-SCREW", quantity=0)
        response = self._mfg_post(self.connector, "mes.material.consumed", payload)
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn("quantity", response.text)
        move = self.mo.move_raw_ids.filtered(lambda m: m.product_id == self.comp_plain)
        self.assertFalse(move.picked)

    def test_openapi_document_lists_the_mes_flows(self):
        doc = self.url_open("/mfg/v1/openapi.json").json()
        for flow_code in mes_flows.INBOUND_FLOWS:
            self.assertIn(f"/mfg/v1/{{connector_code}}/{flow_code}", doc["paths"])
        schema = doc["components"]["schemas"]["mes_material_consumed"]
        self.assertIn("ordering_key", schema["required"])
