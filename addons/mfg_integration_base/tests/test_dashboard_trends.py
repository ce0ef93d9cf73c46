# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The dashboard's trends: messages per hour over the last 24 hours and the
p95 latency against the target, per connector card and per flow."""

import json
from datetime import timedelta

from odoo import fields

from ..core import humanize
from .common import MfgCommon


def percentile_cont(values, fraction):
    """PostgreSQL's percentile_cont: linear interpolation between ranks."""
    values = sorted(values)
    rank = fraction * (len(values) - 1)
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


class TestDashboardTrends(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector(
            "trend1", fields=("name",), flows=["generic.record.changed"]
        )

    def receive(self, ref, **values):
        payload = {
            "schema_version": "1.0",
            "external_id": ref,
            "values": values or {"name": f"Partner {ref}"},
        }
        return self._mfg_receive(self.connector, "generic.record.upsert", payload)

    def graphs(self):
        self.connector.invalidate_recordset()
        card = json.loads(self.connector.trend_graph)["series"]
        flows = json.loads(self.connector.flow_trend_graph)["series"]
        return card, {series["title"]: series for series in flows}

    def test_card_and_flow_graphs_count_the_last_24_hours(self):
        for ref in ("A", "B", "C", "D"):
            self.receive(ref)
        failed = self.receive("F", email="not allowed")
        # Received 30 hours ago and done then: in no hour of the graphs.
        old = self.receive("OLD")
        self._mfg_process(self.connector, direction="inbound")
        self.assertEqual(failed.state, "failed")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mfg_sync_message SET create_date = %(at)s, processed_at = %(at)s"
            " WHERE id = %(id)s",
            {"at": fields.Datetime.now() - timedelta(hours=30), "id": old.id},
        )
        (card,), flows = self.graphs()
        self.assertEqual(len(card["labels"]), 24)
        self.assertEqual((card["received"][-1], sum(card["received"])), (5, 5))
        self.assertEqual((card["done"][-1], sum(card["done"])), (4, 4))
        self.assertEqual((card["failed"][-1], sum(card["failed"])), (1, 1))
        done = self.env["mfg.sync.message"].search(
            [
                ("connector_id", "=", self.connector.id),
                ("state", "=", "done"),
                ("id", "!=", old.id),
            ]
        )
        p95 = percentile_cont(done.mapped("latency_ms"), 0.95)
        self.assertEqual(card["p95_ms"][-1], round(p95))
        self.assertEqual(card["p95_text"][-1], humanize.duration_ms(p95))
        self.assertRegex(card["p95_text"][-1], r"^\d+(\.\d)? (ms|s|min)$")
        self.assertIsNone(card["p95_ms"][0])  # nothing done in that hour
        self.assertEqual(card["target_ms"], 60000)
        self.assertEqual(card["target_text"], "60 s")
        self.assertEqual(
            self.connector.stat_latency_display,
            f"{humanize.duration_ms(p95)} (target 60 s)",
        )
        # One graph per flow, titled with the flow, with its own figures.
        self.assertEqual(
            list(flows),
            ["generic.record.upsert (inbound)", "generic.record.changed (outbound)"],
        )
        upsert = flows["generic.record.upsert (inbound)"]
        self.assertEqual(upsert["received"], card["received"])
        self.assertEqual(upsert["summary"], self.connector.stat_latency_display)
        changed = flows["generic.record.changed (outbound)"]
        self.assertEqual(sum(changed["received"] + changed["done"]), 0)
        self.assertEqual(changed["summary"], "– (target 60 s)")
        # The card's other figures come from the same query.
        self.assertEqual(self.connector.stat_in_24h, 5)
        self.assertEqual(self.connector.stat_failure_rate, 20.0)

    def test_backlog_and_dead_letters_follow_every_write(self):
        first, second = self.receive("Q1"), self.receive("Q2")
        self.connector.invalidate_recordset()
        self.assertEqual(
            (self.connector.stat_backlog, self.connector.stat_dead), (2, 0)
        )
        # Written by SQL, as the ordering crons write states.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mfg_sync_message SET state = 'dead' WHERE id = %s", [first.id]
        )
        self.connector.invalidate_recordset()
        self.assertEqual(
            (self.connector.stat_backlog, self.connector.stat_dead), (1, 1)
        )
        second.unlink()
        self.connector.invalidate_recordset()
        self.assertEqual(
            (self.connector.stat_backlog, self.connector.stat_dead), (0, 1)
        )

    def test_as_many_queries_for_three_cards_as_for_one(self):
        others = self._mfg_create_connector(
            "trend2", flows=["generic.record.changed"]
        ) | self._mfg_create_connector("trend3")
        self.receive("X")
        counts = []
        for connectors in (self.connector, self.connector | others):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            connectors.mapped("trend_graph")
            connectors.mapped("flow_trend_graph")
            connectors.mapped("stat_backlog")
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1], counts)
