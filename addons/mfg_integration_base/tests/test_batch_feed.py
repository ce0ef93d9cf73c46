# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Batch feeds: pages of changed records, a cursor that never skips nor repeats a
record across a failed page, JSON Lines and CSV, signed."""

import csv
import io
import json

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import MfgCommon

OUT_SECRET = "whsec_" + "ZmVlZC1zaWduaW5nLXNlY3JldC1rZXktMzItYnl0ZXM="


# A page reads only below the start of the oldest transaction still open in the
# database (the feed's watermark): while the addon is being installed (at_install),
# the installation's own transaction is open and older than every record a test
# writes, so no page would ever be built.
@tagged("post_install", "-at_install")
class TestBatchFeed(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="feed_manager",
            groups="mfg_integration_base.mfg_integration_base_group_manager,"
            "base.group_partner_manager",
        )
        cls.connector = cls._mfg_create_connector(
            "feed1", outbound_secret=OUT_SECRET, read_timeout=2.0, connect_timeout=1.0
        )
        cls.feed = (
            cls.env["mfg.flow"]
            .with_user(cls.manager)
            .create(
                {
                    "connector_id": cls.connector.id,
                    "code": "generic.feed",
                    "mode": "batch",
                    "interval_minutes": 60,
                    "target_model_id": cls.env["ir.model"]._get_id("res.partner"),
                    "feed_domain": "[('ref', '=like', 'FEED-%')]",
                    "feed_field_paths": "name\nref\ncountry_id.code",
                    "feed_page_size": 2,
                    "feed_format": "jsonl",
                }
            )
        )
        belgium = cls.env.ref("base.be")
        cls.partners = cls.env["res.partner"].create(
            [
                {"name": f"Feed {i}", "ref": f"FEED-{i}", "country_id": belgium.id}
                for i in range(5)
            ]
        )

    def run_feed(self, replies=()):
        """Start the feed as its cron does, then send what is due to a real
        local HTTP server; returns the requests it received."""
        self.env["mfg.flow"]._mfg_run_due_feeds()
        return self._mfg_deliver(self.connector, "/generic.feed", OUT_SECRET, replies)

    def pages(self):
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search([("flow_id", "=", self.feed.id)], order="id")
        )

    @staticmethod
    def ids_of(request):
        lines = request["body"].decode().splitlines()
        return [json.loads(line)["id"] for line in lines]

    def test_failed_page_is_resent_as_is_and_the_cursor_waits_for_it(self):
        received = self.run_feed(replies=[(200, {}, {}), (500, {}, {"error": "disk"})])
        self.assertEqual(len(received), 2)
        self.assertEqual(received[0]["headers"]["Content-Type"], "application/x-ndjson")
        first, second = self.pages()
        self.assertEqual(first.state, "done")
        self.assertEqual(second.state, "queued", "the failed page waits for its retry")
        self.assertEqual(
            self.feed.feed_cursor_id,
            self.partners[1].id,
            "the cursor stops after the last delivered page",
        )
        self.assertTrue(
            self.feed.feed_cursor_date.startswith(
                fields.Datetime.to_string(self.partners[1].write_date)
            )
        )
        # The cron comes back before the retry: no page is built past the failed one.
        self.env["mfg.flow"]._mfg_run_due_feeds()
        self.feed.last_run_at = False
        self.env["mfg.flow"]._mfg_run_due_feeds()
        self.assertEqual(len(self.pages()), 2)

        second.next_attempt_at = fields.Datetime.now()
        retried = self.run_feed()
        self.assertEqual(
            retried[0]["body"], received[1]["body"], "same page, same bytes"
        )
        self.assertEqual(
            retried[0]["headers"]["Idempotency-Key"],
            received[1]["headers"]["Idempotency-Key"],
        )
        delivered = [self.ids_of(received[0]), *map(self.ids_of, retried)]
        self.assertEqual(
            [i for page in delivered for i in page],
            self.partners.ids,
            "every record once, in order, nothing skipped",
        )
        self.assertEqual([len(p) for p in delivered], [2, 2, 1])
        self.assertEqual(self.feed.feed_cursor_id, self.partners[-1].id)
        self.feed.last_run_at = False
        self.assertFalse(self.run_feed(), "nothing changed since: nothing sent")

        # A record changed later (a later transaction: a later write_date) comes again.
        self.partners[0].name = "Feed 0 renamed"
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = %s WHERE id = %s",
            [fields.Datetime.now(), self.partners[0].id],
        )
        self.env.invalidate_all()
        self.feed.last_run_at = False
        [again] = self.run_feed()
        self.assertEqual(self.ids_of(again), [self.partners[0].id])
        self.assertEqual(json.loads(again["body"])["name"], "Feed 0 renamed")

    def test_csv_pages_with_related_paths(self):
        self.feed.write({"feed_format": "csv", "feed_page_size": 10})
        [request] = self.run_feed()
        self.assertTrue(request["headers"]["Content-Type"].startswith("text/csv"))
        rows = list(csv.reader(io.StringIO(request["body"].decode())))
        self.assertEqual(rows[0], ["id", "name", "ref", "country_id.code"])
        self.assertEqual(
            rows[1:],
            [[str(p.id), p.name, p.ref, "BE"] for p in self.partners],
        )
